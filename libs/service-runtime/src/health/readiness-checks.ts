import { Injectable } from '@nestjs/common';
import type { HealthIndicatorFunction } from '@nestjs/terminus';
import { DatabaseHealthIndicator, KafkaHealthIndicator } from './indicators';

/** The checks behind /health/ready. A service may register more (e.g. the Fabric gateway). */
@Injectable()
export class ReadinessChecks {
  private readonly extra: HealthIndicatorFunction[] = [];

  constructor(
    private readonly database: DatabaseHealthIndicator,
    private readonly kafka: KafkaHealthIndicator,
  ) {}

  register(check: HealthIndicatorFunction): void {
    this.extra.push(check);
  }

  all(): HealthIndicatorFunction[] {
    return [() => this.database.check(), () => this.kafka.check(), ...this.extra];
  }
}
