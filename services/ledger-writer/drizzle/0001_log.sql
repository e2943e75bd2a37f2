CREATE TABLE "log_heads" (
	"tree_size" bigint PRIMARY KEY NOT NULL,
	"root_hash" text NOT NULL,
	"previous_tree_size" bigint NOT NULL,
	"previous_root_hash" text,
	"status" text NOT NULL,
	"cut_at" timestamp with time zone DEFAULT now() NOT NULL,
	"transaction_id" text,
	"block_number" bigint,
	"anchored_at" timestamp (3) with time zone,
	"rejection" text,
	"published" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "log_leaves" (
	"leaf_index" bigint PRIMARY KEY NOT NULL,
	"entry" text NOT NULL,
	"leaf_hash" text NOT NULL,
	"event_hash" text NOT NULL,
	"kind" text NOT NULL,
	"source_topic" text NOT NULL,
	"source_partition" integer NOT NULL,
	"source_offset" bigint NOT NULL,
	"message_id" text NOT NULL,
	"appended_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "log_leaves_source_message" UNIQUE("source_topic","source_partition","source_offset")
);
--> statement-breakpoint
CREATE TABLE "log_nodes" (
	"level" smallint NOT NULL,
	"node_index" bigint NOT NULL,
	"hash" "bytea" NOT NULL,
	CONSTRAINT "log_nodes_level_node_index_pk" PRIMARY KEY("level","node_index")
);
--> statement-breakpoint
CREATE TABLE "log_state" (
	"id" smallint PRIMARY KEY DEFAULT 1 NOT NULL,
	"size" bigint NOT NULL,
	"frontier" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "log_state_single_row" CHECK ("log_state"."id" = 1)
);
--> statement-breakpoint
CREATE INDEX "log_heads_status_idx" ON "log_heads" USING btree ("status","tree_size");--> statement-breakpoint
CREATE INDEX "log_leaves_entry_idx" ON "log_leaves" USING btree ("entry");