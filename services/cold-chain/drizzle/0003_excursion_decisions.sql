ALTER TABLE "excursions" ADD COLUMN "quarantined_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "excursions" ADD COLUMN "decision" text;--> statement-breakpoint
ALTER TABLE "excursions" ADD COLUMN "decision_reason" text;--> statement-breakpoint
ALTER TABLE "excursions" ADD COLUMN "decided_by" text;--> statement-breakpoint
ALTER TABLE "excursions" ADD COLUMN "decided_at" timestamp with time zone;