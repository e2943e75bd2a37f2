CREATE TABLE "custody_changes" (
	"key" text COLLATE "C" NOT NULL,
	"seq" integer NOT NULL,
	"party" text NOT NULL,
	"event_hash" text NOT NULL,
	"event_time" timestamp with time zone NOT NULL,
	CONSTRAINT "custody_changes_key_seq_pk" PRIMARY KEY("key","seq")
);
--> statement-breakpoint
CREATE TABLE "event_epcs" (
	"key" text COLLATE "C" NOT NULL,
	"event_hash" text COLLATE "C" NOT NULL,
	"role" text NOT NULL,
	"event_type" text NOT NULL,
	CONSTRAINT "event_epcs_key_event_hash_role_pk" PRIMARY KEY("key","event_hash","role")
);
--> statement-breakpoint
CREATE TABLE "events" (
	"event_hash" text COLLATE "C" PRIMARY KEY NOT NULL,
	"event_type" text NOT NULL,
	"action" text,
	"biz_step" text,
	"disposition" text,
	"event_time" timestamp with time zone NOT NULL,
	"record_time" timestamp with time zone NOT NULL,
	"read_point" text,
	"biz_location" text,
	"captured_by" text NOT NULL,
	"captured_by_roles" text[],
	"captured_by_gcps" text[],
	"source_parties" text[] NOT NULL,
	"destination_parties" text[] NOT NULL,
	"biz_transactions" jsonb NOT NULL,
	"lot" text,
	"expiry" text,
	"error_declared_at" timestamp with time zone,
	"document" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "excursions" (
	"excursion_id" text PRIMARY KEY NOT NULL,
	"severity" text NOT NULL,
	"payload" jsonb NOT NULL,
	"received_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "holdings" (
	"key" text COLLATE "C" PRIMARY KEY NOT NULL,
	"epc" text NOT NULL,
	"kind" text NOT NULL,
	"gtin" text,
	"serial" text,
	"lot" text,
	"expiry" date,
	"status" text NOT NULL,
	"parent_key" text COLLATE "C",
	"owner" text,
	"commissioned_by" text,
	"location" text,
	"last_event_hash" text NOT NULL,
	"last_event_time" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "outbox_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"topic" text NOT NULL,
	"key" text NOT NULL,
	"envelope" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "recall_responses" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "recall_responses_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"recall_id" uuid NOT NULL,
	"party" text NOT NULL,
	"sub" text NOT NULL,
	"acknowledged" boolean NOT NULL,
	"units_on_hand" integer,
	"units_returned" integer,
	"units_destroyed" integer,
	"sub_recall_done" boolean NOT NULL,
	"note" text,
	"responded_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "recalls" (
	"id" uuid PRIMARY KEY NOT NULL,
	"status" text NOT NULL,
	"gtin" text NOT NULL,
	"lots" text[] NOT NULL,
	"serials" text[] NOT NULL,
	"classification" text NOT NULL,
	"depth" text NOT NULL,
	"reason" text NOT NULL,
	"effectiveness_check_level" text NOT NULL,
	"created_by_sub" text NOT NULL,
	"created_by_party" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"excursion_id" text,
	"history" jsonb NOT NULL,
	"issued_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "custody_changes_party" ON "custody_changes" USING btree ("party");--> statement-breakpoint
CREATE INDEX "event_epcs_event" ON "event_epcs" USING btree ("event_hash");--> statement-breakpoint
CREATE INDEX "event_epcs_aggregation" ON "event_epcs" USING btree ("key","event_hash") WHERE event_type = 'AggregationEvent' AND role IN ('parent', 'child');--> statement-breakpoint
CREATE INDEX "events_event_time" ON "events" USING btree ("event_time");--> statement-breakpoint
CREATE INDEX "holdings_gtin_lot" ON "holdings" USING btree ("gtin","lot","key");--> statement-breakpoint
CREATE INDEX "holdings_parent" ON "holdings" USING btree ("parent_key");--> statement-breakpoint
CREATE INDEX "holdings_owner" ON "holdings" USING btree ("owner");--> statement-breakpoint
CREATE INDEX "outbox_key" ON "outbox" USING btree ("key","id");--> statement-breakpoint
CREATE INDEX "recall_responses_recall" ON "recall_responses" USING btree ("recall_id","party","id");--> statement-breakpoint
CREATE UNIQUE INDEX "recalls_excursion" ON "recalls" USING btree ("excursion_id");--> statement-breakpoint
CREATE INDEX "recalls_gtin" ON "recalls" USING btree ("gtin");