-- A party's page of GET /events without reading every event it may see (ADR 0015, "A party's pages").
-- event_parties: the second part of the visibility rule (the events others captured that name the party as a source
-- or destination) by party in event and record time order, written with each event; filled here from events.parties.
-- The filter indexes of business step, disposition, action and business location also hold the capturer, so a party's
-- own events with the value are found in the index; the location and read point indexes use the pattern operators, so
-- that WD_ finds a GLN's sub-locations (LIKE 'gln/254/%') in them whatever the database's collation.
CREATE TABLE "event_parties" (
	"party" text NOT NULL,
	"event_time" timestamp with time zone NOT NULL,
	"record_time" timestamp with time zone NOT NULL,
	"event_hash" text COLLATE "C" NOT NULL,
	CONSTRAINT "event_parties_party_event_time_event_hash_pk" PRIMARY KEY("party","event_time","event_hash")
);
--> statement-breakpoint
INSERT INTO "event_parties" ("party", "event_time", "record_time", "event_hash")
  SELECT DISTINCT p.party, e.event_time, e.record_time, e.event_hash FROM "events" e, unnest(e.parties) AS p(party)
  WHERE e.parties <> '{}';--> statement-breakpoint
DROP INDEX "events_biz_step";--> statement-breakpoint
DROP INDEX "events_disposition";--> statement-breakpoint
DROP INDEX "events_action";--> statement-breakpoint
DROP INDEX "events_biz_location";--> statement-breakpoint
DROP INDEX "events_read_point";--> statement-breakpoint
CREATE INDEX "event_parties_record_time" ON "event_parties" USING btree ("party","record_time","event_hash");--> statement-breakpoint
CREATE INDEX "events_biz_step" ON "events" USING btree ("biz_step","captured_by");--> statement-breakpoint
CREATE INDEX "events_disposition" ON "events" USING btree ("disposition","captured_by");--> statement-breakpoint
CREATE INDEX "events_action" ON "events" USING btree ("action","captured_by");--> statement-breakpoint
CREATE INDEX "events_biz_location" ON "events" USING btree ("biz_location" text_pattern_ops,"captured_by");--> statement-breakpoint
CREATE INDEX "events_read_point" ON "events" USING btree ("read_point" text_pattern_ops,"event_time","event_hash");--> statement-breakpoint
ANALYZE "event_parties";
