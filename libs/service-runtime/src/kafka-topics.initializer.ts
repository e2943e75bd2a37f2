import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { allTopicSpecs } from '@pedigree/contracts';
import type { ServiceConfig } from '@pedigree/config';
import { ensureTopics } from '@pedigree/kafka';
import type { Logger } from '@pedigree/observability';
import { KAFKA, LOGGER, SERVICE_CONFIG } from './tokens';

/**
 * Creates any missing topic (with its partitions and dead-letter twin) when the service starts, so a fresh local or
 * test cluster works without a separate step. Production clusters declare topics themselves (k8s/); there this finds
 * them all present. Kafka being down is not fatal: readiness reports it and producers and consumers retry.
 */
@Injectable()
export class KafkaTopicsInitializer implements OnApplicationBootstrap {
  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      const created = await ensureTopics(this.kafka, allTopicSpecs(this.config.KAFKA_TOPIC_PREFIX));
      if (created.length > 0) this.logger.info({ created }, 'created Kafka topics');
    } catch (error) {
      this.logger.warn({ err: error }, 'could not check the Kafka topics; continuing');
    }
  }
}
