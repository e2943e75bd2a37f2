import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { Kafka } from 'kafkajs';
import type { ServiceConfig } from '@pedigree/config';
import type { PayloadOf, TopicContract, Topics } from '@pedigree/contracts';
import { isTransientDatabaseError, type DatabaseHandle } from '@pedigree/database';
import { BatchConsumer, type BatchHandler } from '@pedigree/kafka';
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
import { ExcursionProjector } from './excursion-projector';

export const PROJECTOR_GROUP = 'recall.projector';
export const EXCURSION_GROUP = 'recall.excursions';
const RETRY_START_MS = 5000;
/** Event partitions projected side by side; advisory locks on the touched families keep concurrent batches apart. */
const PARTITION_CONCURRENCY = 2;

/**
 * The recall service's consumers: `epcis.events.v1` → its projection (events, identifiers, holdings, custody),
 * `coldchain.excursions.v1` → excursions and recall candidates. Offsets are committed after the transaction commits;
 * every replica runs them in the same groups, so Kafka gives each partition to one of them. Readiness waits until both
 * have joined their groups.
 */
@Injectable()
export class ProjectionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly consumers: Array<BatchConsumer<TopicContract>> = [];
  private wanted = 0;
  private stopped = false;

  constructor(
    @Inject(DATABASE) private readonly database: DatabaseHandle<Record<string, unknown>>,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(TOPICS) private readonly topics: Topics,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    health: HealthIndicatorService,
    readiness: ReadinessChecks,
  ) {
    readiness.register(() => {
      const indicator = health.check('projection');
      const joined = this.consumers.filter((c) => c.joined).length;
      if (this.wanted > 0 && joined === this.wanted) return indicator.up();
      return indicator.down({ message: `${joined} of ${this.wanted} consumers in their groups` });
    });
  }

  onApplicationBootstrap(): void {
    const events = new EventProjector(this.database.pool);
    const excursions = new ExcursionProjector(this.database.pool);
    this.consume(
      this.topics.epcisEvents,
      PROJECTOR_GROUP,
      async (messages) => {
        await events.project(messages.map((m) => m.envelope.payload));
      },
      PARTITION_CONCURRENCY,
    );
    this.consume(this.topics.coldchainExcursions, EXCURSION_GROUP, async (messages) => {
      await excursions.project(messages.map((m) => m.envelope.payload));
    });
  }

  async onApplicationShutdown(): Promise<void> {
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
        kafka: this.kafka,
        groupId: this.config.KAFKA_TOPIC_PREFIX + groupId,
        topic,
        handler,
        logger: this.logger,
        partitionsConsumedConcurrently,
        // A database outage holds the projection back until it is over; it never sends events to the DLQ.
        isTransient: isTransientDatabaseError,
      });
      try {
        await consumer.start();
        this.consumers.push(consumer as unknown as BatchConsumer<TopicContract>);
        if (this.stopped) await consumer.stop();
      } catch (error) {
        this.logger.warn({ err: error, topic: topic.name }, 'consumer could not start; retrying');
        await consumer.stop().catch(() => undefined);
        setTimeout(() => void start(), RETRY_START_MS).unref();
      }
    };
    void start();
  }
}
