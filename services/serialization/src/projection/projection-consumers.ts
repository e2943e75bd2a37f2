import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { PayloadOf, TopicContract, Topics } from '@pedigree/contracts';
import { isTransientDatabaseError } from '@pedigree/database';
import { BatchConsumer, type BatchHandler } from '@pedigree/kafka';
import { pedigreeMetrics, type Logger } from '@pedigree/observability';
import { serialRegistryProjector } from './serial-registry-projector';
import { RecallProjector } from './recall-projector';

export const PROJECTOR_GROUP = 'serialization.projector';
export const RECALL_GROUP = 'serialization.recalls';
const RETRY_START_MS = 5000;
/** Event partitions projected side by side; advisory locks on the touched items keep concurrent batches apart. */
export const PROJECTOR_PARTITION_CONCURRENCY = 3;

export interface ProjectionConsumersOptions {
  kafka: Kafka;
  pool: Pool;
  topics: Topics;
  /** Prefixed to the consumer group ids, like the topics' names (KAFKA_TOPIC_PREFIX). */
  groupPrefix: string;
  logger: Logger;
}

/**
 * The consumer groups of the projection: captured events → event store, EPC index and serial registry; recall
 * notices → recalled items. Offsets are committed after the database transaction commits. A consumer that cannot
 * start (Kafka unreachable) is retried in the background; `membership` tells how many are in their groups.
 */
export class ProjectionConsumers {
  private readonly consumers: Array<Pick<BatchConsumer<TopicContract>, 'joined' | 'stop'>> = [];
  /** How many consumers were asked for (each is in `consumers` once it has started). */
  private wanted = 0;
  private stopped = false;

  constructor(private readonly options: ProjectionConsumersOptions) {}

  start(): void {
    const events = serialRegistryProjector(this.options.pool);
    const recalls = new RecallProjector(this.options.pool);
    const lag = pedigreeMetrics().projectionLag;
    this.consume(
      this.options.topics.epcisEvents,
      PROJECTOR_GROUP,
      async (messages) => {
        await events.project(messages.map((m) => m.envelope.payload));
        const now = Date.now();
        for (const m of messages) lag.record((now - Date.parse(m.envelope.occurredAt)) / 1000);
      },
      PROJECTOR_PARTITION_CONCURRENCY,
    );
    this.consume(this.options.topics.recallNotices, RECALL_GROUP, async (messages) => {
      await recalls.project(messages.map((m) => ({ notice: m.envelope.payload, offset: m.offset })));
      pedigreeMetrics().recallNotices.add(messages.length);
    });
  }

  /** Consumers in their groups, of those asked for: messages published once all have joined get consumed. */
  get membership(): { joined: number; wanted: number } {
    return { joined: this.consumers.filter((c) => c.joined).length, wanted: this.wanted };
  }

  /** Lets each consumer finish (or abandon uncommitted) the batch in hand, then leaves the groups. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.consumers.map((c) => c.stop()));
  }

  private consume<T extends TopicContract>(
    topic: T,
    groupId: string,
    handler: BatchHandler<PayloadOf<T>>,
    partitionsConsumedConcurrently = 1,
  ): void {
    this.wanted += 1;
    const start = async (): Promise<void> => {
      if (this.stopped) return;
      const consumer = new BatchConsumer({
        kafka: this.options.kafka,
        groupId: this.options.groupPrefix + groupId,
        topic,
        handler,
        logger: this.options.logger,
        partitionsConsumedConcurrently,
        // A database outage holds the projection back until it is over; it never sends events to the DLQ.
        isTransient: isTransientDatabaseError,
      });
      try {
        await consumer.start();
        this.consumers.push(consumer);
        if (this.stopped) await consumer.stop();
      } catch (error) {
        this.options.logger.warn({ err: error, topic: topic.name }, 'consumer could not start; retrying');
        await consumer.stop().catch(() => undefined);
        setTimeout(() => void start(), RETRY_START_MS).unref();
      }
    };
    void start();
  }
}
