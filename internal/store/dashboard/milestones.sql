-- The organisation's milestones that are not done.
SELECT m.id, coalesce(m.engagement_id, 0), coalesce(m.element_id, 0), m.title, m.due_date
FROM milestones m
WHERE m.org_id = $1 AND m.done_on IS NULL
