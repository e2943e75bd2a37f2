ALTER TABLE "event_epcs" DROP CONSTRAINT "event_epcs_event_hash_events_event_hash_fk";
--> statement-breakpoint
DROP INDEX "event_epcs_key_prefix";--> statement-breakpoint
DROP INDEX "events_parties";--> statement-breakpoint
DROP INDEX "serials_gtin_serial";--> statement-breakpoint
ALTER TABLE "event_epcs" ALTER COLUMN "key" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "event_epcs" ALTER COLUMN "event_hash" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "events" ALTER COLUMN "event_hash" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "serial_history" ALTER COLUMN "key" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "serials" ALTER COLUMN "key" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "serials" ALTER COLUMN "parent_key" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
CREATE INDEX "event_epcs_aggregation" ON "event_epcs" USING btree ("key","event_hash") WHERE event_type = 'AggregationEvent' AND role IN ('parent', 'child');