-- The strategy elements whose cadence expects status updates, in strategies that are not
-- archived (as the follow-up's list of what is due has them).
SELECT el.id, el.strategy_id, el.update_cadence
FROM elements el
JOIN strategies s ON s.id = el.strategy_id
WHERE s.org_id = $1 AND el.update_cadence NOT IN ('', 'none') AND s.status <> 'archived'
