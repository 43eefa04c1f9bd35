-- The money lines of the organisation's engagements; the snapshot adds up the lines of the
-- same engagement, year, kind and currency (a line per year and kind is the rule). Summing
-- here would sort every line first, which costs more than the adding.
SELECT m.engagement_id, m.year, m.kind, m.currency, m.amount_minor, m.hours
FROM money_lines m
JOIN engagements e ON e.id = m.engagement_id
WHERE e.org_id = $1
