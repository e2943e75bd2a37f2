import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { isTransientDatabaseError, type DatabaseHandle } from '@pedigree/database';
import { DATABASE, LOGGER, SERVICE_CONFIG, type Logger } from '@pedigree/service-runtime';
import type { ColdChainConfig } from '../config';
import { ReadingsRetention } from './readings-partitions';

/** Runs the readings retention (ReadingsRetention) at start and every READINGS_RETENTION_INTERVAL_MS on each replica. */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly retention: ReadingsRetention;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    @Inject(DATABASE) database: DatabaseHandle<Record<string, unknown>>,
    @Inject(SERVICE_CONFIG) private readonly config: ColdChainConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.retention = new ReadingsRetention(database.pool, {
      retentionDays: config.READINGS_RETENTION_DAYS,
      monthsAhead: config.READINGS_PARTITIONS_AHEAD,
    });
  }

  onApplicationBootstrap(): void {
    this.tick();
    this.timer = setInterval(() => this.tick(), this.config.READINGS_RETENTION_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.retention
      .run()
      .then(({ created, dropped }) => {
        if (created.length > 0 || dropped.length > 0)
          this.logger.info({ created, dropped }, 'readings partitions created and dropped');
      })
      .catch((error: unknown) => {
        if (isTransientDatabaseError(error))
          this.logger.warn({ err: error }, 'readings retention interrupted');
        else this.logger.error({ err: error }, 'readings retention failed');
      })
      .finally(() => {
        this.running = undefined;
      });
  }
}
