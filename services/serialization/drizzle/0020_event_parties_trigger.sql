-- event_parties is written by the database, not by the projector's statement: every row inserted into events that names
-- parties gets its rows here, whichever release inserts it. During a rolling update the pods of the release before
-- 0019 keep projecting after the migration (ADR 0014); their events would otherwise have no rows, and a party's pages,
-- which walk event_parties (ADR 0015), would miss them. Only rows with parties run the function (the WHEN clause).
CREATE FUNCTION "event_parties_of_new_event"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO event_parties (party, event_time, record_time, event_hash)
  SELECT DISTINCT p.party, NEW.event_time, NEW.record_time, NEW.event_hash FROM unnest(NEW.parties) AS p(party)
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "events_event_parties" AFTER INSERT ON "events"
  FOR EACH ROW WHEN (NEW.parties <> '{}') EXECUTE FUNCTION "event_parties_of_new_event"();--> statement-breakpoint
-- Events an earlier release inserted between migration 0019 and this one.
INSERT INTO "event_parties" ("party", "event_time", "record_time", "event_hash")
  SELECT DISTINCT p.party, e.event_time, e.record_time, e.event_hash FROM "events" e, unnest(e.parties) AS p(party)
  WHERE e.parties <> '{}'
  ON CONFLICT DO NOTHING;
