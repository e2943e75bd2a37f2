-- Statistics of the capturing party together with each column GET /events filters on with an index (ADR 0015,
-- "Measured on 1 M events"). A party's own events are read apart from those it is a source or destination of; taking
-- columns as independent, the planner expected a party that captured most events (a manufacturer) to have many
-- receiving events too and walked the event time index through the whole store looking for them (1.1–1.4 s on 1 M
-- events). With the combinations counted it reads the filter's index instead. The larger sample (1,000 rather than
-- 100) is what makes the rare and absent combinations count as such.
ALTER TABLE "events" ALTER COLUMN "captured_by" SET STATISTICS 1000;--> statement-breakpoint
CREATE STATISTICS "events_captured_by_event_type" (mcv) ON "captured_by", "event_type" FROM "events";--> statement-breakpoint
CREATE STATISTICS "events_captured_by_action" (mcv) ON "captured_by", "action" FROM "events";--> statement-breakpoint
CREATE STATISTICS "events_captured_by_biz_step" (mcv) ON "captured_by", "biz_step" FROM "events";--> statement-breakpoint
CREATE STATISTICS "events_captured_by_disposition" (mcv) ON "captured_by", "disposition" FROM "events";--> statement-breakpoint
CREATE STATISTICS "events_captured_by_biz_location" (mcv) ON "captured_by", "biz_location" FROM "events";--> statement-breakpoint
CREATE STATISTICS "events_captured_by_read_point" (mcv) ON "captured_by", "read_point" FROM "events";--> statement-breakpoint
ANALYZE "events";
