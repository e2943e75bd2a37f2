ALTER TABLE "processed_messages" DISABLE ROW LEVEL SECURITY;--> statement-breakpoint
DROP TABLE "processed_messages" CASCADE;--> statement-breakpoint
DROP INDEX "log_leaves_entry_idx";--> statement-breakpoint
ALTER TABLE "log_leaves" ADD COLUMN "repeat_of" bigint;--> statement-breakpoint
-- Leaves appended before one leaf per entry may repeat an earlier leaf's entry: each such repeat names the first.
UPDATE "log_leaves" AS "l" SET "repeat_of" = "f"."first_index"
  FROM (SELECT "entry", min("leaf_index") AS "first_index" FROM "log_leaves" GROUP BY "entry" HAVING count(*) > 1) AS "f"
 WHERE "l"."entry" = "f"."entry" AND "l"."leaf_index" > "f"."first_index";--> statement-breakpoint
CREATE UNIQUE INDEX "log_leaves_entry_once" ON "log_leaves" USING btree ("entry") WHERE "log_leaves"."repeat_of" IS NULL;