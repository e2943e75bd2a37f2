CREATE INDEX "events_disposition" ON "events" USING btree ("disposition");--> statement-breakpoint
CREATE INDEX "events_action" ON "events" USING btree ("action");