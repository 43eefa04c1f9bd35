-- The money lines of the organisation's engagements, summed per engagement, year, kind and
-- currency (a line per year and kind is the rule; several are added up).
SELECT m.engagement_id, m.year, m.kind, m.currency, CAST(sum(m.amount_minor) AS BIGINT), sum(m.hours)
FROM money_lines m
JOIN engagements e ON e.id = m.engagement_id
WHERE e.org_id = $1
GROUP BY m.engagement_id, m.year, m.kind, m.currency
