-- A party's page that filters by event type, action, business step, disposition, read point or location, or asks for
-- ILMD (a lot number) or sensor elements, walks its rows of event_parties in page order and tests those values in the
-- index alone (ADR 0015, "Filters in the party's index"): the rows repeat the event's columns and both indexes carry
-- them and the other time (INCLUDE; written here by hand, drizzle-kit cannot declare it). Rows of the event's own capturer are not kept:
-- a party's own events are the first part of its visibility rule, read by captured_by. The table is rebuilt from
-- events in this migration's transaction (its rows are derived), and the trigger of 0020 writes the new columns.
-- The lot number, sensor and read point indexes get the capturer after the event hash: the same order, and a party's
-- page tests the capturer in the index instead of fetching every event of the lot, sensor or read point.
DROP TABLE "event_parties";--> statement-breakpoint
CREATE TABLE "event_parties" (
	"party" text NOT NULL,
	"event_time" timestamp with time zone NOT NULL,
	"record_time" timestamp with time zone NOT NULL,
	"event_hash" text COLLATE "C" NOT NULL,
	"event_type" text NOT NULL,
	"action" text,
	"biz_step" text,
	"disposition" text,
	"read_point" text,
	"biz_location" text,
	"has_ilmd" boolean NOT NULL,
	"has_sensor_elements" boolean NOT NULL,
	CONSTRAINT "event_parties_party_event_time_event_hash_pk" PRIMARY KEY("party","event_time","event_hash")
		INCLUDE ("record_time","event_type","action","biz_step","disposition","read_point","biz_location","has_ilmd","has_sensor_elements")
);--> statement-breakpoint
CREATE OR REPLACE FUNCTION "event_parties_of_new_event"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO event_parties (party, event_time, record_time, event_hash, event_type, action, biz_step, disposition,
    read_point, biz_location, has_ilmd, has_sensor_elements)
  SELECT DISTINCT p.party, NEW.event_time, NEW.record_time, NEW.event_hash, NEW.event_type, NEW.action, NEW.biz_step,
    NEW.disposition, NEW.read_point, NEW.biz_location, NEW.document ? 'ilmd', NEW.document ? 'sensorElementList'
  FROM unnest(NEW.parties) AS p(party)
  WHERE p.party <> NEW.captured_by
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;--> statement-breakpoint
INSERT INTO "event_parties"
  SELECT DISTINCT p.party, e.event_time, e.record_time, e.event_hash, e.event_type, e.action, e.biz_step, e.disposition,
    e.read_point, e.biz_location, e.document ? 'ilmd', e.document ? 'sensorElementList'
  FROM "events" e, unnest(e.parties) AS p(party)
  WHERE e.parties <> '{}' AND p.party <> e.captured_by;--> statement-breakpoint
CREATE INDEX "event_parties_record_time" ON "event_parties" USING btree ("party","record_time","event_hash")
	INCLUDE ("event_time","event_type","action","biz_step","disposition","read_point","biz_location","has_ilmd","has_sensor_elements");--> statement-breakpoint
DROP INDEX "events_lot_number";--> statement-breakpoint
DROP INDEX "events_sensor";--> statement-breakpoint
DROP INDEX "events_read_point";--> statement-breakpoint
CREATE INDEX "events_lot_number" ON "events" USING btree (event_lot_number("document", "namespaces"),"event_time","event_hash","captured_by") WHERE "events"."document" ? 'ilmd';--> statement-breakpoint
CREATE INDEX "events_sensor" ON "events" USING btree ("event_time","event_hash","captured_by") WHERE "events"."document" ? 'sensorElementList';--> statement-breakpoint
CREATE INDEX "events_read_point" ON "events" USING btree ("read_point" text_pattern_ops,"event_time","event_hash","captured_by");--> statement-breakpoint
ANALYZE "event_parties";
