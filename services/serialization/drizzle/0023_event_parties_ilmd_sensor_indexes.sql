-- A party's page of a lot number or sensor filter walks only its rows of events with ILMD or sensor elements, which
-- shipping and receiving events rarely have (ADR 0015): without these the walk read all of the party's rows in the
-- primary key to find none (8,802 of the bench's distributor, 10 ms).
CREATE INDEX "event_parties_with_ilmd" ON "event_parties" USING btree ("party","event_time","event_hash") WHERE "event_parties"."has_ilmd";--> statement-breakpoint
CREATE INDEX "event_parties_with_sensor_elements" ON "event_parties" USING btree ("party","event_time","event_hash") WHERE "event_parties"."has_sensor_elements";