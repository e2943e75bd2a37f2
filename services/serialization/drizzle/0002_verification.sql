CREATE TABLE "expiry_extensions" (
	"gtin" text NOT NULL,
	"lot" text NOT NULL,
	"original_expiry" date NOT NULL,
	"extended_expiry" date NOT NULL,
	"announced_by" text NOT NULL,
	"announced_at" timestamp with time zone NOT NULL,
	CONSTRAINT "expiry_extensions_gtin_lot_pk" PRIMARY KEY("gtin","lot")
);
--> statement-breakpoint
CREATE TABLE "pack_operations" (
	"id" text PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"gtin" text NOT NULL,
	"serial" text NOT NULL,
	"operation" text NOT NULL,
	"status" text NOT NULL,
	"previous_status" text NOT NULL,
	"party" text NOT NULL,
	"location" text NOT NULL,
	"subject" text NOT NULL,
	"performed_at" timestamp with time zone NOT NULL,
	"event_hash" text NOT NULL,
	"event" jsonb NOT NULL,
	"undone_at" timestamp with time zone,
	"undone_by" text
);
--> statement-breakpoint
CREATE TABLE "suspect_packs" (
	"key" text PRIMARY KEY NOT NULL,
	"reason" text NOT NULL,
	"parties" text[] NOT NULL,
	"detected_at" timestamp with time zone NOT NULL,
	"verification_id" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "verifications" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"key" text,
	"gtin" text,
	"serial" text,
	"lot" text,
	"expiry" text,
	"party" text NOT NULL,
	"subject" text NOT NULL,
	"roles" text[] NOT NULL,
	"location" text,
	"requester_gln" text,
	"context" text,
	"corr_uuid" text,
	"purpose" text,
	"verified" boolean,
	"return_code" text,
	"alert" boolean DEFAULT false NOT NULL,
	"answer" jsonb NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "pack_operations_key" ON "pack_operations" USING btree ("key","performed_at");--> statement-breakpoint
CREATE INDEX "verifications_key" ON "verifications" USING btree ("key","at");--> statement-breakpoint
CREATE INDEX "verifications_at" ON "verifications" USING btree ("at");