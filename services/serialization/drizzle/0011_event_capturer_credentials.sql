ALTER TABLE "events" ADD COLUMN "captured_by_roles" text[];--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "captured_by_gcps" text[];