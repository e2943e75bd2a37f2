CREATE TABLE "subscription_feed_entries" (
	"feed_id" bigint NOT NULL,
	"position" bigint NOT NULL,
	"entry_key" text COLLATE "C" NOT NULL,
	"record_time" timestamp with time zone NOT NULL,
	CONSTRAINT "subscription_feed_entries_feed_id_position_pk" PRIMARY KEY("feed_id","position")
);
--> statement-breakpoint
CREATE TABLE "subscription_feeds" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "subscription_feeds_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"key" text NOT NULL,
	"head" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "subscription_feeds_key" UNIQUE("key")
);
--> statement-breakpoint
ALTER TABLE "subscriptions" ADD COLUMN "feed_id" bigint;--> statement-breakpoint
-- Existing subscriptions keep what they wait for: each gets a feed of its own holding its queue in order (entries
-- in the queue had passed its start already, so they carry the start as record time), its cursor before them.
INSERT INTO "subscription_feeds" ("key") SELECT 'subscription:' || "id" FROM "subscriptions";--> statement-breakpoint
UPDATE "subscriptions" s SET "feed_id" = f."id", "cursor" = 0
FROM "subscription_feeds" f WHERE f."key" = 'subscription:' || s."id";--> statement-breakpoint
INSERT INTO "subscription_feed_entries" ("feed_id", "position", "entry_key", "record_time")
SELECT s."feed_id", row_number() OVER (PARTITION BY q."subscription_id" ORDER BY q."position"), q."entry_key",
	COALESCE(s."initial_record_time", s."created_at")
FROM "subscription_queue" q JOIN "subscriptions" s ON s."id" = q."subscription_id";--> statement-breakpoint
UPDATE "subscription_feeds" f SET "head" = COALESCE(
	(SELECT max(e."position") FROM "subscription_feed_entries" e WHERE e."feed_id" = f."id"), 0);--> statement-breakpoint
ALTER TABLE "subscriptions" ALTER COLUMN "feed_id" SET NOT NULL;--> statement-breakpoint
DROP TABLE "subscription_queue" CASCADE;--> statement-breakpoint
ALTER TABLE "subscription_feed_entries" ADD CONSTRAINT "subscription_feed_entries_entry_key_subscription_events_entry_key_fk" FOREIGN KEY ("entry_key") REFERENCES "public"."subscription_events"("entry_key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "subscription_feed_entries_entry" ON "subscription_feed_entries" USING btree ("feed_id","entry_key");--> statement-breakpoint
CREATE INDEX "subscription_feed_entries_event" ON "subscription_feed_entries" USING btree ("entry_key");--> statement-breakpoint
CREATE INDEX "subscriptions_feed" ON "subscriptions" USING btree ("feed_id","cursor");
