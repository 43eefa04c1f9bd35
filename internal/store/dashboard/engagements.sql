-- The organisation's engagements, one row each, narrowed to what the dashboards filter, group,
-- count and date them by; titles are read later, for the few a page names.
SELECT e.id, e.kind, e.status, e.start_date, e.end_date, e.unit, coalesce(e.responsible_id, 0),
    e.renewal_date, e.update_cadence, CASE WHEN e.kind = 'membership' THEN e.reviews ELSE '[]' END
FROM engagements e
WHERE e.org_id = $1
ORDER BY e.id
