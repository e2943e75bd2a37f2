import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { Kafka } from 'kafkajs';
import { allTopicSpecs } from '@pedigree/contracts';
import type { ServiceConfig } from '@pedigree/config';
import { ensureTopics } from '@pedigree/kafka';
import type { Logger } from '@pedigree/observability';
import { ReadinessChecks } from './health/readiness-checks';
import { KAFKA, LOGGER, SERVICE_CONFIG } from './tokens';

const RETRY_MS = 2000;

/**
 * Creates any missing topic (with its partitions and dead-letter twin) when the service starts, so a fresh local or
 * test cluster works without a separate step; production clusters declare topics themselves (k8s/) and this finds them
 * present. It runs in the background, retrying while the broker is unreachable, so that a slow or absent broker never
 * holds up the HTTP server; readiness reports `kafka-topics` down until the topics are there.
 */
@Injectable()
export class KafkaTopicsInitializer implements OnApplicationBootstrap, OnApplicationShutdown {
  private ensured = false;
  private stopped = false;
  private retry?: NodeJS.Timeout;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    health: HealthIndicatorService,
    readiness: ReadinessChecks,
  ) {
    readiness.register(async () => {
      const indicator = health.check('kafka-topics');
      return this.ensured ? indicator.up() : indicator.down({ message: 'topics not created yet' });
    });
  }

  onApplicationBootstrap(): void {
    void this.ensure();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.retry);
  }

  private async ensure(): Promise<void> {
    try {
      const created = await ensureTopics(this.kafka, allTopicSpecs(this.config.KAFKA_TOPIC_PREFIX));
      if (created.length > 0) this.logger.info({ created }, 'created Kafka topics');
      this.ensured = true;
    } catch (error) {
      this.logger.warn({ err: error }, 'could not check the Kafka topics; retrying');
      if (!this.stopped) this.retry = setTimeout(() => void this.ensure(), RETRY_MS);
    }
  }
}
