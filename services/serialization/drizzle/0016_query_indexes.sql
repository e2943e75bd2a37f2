-- Indexes for the common parameters of GET /events on a large store (ADR 0015, "Measured on 1 M events").
-- The cbvmda lot number of an event's ILMD as EQ_ILMD_cbvmda:lotNumber finds it: a field named `cbvmda:lotNumber`, by
-- the namespace's IRI, or under a prefix the event declares for that namespace. Its text when the event has exactly
-- one such field and it holds text; '*' when it has several or one that is no text (the query then tests those
-- events one by one); NULL when it has none.
CREATE FUNCTION "event_lot_number"(document jsonb, namespaces jsonb) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN count(*) = 0 THEN NULL
    WHEN count(*) = 1 AND bool_and(jsonb_typeof(f.value) = 'string') THEN min(f.value #>> '{}')
    ELSE '*'
  END
  FROM jsonb_each(CASE WHEN jsonb_typeof(document -> 'ilmd') = 'object' THEN document -> 'ilmd' END) AS f
  WHERE f.key IN ('cbvmda:lotNumber', 'urn:epcglobal:cbv:mda:lotNumber')
     OR (f.key LIKE '%:lotNumber' AND namespaces ->> left(f.key, -length(':lotNumber')) = 'urn:epcglobal:cbv:mda:')
$$;--> statement-breakpoint
CREATE INDEX "events_lot_number" ON "events" USING btree (event_lot_number("document", "namespaces"),"event_time","event_hash") WHERE "document" ? 'ilmd';--> statement-breakpoint
CREATE INDEX "events_sensor" ON "events" USING btree ("event_time","event_hash") WHERE "document" ? 'sensorElementList';--> statement-breakpoint
CREATE INDEX "events_read_point" ON "events" USING btree ("read_point","event_time","event_hash");--> statement-breakpoint
CREATE INDEX "events_captured_by" ON "events" USING btree ("captured_by","event_time","event_hash");--> statement-breakpoint
CREATE INDEX "events_parties" ON "events" USING gin ("parties") WHERE "parties" <> '{}';--> statement-breakpoint
CREATE INDEX "events_biz_transactions" ON "events" USING gin ("biz_transactions" jsonb_path_ops) WHERE "biz_transactions" <> '{}';--> statement-breakpoint
CREATE INDEX "events_sources" ON "events" USING gin ("sources" jsonb_path_ops) WHERE "sources" <> '{}';--> statement-breakpoint
CREATE INDEX "events_destinations" ON "events" USING gin ("destinations" jsonb_path_ops) WHERE "destinations" <> '{}';