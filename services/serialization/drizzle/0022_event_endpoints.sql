-- A filter on one source or destination (EQ_source_<type>, EQ_destination_<type> with one id) walks that entry's
-- events in page order (ADR 0015, "Sources and destinations in order"): a row per event and entry of its sources or
-- destinations, written by the trigger that writes event_parties (0020, 0021) and filled here from events. Both indexes
-- carry the other time and the event's capturer and parties (INCLUDE; written here by hand, drizzle-kit cannot declare
-- it): a walk reads the index alone, and a party's keeps to the events it may see without fetching the others.
CREATE TABLE "event_endpoints" (
	"side" text NOT NULL,
	"type" text NOT NULL,
	"id" text NOT NULL,
	"event_time" timestamp with time zone NOT NULL,
	"record_time" timestamp with time zone NOT NULL,
	"event_hash" text COLLATE "C" NOT NULL,
	"captured_by" text NOT NULL,
	"parties" text[] NOT NULL,
	CONSTRAINT "event_endpoints_side_type_id_event_time_event_hash_pk" PRIMARY KEY("side","type","id","event_time","event_hash")
		INCLUDE ("record_time","captured_by","parties")
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
  INSERT INTO event_endpoints (side, type, id, event_time, record_time, event_hash, captured_by, parties)
  SELECT DISTINCT list.side, entry.type, entry_id.id, NEW.event_time, NEW.record_time, NEW.event_hash,
    NEW.captured_by, NEW.parties
  FROM (VALUES ('source', NEW.sources), ('destination', NEW.destinations)) AS list(side, entries),
    jsonb_each(list.entries) AS entry(type, ids), jsonb_array_elements_text(entry.ids) AS entry_id(id)
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;--> statement-breakpoint
INSERT INTO "event_endpoints"
  SELECT DISTINCT list.side, entry.type, entry_id.id, e.event_time, e.record_time, e.event_hash, e.captured_by,
    e.parties
  FROM "events" e,
    LATERAL (VALUES ('source', e.sources), ('destination', e.destinations)) AS list(side, entries),
    jsonb_each(list.entries) AS entry(type, ids), jsonb_array_elements_text(entry.ids) AS entry_id(id)
  WHERE e.parties <> '{}';--> statement-breakpoint
CREATE INDEX "event_endpoints_record_time" ON "event_endpoints" USING btree ("side","type","id","record_time","event_hash")
	INCLUDE ("event_time","captured_by","parties");--> statement-breakpoint
ANALYZE "event_endpoints";
