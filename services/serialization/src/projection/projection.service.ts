import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { Kafka } from 'kafkajs';
import type { PayloadOf, TopicContract, Topics } from '@pedigree/contracts';
import type { DatabaseHandle } from '@pedigree/database';
import { BatchConsumer, type BatchHandler } from '@pedigree/kafka';
import type { ServiceConfig } from '@pedigree/config';
import {
  DATABASE,
  KAFKA,
  LOGGER,
  ReadinessChecks,
  SERVICE_CONFIG,
  TOPICS,
  type Logger,
} from '@pedigree/service-runtime';
import { EventProjector } from './event-projector';
import { RecallProjector } from './recall-projector';

export const PROJECTOR_GROUP = 'serialization.projector';
export const RECALL_GROUP = 'serialization.recalls';
const RETRY_START_MS = 5000;
const PROJECTOR_PARTITION_CONCURRENCY = 3;

/**
 * The consumer groups inside the service: captured events → event store, EPC index and serial registry;
 * recall notices → recalled items. Offsets are committed after the database transaction commits. Readiness waits
 * until both consumers have joined their groups, so a capture accepted once the service is ready is projected at once.
 */
@Injectable()
export class ProjectionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly consumers: Array<BatchConsumer<TopicContract>> = [];
  /** How many consumers were asked for (each is in `consumers` once it has started). */
  private wanted = 0;
  private stopped = false;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(DATABASE) private readonly database: DatabaseHandle<Record<string, unknown>>,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(TOPICS) private readonly topics: Topics,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    health: HealthIndicatorService,
    readiness: ReadinessChecks,
  ) {
    readiness.register(() => {
      const indicator = health.check('projection');
      const joined = this.consumers.filter((c) => c.joined).length;
      return joined === this.wanted
        ? indicator.up()
        : indicator.down({ message: `${joined} of ${this.wanted} consumers in their groups` });
    });
  }

  onApplicationBootstrap(): void {
    const events = new EventProjector(this.database.pool);
    const recalls = new RecallProjector(this.database.pool);
    // Partitions are projected side by side; advisory locks on the touched items keep concurrent batches apart.
    this.consume(
      this.topics.epcisEvents,
      PROJECTOR_GROUP,
      async (messages) => {
        await events.project(messages.map((m) => m.envelope.payload));
      },
      PROJECTOR_PARTITION_CONCURRENCY,
    );
    this.consume(this.topics.recallNotices, RECALL_GROUP, async (messages) => {
      await recalls.project(messages.map((m) => ({ notice: m.envelope.payload, offset: m.offset })));
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.consumers.map((c) => c.stop()));
  }

  /** Starts a consumer, retrying in the background while Kafka is unreachable (readiness reports it meanwhile). */
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
        kafka: this.kafka,
        groupId: this.config.KAFKA_TOPIC_PREFIX + groupId,
        topic,
        handler,
        logger: this.logger,
        partitionsConsumedConcurrently,
      });
      try {
        await consumer.start();
        this.consumers.push(consumer as unknown as BatchConsumer<TopicContract>);
      } catch (error) {
        this.logger.warn({ err: error, topic: topic.name }, 'consumer could not start; retrying');
        await consumer.stop().catch(() => undefined);
        setTimeout(() => void start(), RETRY_START_MS).unref();
      }
    };
    void start();
  }
}
