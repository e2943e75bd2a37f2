import { pgTable, text, timestamp, primaryKey } from 'drizzle-orm/pg-core';

/**
 * The inbox every consuming service keeps in its own database: one row per message whose effect was applied, written
 * in the same transaction as the effect. A redelivered message finds its row and is skipped, so effects happen once.
 */
export const processedMessages = pgTable(
  'processed_messages',
  {
    consumerGroup: text('consumer_group').notNull(),
    messageId: text('message_id').notNull(),
    processedAt: timestamp('processed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.consumerGroup, t.messageId] })],
);
