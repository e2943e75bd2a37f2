import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { Topics } from '@pedigree/contracts';
import { isTransientDatabaseError } from '@pedigree/database';
import { ConsumerGroups } from '@pedigree/kafka';
import { pedigreeMetrics, type Logger } from '@pedigree/observability';
import { serialRegistryProjector } from './serial-registry-projector';
import { RecallProjector } from './recall-projector';

export const PROJECTOR_GROUP = 'serialization.projector';
export const RECALL_GROUP = 'serialization.recalls';
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
  private readonly groups: ConsumerGroups;

  constructor(private readonly options: ProjectionConsumersOptions) {
    this.groups = new ConsumerGroups({
      kafka: options.kafka,
      groupPrefix: options.groupPrefix,
      logger: options.logger,
      // A database outage holds the projection back until it is over; it never sends events to the DLQ.
      isTransient: isTransientDatabaseError,
    });
  }

  start(): void {
    const events = serialRegistryProjector(this.options.pool);
    const recalls = new RecallProjector(this.options.pool);
    const lag = pedigreeMetrics().projectionLag;
    this.groups.consume(
      this.options.topics.epcisEvents,
      PROJECTOR_GROUP,
      async (messages) => {
        await events.project(messages.map((m) => m.envelope.payload));
        const now = Date.now();
        for (const m of messages) lag.record((now - Date.parse(m.envelope.occurredAt)) / 1000);
      },
      PROJECTOR_PARTITION_CONCURRENCY,
    );
    this.groups.consume(this.options.topics.recallNotices, RECALL_GROUP, async (messages) => {
      await recalls.project(messages.map((m) => ({ notice: m.envelope.payload, offset: m.offset })));
      pedigreeMetrics().recallNotices.add(messages.length);
    });
  }

  /** Consumers in their groups, of those asked for: messages published once all have joined get consumed. */
  get membership(): { joined: number; wanted: number } {
    return this.groups.membership;
  }

  /** Lets each consumer finish (or abandon uncommitted) the batch in hand, then leaves the groups. */
  stop(): Promise<void> {
    return this.groups.stop();
  }
}
