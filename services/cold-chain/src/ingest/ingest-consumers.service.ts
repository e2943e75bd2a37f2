import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { Kafka } from 'kafkajs';
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
import type { ColdChainConfig } from '../config';
import { EvaluationService } from '../evaluation/evaluation.service';
import { IngestStore } from '../store/ingest-store';
import { translateEpcisEvents, translateReadingBatches } from './translate';

export const READINGS_GROUP = 'cold-chain.readings';
export const EVENTS_GROUP = 'cold-chain.events';
const RETRY_START_MS = 5000;
/** Readings partitions consumed side by side (readings of different loggers touch different rows). */
export const READINGS_PARTITION_CONCURRENCY = 3;

/**
 * The consumer groups of the service: readings (coldchain.readings.v1) and captured EPCIS events (epcis.events.v1)
 * are stored (duplicates ignored, so a redelivered batch changes nothing) and the subjects they touch marked for
 * evaluation in one transaction; offsets are committed after it. Readiness waits until both have joined their groups.
 */
@Injectable()
export class IngestConsumersService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly consumers: Array<Pick<BatchConsumer<TopicContract>, 'joined' | 'stop'>> = [];
  private readonly store: IngestStore;
  private stopped = false;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(DATABASE) database: DatabaseHandle<Record<string, unknown>>,
    @Inject(TOPICS) private readonly topics: Topics,
    @Inject(SERVICE_CONFIG) private readonly config: ColdChainConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly evaluation: EvaluationService,
    health: HealthIndicatorService,
    readiness: ReadinessChecks,
  ) {
    this.store = new IngestStore(database.pool);
    readiness.register(() => {
      const indicator = health.check('consumers');
      const joined = this.consumers.filter((c) => c.joined).length;
      return joined === 2
        ? indicator.up()
        : indicator.down({ message: `${joined} of 2 consumers in their groups` });
    });
  }

  onApplicationBootstrap(): void {
    const notAfter = () => Date.now() + this.config.READINGS_MAX_FUTURE_SECONDS * 1000;
    this.consume(
      this.topics.coldchainReadings,
      READINGS_GROUP,
      async (messages) => {
        await this.store.write(
          translateReadingBatches(
            messages.map((m) => m.envelope.payload),
            notAfter(),
          ),
        );
        this.evaluation.wake();
      },
      READINGS_PARTITION_CONCURRENCY,
    );
    this.consume(this.topics.epcisEvents, EVENTS_GROUP, async (messages) => {
      await this.store.write(
        translateEpcisEvents(
          messages.map((m) => m.envelope.payload),
          notAfter(),
        ),
      );
      this.evaluation.wake();
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
    const start = async (): Promise<void> => {
      if (this.stopped) return;
      const consumer = new BatchConsumer({
        kafka: this.kafka,
        groupId: this.config.KAFKA_TOPIC_PREFIX + groupId,
        topic,
        handler,
        logger: this.logger,
        isTransient: isTransientDatabaseError,
        partitionsConsumedConcurrently,
      });
      try {
        await consumer.start();
        this.consumers.push(consumer);
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
