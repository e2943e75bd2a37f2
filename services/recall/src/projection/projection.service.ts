import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { ServiceConfig } from '@pedigree/config';
import type { Topics } from '@pedigree/contracts';
import { isTransientDatabaseError, type DatabaseHandle } from '@pedigree/database';
import { ConsumerGroups } from '@pedigree/kafka';
import {
  DATABASE,
  KAFKA,
  LOGGER,
  ReadinessChecks,
  SERVICE_CONFIG,
  TOPICS,
  type Logger,
} from '@pedigree/service-runtime';
import { holdingsProjector } from './holdings-projector';
import { ExcursionProjector } from './excursion-projector';

export const PROJECTOR_GROUP = 'recall.projector';
export const EXCURSION_GROUP = 'recall.excursions';
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
  private readonly groups: ConsumerGroups;

  constructor(
    @Inject(DATABASE) private readonly database: DatabaseHandle<Record<string, unknown>>,
    @Inject(KAFKA) kafka: Kafka,
    @Inject(TOPICS) private readonly topics: Topics,
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
    @Inject(LOGGER) logger: Logger,
    readiness: ReadinessChecks,
  ) {
    this.groups = new ConsumerGroups({
      kafka,
      groupPrefix: config.KAFKA_TOPIC_PREFIX,
      logger,
      // A database outage holds the projection back until it is over; it never sends events to the DLQ.
      isTransient: isTransientDatabaseError,
    });
    readiness.registerConsumers('projection', () => this.groups.membership);
  }

  onApplicationBootstrap(): void {
    const events = holdingsProjector(this.database.pool);
    const excursions = new ExcursionProjector(this.database.pool);
    this.groups.consume(
      this.topics.epcisEvents,
      PROJECTOR_GROUP,
      async (messages) => {
        await events.project(messages.map((m) => m.envelope.payload));
      },
      PARTITION_CONCURRENCY,
    );
    this.groups.consume(this.topics.coldchainExcursions, EXCURSION_GROUP, async (messages) => {
      await excursions.project(messages.map((m) => m.envelope.payload));
    });
  }

  onApplicationShutdown(): Promise<void> {
    return this.groups.stop();
  }
}
