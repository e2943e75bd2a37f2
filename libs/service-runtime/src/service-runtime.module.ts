import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import type { Kafka } from 'kafkajs';
import type { ServiceConfig } from '@pedigree/config';
import {
  assertSchemaCurrent,
  migrateServiceDatabase,
  openDatabase,
  type DatabaseHandle,
  type MigratedService,
} from '@pedigree/database';
import { topicsWithPrefix } from '@pedigree/contracts';
import { createKafkaClient } from '@pedigree/kafka';
import { createLogger, type Logger } from '@pedigree/observability';
import { HealthController } from './health/health.controller';
import { DatabaseHealthIndicator, KafkaHealthIndicator } from './health/indicators';
import { ReadinessChecks } from './health/readiness-checks';
import { DATABASE, KAFKA, LOGGER, SERVICE_CONFIG, TOPICS } from './tokens';
import { WarmUp } from './warm-up';

export interface ServiceRuntimeOptions {
  config: ServiceConfig;
  /** The service's Drizzle schema (tables). */
  schema: Record<string, unknown>;
  /**
   * Whose migrations (`services/<name>/drizzle`) the database must have: the service refuses to start while one is
   * pending, or applies them itself with MIGRATE_ON_START=true (development).
   */
  migrations: MigratedService;
}

class RuntimeShutdown implements OnApplicationShutdown {
  constructor(@Inject(DATABASE) private readonly database: DatabaseHandle<Record<string, unknown>>) {}

  async onApplicationShutdown() {
    await this.database.pool.end();
  }
}

/** What every service has: validated config, JSON logs, its database (schema checked), Kafka, health, warm-up. */
@Module({})
export class ServiceRuntimeModule {
  static forRoot({ config, schema, migrations }: ServiceRuntimeOptions): DynamicModule {
    const logger = createLogger(config.SERVICE_NAME, config.LOG_LEVEL);
    return {
      module: ServiceRuntimeModule,
      global: true,
      imports: [TerminusModule.forRoot({ errorLogStyle: 'pretty', logger: false })],
      controllers: [HealthController],
      providers: [
        { provide: SERVICE_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        {
          provide: DATABASE,
          useFactory: async () => {
            const database = openDatabase(config.DATABASE_URL, schema, {
              applicationName: config.SERVICE_NAME,
              onConnectionError: (err) =>
                logger.warn({ err }, 'database connection lost; the pool reconnects on next use'),
            });
            try {
              await prepareSchema(migrations, config, database, logger);
            } catch (error) {
              await database.pool.end();
              throw error;
            }
            return database;
          },
        },
        {
          provide: KAFKA,
          useFactory: (): Kafka =>
            createKafkaClient({ brokers: config.KAFKA_BROKERS, clientId: config.SERVICE_NAME, logger }),
        },
        { provide: TOPICS, useValue: topicsWithPrefix(config.KAFKA_TOPIC_PREFIX) },
        DatabaseHealthIndicator,
        KafkaHealthIndicator,
        ReadinessChecks,
        WarmUp,
        RuntimeShutdown,
      ],
      exports: [SERVICE_CONFIG, LOGGER, DATABASE, KAFKA, TOPICS, ReadinessChecks, WarmUp],
    };
  }
}

/**
 * Checks that the database has every migration of this build (a newer schema is accepted, for rolling updates), or
 * with MIGRATE_ON_START applies the pending ones under the same lock `pedigree db migrate` takes.
 */
async function prepareSchema(
  service: MigratedService,
  config: ServiceConfig,
  database: DatabaseHandle<Record<string, unknown>>,
  logger: Logger,
): Promise<void> {
  if (config.MIGRATE_ON_START) {
    const { applied, status } = await migrateServiceDatabase(service, config.DATABASE_URL, {
      onWait: () => logger.info('another migration run holds the lock; waiting'),
    });
    logger.info({ applied, current: status.current }, 'database migrated (MIGRATE_ON_START)');
    return;
  }
  const status = await assertSchemaCurrent(database.pool, service);
  if (status.ahead)
    logger.warn(
      { current: status.current, latest: status.latest },
      'the database schema is newer than this build; starting anyway',
    );
}

export type { Logger };
