import { Client } from 'pg';
import { createEphemeralIssuer, type EphemeralIssuer } from '@pedigree/auth';
import { migrateServiceDatabase, type MigratedService } from '@pedigree/database';
import {
  createTestDatabase,
  createTestTopics,
  dropTestDatabase,
  kafkaBrokers,
  selectProvider,
  startServiceProcess,
  uniqueSuffix,
  waitForStatus,
  type RunningService,
} from '@pedigree/testing';

export interface BenchService {
  service: RunningService;
  db: Client;
  issuer: EphemeralIssuer;
  /** A token of the manufacturer owning company prefix 0614141 (GLN 0614141000005). */
  manufacturerToken: string;
  /** The service's Kafka topic and consumer-group namespace (KAFKA_TOPIC_PREFIX). */
  topicPrefix: string;
  /** The environment the service was started with: another process of it starts with the same (database, topics). */
  serviceEnv: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Starts the local stack (or finds it running) and one service as its own process on a fresh database and topic
 * namespace (the database is dropped again on stop), trusting an ephemeral token issuer. `BENCH_SERVICE_NODE_OPTIONS` is passed to the service (e.g. --cpu-prof).
 * `existingDatabaseUrl`: a database kept from an earlier run instead, migrated to this build and kept on stop.
 */
export async function startBenchService(
  name: MigratedService,
  env: Record<string, string> = {},
  existingDatabaseUrl?: string,
): Promise<BenchService> {
  const infrastructure = await selectProvider().start();
  process.env.PEDIGREE_TEST_INFRASTRUCTURE = JSON.stringify(infrastructure);
  const issuer = await createEphemeralIssuer();
  const databaseUrl = existingDatabaseUrl ?? (await createTestDatabase(`bench_${name.replace(/-/g, '_')}`));
  const dropDatabase = () => (existingDatabaseUrl ? Promise.resolve() : dropTestDatabase(databaseUrl));
  await migrateServiceDatabase(name, databaseUrl);
  const topicPrefix = `bench${uniqueSuffix()}.`;
  await createTestTopics(topicPrefix);
  const serviceEnv = {
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: kafkaBrokers().join(','),
    KAFKA_TOPIC_PREFIX: topicPrefix,
    LOG_LEVEL: 'warn',
    ...(process.env.BENCH_SERVICE_NODE_OPTIONS
      ? { NODE_OPTIONS: process.env.BENCH_SERVICE_NODE_OPTIONS }
      : {}),
    ...issuer.env,
    ...env,
  };
  const service = await startServiceProcess(name, serviceEnv);
  // A benchmark that fails must not leave its service running (it would load the machine under the next benchmark).
  process.once('exit', () => service.process.kill());
  try {
    await waitForStatus(service, '/health/ready');
  } catch (error) {
    await dropDatabase();
    throw error;
  }
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const manufacturerToken = await issuer.token({
    sub: 'bench',
    party: '0614141000005',
    roles: ['manufacturer'],
    gcp: ['0614141'],
  });
  return {
    service,
    db,
    issuer,
    manufacturerToken,
    topicPrefix,
    serviceEnv,
    async stop() {
      await db.end();
      await service.stop();
      await dropDatabase();
    },
  };
}
