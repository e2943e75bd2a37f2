CREATE TABLE "captured_event_ids" (
	"event_id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"event_hash" text COLLATE "C" NOT NULL,
	"capture_id" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "named_queries" (
	"owner" text NOT NULL,
	"name" text NOT NULL,
	"query" jsonb NOT NULL,
	"params" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "named_queries_owner_name_pk" PRIMARY KEY("owner","name")
);
--> statement-breakpoint
CREATE TABLE "subscription_events" (
	"entry_key" text COLLATE "C" PRIMARY KEY NOT NULL,
	"event_hash" text COLLATE "C" NOT NULL,
	"event" jsonb NOT NULL,
	"namespaces" jsonb NOT NULL,
	"capturer_gcps" text[] NOT NULL
);
--> statement-breakpoint
CREATE TABLE "subscription_failures" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "subscription_failures_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"subscription_id" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"status" integer,
	"error" text NOT NULL,
	"events" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "subscription_queue" (
	"position" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "subscription_queue_position_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"subscription_id" text NOT NULL,
	"entry_key" text COLLATE "C" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "subscriptions" (
	"id" text PRIMARY KEY NOT NULL,
	"query_name" text NOT NULL,
	"party" text NOT NULL,
	"roles" text[] NOT NULL,
	"dest" text,
	"socket_owner" text,
	"signature_token" text,
	"stream" boolean NOT NULL,
	"schedule" jsonb,
	"report_if_empty" boolean DEFAULT false NOT NULL,
	"initial_record_time" timestamp with time zone,
	"epc_format" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"cursor" bigint DEFAULT 0 NOT NULL,
	"batch_size" integer NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"next_run_at" timestamp with time zone,
	"lease_owner" text,
	"lease_until" timestamp with time zone,
	"failed_attempts" integer DEFAULT 0 NOT NULL,
	"last_notified_at" timestamp with time zone,
	"last_error" text,
	"last_error_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "subscription_queue" ADD CONSTRAINT "subscription_queue_entry_key_subscription_events_entry_key_fk" FOREIGN KEY ("entry_key") REFERENCES "public"."subscription_events"("entry_key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "subscription_failures_subscription" ON "subscription_failures" USING btree ("subscription_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "subscription_queue_entry" ON "subscription_queue" USING btree ("subscription_id","entry_key");--> statement-breakpoint
CREATE INDEX "subscription_queue_pending" ON "subscription_queue" USING btree ("subscription_id","position");--> statement-breakpoint
CREATE INDEX "subscription_queue_event" ON "subscription_queue" USING btree ("entry_key");--> statement-breakpoint
CREATE INDEX "subscriptions_query" ON "subscriptions" USING btree ("party","query_name");--> statement-breakpoint
CREATE INDEX "subscriptions_due" ON "subscriptions" USING btree ("next_attempt_at");--> statement-breakpoint
CREATE INDEX "capture_jobs_captured_by" ON "capture_jobs" USING btree ("captured_by","created_at","capture_id");