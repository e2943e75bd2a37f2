import type { Envelope } from '@pedigree/contracts';

/** A Kafka message written in a database transaction, to be published once that transaction committed. */
export interface OutboxMessage {
  topic: string;
  /** The Kafka message key; the messages of one key are published in the order they were written. */
  key: string;
  /** Made when the message is written, so a copy published again after a crash has the same `messageId`. */
  envelope: Envelope;
}

export interface OutboxRow extends OutboxMessage {
  id: string;
}

/** Where outbox messages wait for publication (a port: PostgreSQL in the service, an in-memory fake in unit tests). */
export interface OutboxStore {
  /**
   * In one transaction: claims up to `limit` rows — of each key only its oldest row, and no row another relay holds —,
   * hands them to `publish` in the order they were written, and deletes them once `publish` resolved. When `publish`
   * throws, nothing is deleted and the rows are claimed again later. Returns how many rows were published.
   */
  relayBatch(limit: number, publish: (rows: OutboxRow[]) => Promise<void>): Promise<number>;
}

/** Publishes outbox rows to Kafka; resolves once every row is acknowledged. */
export interface OutboxPublisher {
  publish(rows: readonly OutboxRow[]): Promise<void>;
}
