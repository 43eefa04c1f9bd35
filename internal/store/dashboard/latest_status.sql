-- The latest status update of each of the organisation's engagements and strategy elements.
SELECT latest.engagement_id, latest.element_id, latest.date, latest.status
FROM (
    SELECT coalesce(s.engagement_id, 0) AS engagement_id, coalesce(s.element_id, 0) AS element_id, s.date, s.status,
        row_number() OVER (PARTITION BY s.engagement_id, s.element_id ORDER BY s.date DESC, s.id DESC) AS n
    FROM status_updates s
    WHERE s.org_id = $1
) latest
WHERE latest.n = 1
