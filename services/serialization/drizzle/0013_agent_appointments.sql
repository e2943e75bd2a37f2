CREATE TABLE "agent_appointments" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"principal" text NOT NULL,
	"agent" text NOT NULL,
	"appointed_at" timestamp with time zone NOT NULL,
	"appointed_by" text NOT NULL,
	"revoked_at" timestamp with time zone,
	"revoked_by" text
);
--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "appointed_by" text[];--> statement-breakpoint
CREATE UNIQUE INDEX "agent_appointments_in_force" ON "agent_appointments" USING btree ("principal","agent") WHERE revoked_at IS NULL;--> statement-breakpoint
CREATE INDEX "agent_appointments_by_agent" ON "agent_appointments" USING btree ("agent");