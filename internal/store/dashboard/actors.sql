-- The organisation's actors: where each is (its country, and in Norway its county or NUTS code).
SELECT a.id, a.name, a.country, a.region
FROM actors a
WHERE a.org_id = $1
