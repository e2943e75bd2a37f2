-- Two indexes a party's own part reads (ADR 0015, "Record time order and the lot index").
-- events_record_time gets the capturer: a party's page in record time order found its own events by walking the record
-- time index and fetching every event of others in between (11,300 for the bench distributor's first page, 8.6 ms);
-- now an index range (0.4 ms). A capture's events share record time and capturer: deduplication keeps it at 8.8 MB for
-- 1 M events.
-- events_lot_number drops the event hash (a lot's events rarely share an event time; ties are sorted): 39 MB rather
-- than 193 MB for the bench's 800,000 commissioning events, so a party that captured none of a lot's 100,000 events
-- reads 600 pages of it rather than 3,000 to learn that.
DROP INDEX "events_record_time";--> statement-breakpoint
DROP INDEX "events_lot_number";--> statement-breakpoint
CREATE INDEX "events_record_time" ON "events" USING btree ("record_time","captured_by");--> statement-breakpoint
CREATE INDEX "events_lot_number" ON "events" USING btree (event_lot_number("document", "namespaces"),"event_time","captured_by") WHERE "events"."document" ? 'ilmd';