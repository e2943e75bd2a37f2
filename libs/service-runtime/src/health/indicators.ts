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
  /** One admin client for both checks, connected once (the checks run concurrently). */
  private admin?: Promise<Admin>;

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
      this.dropAdmin();
      return indicator.down({ message: (error as Error).message });
    }
  }

  /**
   * Ready when every topic in `names` exists. Services do not create topics (`pedigree kafka ensure-topics` does);
   * the indicator names the missing ones.
   */
  async checkTopics(names: readonly string[], key = 'kafka-topics') {
    const indicator = this.health.check(key);
    try {
      const existing = new Set(await withTimeout(this.listTopics(), CHECK_TIMEOUT_MS));
      const missing = names.filter((name) => !existing.has(name));
      if (missing.length === 0) return indicator.up({ topics: names.length });
      return indicator.down({
        message: `missing topics: ${missing.join(', ')} (create them with \`pedigree kafka ensure-topics\`)`,
        missing,
      });
    } catch (error) {
      this.dropAdmin();
      return indicator.down({ message: (error as Error).message });
    }
  }

  onModuleDestroy() {
    this.dropAdmin();
  }

  private async describeCluster() {
    return (await this.connectedAdmin()).describeCluster();
  }

  private async listTopics() {
    return (await this.connectedAdmin()).listTopics();
  }

  private connectedAdmin(): Promise<Admin> {
    this.admin ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })();
    return this.admin;
  }

  /** Forgets the admin client; one still connecting (kafkajs retries for a while) is closed once it settles. */
  private dropAdmin(): void {
    const admin = this.admin;
    this.admin = undefined;
    void admin?.then((connected) => connected.disconnect()).catch(() => undefined);
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
