import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import type { Kafka } from 'kafkajs';
import type { ServiceConfig } from '@pedigree/config';
import { applyMigrations, openDatabase, type DatabaseHandle } from '@pedigree/database';
import { topicsWithPrefix } from '@pedigree/contracts';
import { createKafkaClient } from '@pedigree/kafka';
import { createLogger, type Logger } from '@pedigree/observability';
import { HealthController } from './health/health.controller';
import { DatabaseHealthIndicator, KafkaHealthIndicator } from './health/indicators';
import { ReadinessChecks } from './health/readiness-checks';
import { KafkaTopicsInitializer } from './kafka-topics.initializer';
import { DATABASE, KAFKA, LOGGER, SERVICE_CONFIG, TOPICS } from './tokens';

export interface ServiceRuntimeOptions {
  config: ServiceConfig;
  /** The service's Drizzle schema (tables). */
  schema: Record<string, unknown>;
  /** Folder of the SQL migrations drizzle-kit generated for the service; applied at start-up. */
  migrationsFolder: string;
}

class RuntimeShutdown implements OnApplicationShutdown {
  constructor(@Inject(DATABASE) private readonly database: DatabaseHandle<Record<string, unknown>>) {}

  async onApplicationShutdown() {
    await this.database.pool.end();
  }
}

/** What every service has: validated config, JSON logs, its database (migrated), Kafka, health. */
@Module({})
export class ServiceRuntimeModule {
  static forRoot({ config, schema, migrationsFolder }: ServiceRuntimeOptions): DynamicModule {
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
            await applyMigrations(database.db, migrationsFolder);
            logger.info({ migrationsFolder }, 'database migrated');
            return database;
          },
        },
        {
          provide: KAFKA,
          useFactory: (): Kafka =>
            createKafkaClient({ brokers: config.KAFKA_BROKERS, clientId: config.SERVICE_NAME, logger }),
        },
        { provide: TOPICS, useValue: topicsWithPrefix(config.KAFKA_TOPIC_PREFIX) },
        KafkaTopicsInitializer,
        DatabaseHealthIndicator,
        KafkaHealthIndicator,
        ReadinessChecks,
        RuntimeShutdown,
      ],
      exports: [SERVICE_CONFIG, LOGGER, DATABASE, KAFKA, TOPICS, ReadinessChecks],
    };
  }
}

export type { Logger };
