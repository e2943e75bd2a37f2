import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { PayloadOf, Topics } from '@pedigree/contracts';
import { isTransientDatabaseError, type DatabaseHandle } from '@pedigree/database';
import { ConsumerGroups, type BatchHandler } from '@pedigree/kafka';
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
export const PRIORITY_READINGS_GROUP = 'cold-chain.readings-priority';
export const EVENTS_GROUP = 'cold-chain.events';

/**
 * The consumer groups of the service: readings (coldchain.readings.v1) and captured EPCIS events (epcis.events.v1)
 * are stored (duplicates ignored, so a redelivered batch changes nothing) and the subjects they touch marked for
 * evaluation in one transaction; offsets are committed after it. Readiness waits until both have joined their groups.
 */
@Injectable()
export class IngestConsumersService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly groups: ConsumerGroups;
  private readonly store: IngestStore;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(DATABASE) database: DatabaseHandle<Record<string, unknown>>,
    @Inject(TOPICS) private readonly topics: Topics,
    @Inject(SERVICE_CONFIG) private readonly config: ColdChainConfig,
    @Inject(LOGGER) logger: Logger,
    private readonly evaluation: EvaluationService,
    readiness: ReadinessChecks,
  ) {
    this.store = new IngestStore(database.pool, config.READINGS_RETENTION_DAYS);
    this.groups = new ConsumerGroups({
      kafka,
      groupPrefix: config.KAFKA_TOPIC_PREFIX,
      logger,
      isTransient: isTransientDatabaseError,
    });
    readiness.registerConsumers('consumers', () => this.groups.membership);
  }

  onApplicationBootstrap(): void {
    const notAfter = () => Date.now() + this.config.READINGS_MAX_FUTURE_SECONDS * 1000;
    const storeReadings: BatchHandler<PayloadOf<Topics['coldchainReadings']>> = async (messages) => {
      await this.store.write(
        translateReadingBatches(
          messages.map((m) => m.envelope.payload),
          notAfter(),
        ),
      );
      this.evaluation.wake();
    };
    this.groups.consume(
      this.topics.coldchainReadings,
      READINGS_GROUP,
      storeReadings,
      this.config.READINGS_CONSUMER_CONCURRENCY,
    );
    // Small batches have a topic and group of their own: they never wait behind the bulk uploads.
    this.groups.consume(
      this.topics.coldchainReadingsPriority,
      PRIORITY_READINGS_GROUP,
      storeReadings,
      this.topics.coldchainReadingsPriority.partitions,
    );
    this.groups.consume(this.topics.epcisEvents, EVENTS_GROUP, async (messages) => {
      await this.store.write(
        translateEpcisEvents(
          messages.map((m) => m.envelope.payload),
          notAfter(),
        ),
      );
      this.evaluation.wake();
    });
  }

  onApplicationShutdown(): Promise<void> {
    return this.groups.stop();
  }
}
