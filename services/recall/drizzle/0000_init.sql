CREATE TABLE "processed_messages" (
	"consumer_group" text NOT NULL,
	"message_id" text NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "processed_messages_consumer_group_message_id_pk" PRIMARY KEY("consumer_group","message_id")
);
