import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { Admin, Kafka } from 'kafkajs';
import { pingDatabase, type DatabaseHandle } from '@pedigree/database';
import { DATABASE, KAFKA } from '../tokens';

const CHECK_TIMEOUT_MS = 2000;

@Injectable()
export class DatabaseHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    @Inject(DATABASE) private readonly database: DatabaseHandle<Record<string, unknown>>,
  ) {}

  async check(key = 'postgres') {
    const indicator = this.health.check(key);
    try {
      await pingDatabase(this.database.pool, CHECK_TIMEOUT_MS);
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }
}

/** Ready when the broker answers a cluster description within the time-out. */
@Injectable()
export class KafkaHealthIndicator implements OnModuleDestroy {
  private admin?: Admin;

  constructor(
    private readonly health: HealthIndicatorService,
    @Inject(KAFKA) private readonly kafka: Kafka,
  ) {}

  async check(key = 'kafka') {
    const indicator = this.health.check(key);
    try {
      const cluster = await withTimeout(this.describeCluster(), CHECK_TIMEOUT_MS);
      return indicator.up({ brokers: cluster.brokers.length });
    } catch (error) {
      await this.dropAdmin();
      return indicator.down({ message: (error as Error).message });
    }
  }

  async onModuleDestroy() {
    await this.dropAdmin();
  }

  private async describeCluster() {
    if (!this.admin) {
      this.admin = this.kafka.admin();
      await this.admin.connect();
    }
    return this.admin.describeCluster();
  }

  private async dropAdmin() {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect().catch(() => undefined);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]);
}
