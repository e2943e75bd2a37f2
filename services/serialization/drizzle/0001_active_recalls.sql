-- The recalls in force: the newest notice of each recall decides (recall → active; withdraw or close → not).
CREATE VIEW "active_recalls" AS
SELECT recall_id, gtin, lots, serials, effective_at
FROM (
  SELECT DISTINCT ON (recall_id) recall_id, action, gtin, lots, serials, effective_at
  FROM recall_notices
  ORDER BY recall_id, effective_at DESC, kafka_offset DESC
) newest
WHERE action = 'recall';
