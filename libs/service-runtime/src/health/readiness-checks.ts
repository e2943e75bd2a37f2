import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorFunction } from '@nestjs/terminus';
import { allTopicSpecs } from '@pedigree/contracts';
import type { ServiceConfig } from '@pedigree/config';
import { SERVICE_CONFIG } from '../tokens';
import { DatabaseHealthIndicator, KafkaHealthIndicator } from './indicators';

/**
 * The checks behind /health/ready. A service may register more that decide readiness (e.g. its consumers have
 * joined their groups), and reports that only inform: they appear in the answer's details, up or down, but never
 * make it 503 (e.g. a dependency the service degrades without, such as the Fabric gateway of the ledger-writer).
 */
@Injectable()
export class ReadinessChecks {
  private readonly extra: HealthIndicatorFunction[] = [];
  /** Every topic of the deployment's prefix, dead-letter twins included: what `pedigree kafka ensure-topics` creates. */
  private readonly topics: string[];
  private readonly reports: HealthIndicatorFunction[] = [];

  constructor(
    private readonly database: DatabaseHealthIndicator,
    private readonly kafka: KafkaHealthIndicator,
    private readonly health: HealthIndicatorService,
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
  ) {
    this.topics = allTopicSpecs(config.KAFKA_TOPIC_PREFIX).map((topic) => topic.name);
  }

  register(check: HealthIndicatorFunction): void {
    this.extra.push(check);
  }

  /** Ready once every consumer counted by `membership` (e.g. libs/kafka's ConsumerGroups) is in its group. */
  registerConsumers(name: string, membership: () => { joined: number; wanted: number }): void {
    this.register(() => {
      const indicator = this.health.check(name);
      const { joined, wanted } = membership();
      if (wanted > 0 && joined === wanted) return indicator.up();
      return indicator.down({ message: `${joined} of ${wanted} consumers in their groups` });
    });
  }

  /** Adds a report to the details of /health/ready that does not decide readiness. */
  report(check: HealthIndicatorFunction): void {
    this.reports.push(check);
  }

  all(): HealthIndicatorFunction[] {
    return [
      () => this.database.check(),
      () => this.kafka.check(),
      () => this.kafka.checkTopics(this.topics),
      ...this.extra,
    ];
  }

  informational(): HealthIndicatorFunction[] {
    return [...this.reports];
  }
}
