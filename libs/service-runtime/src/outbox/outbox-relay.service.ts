import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { DatabaseHandle } from '@pedigree/database';
import { EnvelopeProducer } from '@pedigree/kafka';
import type { Logger } from '@pedigree/observability';
import { DATABASE, LOGGER } from '../tokens';
import type { OutboxPublisher, OutboxRow } from './outbox';
import { OutboxRelay } from './outbox-relay';
import { PgOutboxStore } from './pg-outbox-store';

/** Publishes outbox rows with the service's idempotent producer, topic by topic in the order of the rows. */
export class KafkaOutboxPublisher implements OutboxPublisher {
  constructor(private readonly producer: EnvelopeProducer) {}

  async publish(rows: readonly OutboxRow[]): Promise<void> {
    let start = 0;
    while (start < rows.length) {
      const topic = rows[start]!.topic;
      let end = start + 1;
      while (end < rows.length && rows[end]!.topic === topic) end += 1;
      await this.producer.publishEnvelopes(topic, rows.slice(start, end));
      start = end;
    }
  }
}

/** Runs this replica's outbox relay for the life of the service. */
@Injectable()
export class OutboxRelayService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly relay: OutboxRelay;

  constructor(
    @Inject(DATABASE) database: DatabaseHandle<Record<string, unknown>>,
    producer: EnvelopeProducer,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.relay = new OutboxRelay(
      new PgOutboxStore(database.pool),
      new KafkaOutboxPublisher(producer),
      { batchSize: 200, pollMs: 500, retryMs: 1000 },
      (err) => logger.warn({ err }, 'outbox messages could not be published; retrying'),
    );
  }

  onApplicationBootstrap(): void {
    this.relay.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay.stop();
  }

  /** Messages were written: publish them now. */
  wake(): void {
    this.relay.wake();
  }
}
