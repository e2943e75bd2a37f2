CREATE TABLE "log_sources" (
	"source_topic" text NOT NULL,
	"source_partition" integer NOT NULL,
	"next_offset" bigint NOT NULL,
	CONSTRAINT "log_sources_source_topic_source_partition_pk" PRIMARY KEY("source_topic","source_partition")
);
--> statement-breakpoint
INSERT INTO "log_sources" ("source_topic", "source_partition", "next_offset")
SELECT "source_topic", "source_partition", max("source_offset") + 1 FROM "log_leaves" GROUP BY 1, 2;--> statement-breakpoint
ALTER TABLE "log_leaves" DROP CONSTRAINT "log_leaves_source_message";--> statement-breakpoint
DELETE FROM "log_nodes" WHERE "level" = 0;
