CREATE INDEX "recall_notices_gtin" ON "recall_notices" USING btree ("gtin");--> statement-breakpoint
-- Recalls in force are looked up by GTIN in the projector (registry-repository.ts); the view sorted every notice on
-- record for each registry row written.
DROP VIEW "active_recalls";
