-- The partners of the organisation's engagements, in any role (an actor in two roles comes
-- twice; the snapshot keeps it once).
SELECT ep.engagement_id, ep.actor_id
FROM engagement_partners ep
JOIN engagements e ON e.id = ep.engagement_id
WHERE e.org_id = $1
