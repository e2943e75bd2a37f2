CREATE TABLE "capture_jobs" (
	"capture_id" text PRIMARY KEY NOT NULL,
	"captured_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"running" boolean NOT NULL,
	"success" boolean NOT NULL,
	"capture_error_behaviour" text NOT NULL,
	"event_count" integer NOT NULL,
	"errors" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "event_epcs" (
	"key" text NOT NULL,
	"event_hash" text NOT NULL,
	"role" text NOT NULL,
	"event_type" text NOT NULL,
	CONSTRAINT "event_epcs_key_event_hash_role_pk" PRIMARY KEY("key","event_hash","role")
);
--> statement-breakpoint
CREATE TABLE "events" (
	"event_hash" text PRIMARY KEY NOT NULL,
	"event_id" text,
	"event_type" text NOT NULL,
	"action" text,
	"biz_step" text,
	"disposition" text,
	"event_time" timestamp with time zone NOT NULL,
	"record_time" timestamp with time zone NOT NULL,
	"read_point" text,
	"biz_location" text,
	"captured_by" text NOT NULL,
	"capture_id" text NOT NULL,
	"parties" text[] NOT NULL,
	"biz_transactions" jsonb NOT NULL,
	"sources" jsonb NOT NULL,
	"destinations" jsonb NOT NULL,
	"error_declared_at" timestamp with time zone,
	"document" jsonb NOT NULL,
	"namespaces" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "processed_messages" (
	"consumer_group" text NOT NULL,
	"message_id" text NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "processed_messages_consumer_group_message_id_pk" PRIMARY KEY("consumer_group","message_id")
);
--> statement-breakpoint
CREATE TABLE "recall_notices" (
	"notice_id" text PRIMARY KEY NOT NULL,
	"recall_id" text NOT NULL,
	"action" text NOT NULL,
	"gtin" text NOT NULL,
	"lots" text[] NOT NULL,
	"serials" text[] NOT NULL,
	"classification" text NOT NULL,
	"reason" text NOT NULL,
	"effective_at" timestamp with time zone NOT NULL,
	"issued_by" text NOT NULL,
	"kafka_offset" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "serial_history" (
	"key" text NOT NULL,
	"seq" integer NOT NULL,
	"event_hash" text NOT NULL,
	"event_time" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"parent_key" text,
	"owner" text,
	"location" text,
	CONSTRAINT "serial_history_key_seq_pk" PRIMARY KEY("key","seq")
);
--> statement-breakpoint
CREATE TABLE "serials" (
	"key" text PRIMARY KEY NOT NULL,
	"epc" text NOT NULL,
	"kind" text NOT NULL,
	"gtin" text,
	"serial" text,
	"lot" text,
	"expiry" date,
	"commissioned" boolean NOT NULL,
	"status" text NOT NULL,
	"status_event_hash" text NOT NULL,
	"status_changed_at" timestamp with time zone NOT NULL,
	"parent_key" text,
	"owner" text,
	"location" text,
	"last_event_hash" text NOT NULL,
	"last_event_time" timestamp with time zone NOT NULL,
	"recall_id" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "event_epcs" ADD CONSTRAINT "event_epcs_event_hash_events_event_hash_fk" FOREIGN KEY ("event_hash") REFERENCES "public"."events"("event_hash") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "event_epcs_event" ON "event_epcs" USING btree ("event_hash");--> statement-breakpoint
CREATE INDEX "event_epcs_key_prefix" ON "event_epcs" USING btree ("key" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "events_event_time" ON "events" USING btree ("event_time","event_hash");--> statement-breakpoint
CREATE INDEX "events_record_time" ON "events" USING btree ("record_time");--> statement-breakpoint
CREATE INDEX "events_event_id" ON "events" USING btree ("event_id");--> statement-breakpoint
CREATE INDEX "events_biz_step" ON "events" USING btree ("biz_step");--> statement-breakpoint
CREATE INDEX "events_biz_location" ON "events" USING btree ("biz_location");--> statement-breakpoint
CREATE INDEX "events_parties" ON "events" USING gin ("parties");--> statement-breakpoint
CREATE INDEX "recall_notices_recall" ON "recall_notices" USING btree ("recall_id","effective_at");--> statement-breakpoint
CREATE INDEX "serials_gtin_serial" ON "serials" USING btree ("gtin","serial");--> statement-breakpoint
CREATE INDEX "serials_gtin_lot" ON "serials" USING btree ("gtin","lot");--> statement-breakpoint
CREATE INDEX "serials_parent" ON "serials" USING btree ("parent_key");