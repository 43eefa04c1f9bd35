-- Which strategy elements each of the organisation's engagements serves.
SELECT ee.engagement_id, ee.element_id
FROM engagement_elements ee
JOIN engagements e ON e.id = ee.engagement_id
WHERE e.org_id = $1
