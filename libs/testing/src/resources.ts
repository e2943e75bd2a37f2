import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { allTopicSpecs } from '@pedigree/contracts';
import { createKafkaClient, ensureTopics } from '@pedigree/kafka';
import { createLogger } from '@pedigree/observability';
import { testInfrastructure } from './infrastructure';

/** A short random suffix that keeps parallel and repeated test runs apart. */
export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

export function postgresUrl(database: string): string {
  const { host, port, user, password } = testInfrastructure().postgres;
  const auth = password ? `${user}:${encodeURIComponent(password)}` : user;
  return `postgres://${auth}@${host}:${port}/${database}`;
}

/** Runs `work` with a connection to the test PostgreSQL's maintenance database, closed afterwards. */
async function asAdmin<T>(work: (admin: Client) => Promise<T>): Promise<T> {
  const admin = new Client({ connectionString: postgresUrl('postgres') });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

function dropDatabase(admin: Client, name: string) {
  return admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

/** Creates a fresh, empty database on the test PostgreSQL and returns its URL. */
export async function createTestDatabase(prefix: string): Promise<string> {
  const name = `${prefix.replace(/[^a-z0-9_]/g, '_')}_${uniqueSuffix()}`;
  await asAdmin((admin) => admin.query(`CREATE DATABASE "${name}"`));
  return postgresUrl(name);
}

/** Drops a database made by createTestDatabase (given by its URL), closing any connections still open to it. */
export async function dropTestDatabase(url: string): Promise<void> {
  await asAdmin((admin) => dropDatabase(admin, decodeURIComponent(new URL(url).pathname.slice(1))));
}

export function kafkaBrokers(): string[] {
  return testInfrastructure().kafkaBrokers;
}

/**
 * Creates every topic of a namespace (KAFKA_TOPIC_PREFIX) that does not exist yet, dead-letter twins included, with
 * the code `pedigree kafka ensure-topics --topic-prefix` runs: services only check that their topics exist.
 */
export async function createTestTopics(prefix: string): Promise<void> {
  const kafka = createKafkaClient({
    brokers: kafkaBrokers(),
    clientId: 'pedigree-test-topics',
    logger: createLogger('pedigree-test-topics', 'silent'),
  });
  await ensureTopics(kafka, allTopicSpecs(prefix), { replicationFactor: 1 });
}

/** When a name made with uniqueSuffix() was made, or undefined for other names. */
export function suffixTime(name: string): Date | undefined {
  const match = /([0-9a-z]{8})[0-9a-f]{6}(?:\.|$)/.exec(name);
  if (!match) return undefined;
  const time = parseInt(match[1]!, 36);
  // Plausible creation times only (2020–2100), so that other names that happen to match are left alone.
  return time > Date.UTC(2020, 0, 1) && time < Date.UTC(2100, 0, 1) ? new Date(time) : undefined;
}

/**
 * Drops the databases that earlier test runs created (named with uniqueSuffix()) more than `olderThanMs` ago, so the
 * long-lived test stack of a developer or CI machine does not grow without bound. Service databases are kept.
 */
export async function dropStaleTestDatabases(olderThanMs: number, now = Date.now()): Promise<string[]> {
  return asAdmin(async (admin) => {
    const { rows } = await admin.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE NOT datistemplate',
    );
    const stale = rows
      .map((r) => r.datname)
      .filter((name) => {
        const made = suffixTime(name);
        return made !== undefined && now - made.getTime() > olderThanMs;
      });
    for (const name of stale) await dropDatabase(admin, name);
    return stale;
  });
}

/** Deletes the Kafka topics earlier test runs created (names carrying a uniqueSuffix()) more than `olderThanMs` ago. */
export async function deleteStaleTestTopics(olderThanMs: number, now = Date.now()): Promise<string[]> {
  const kafka = createKafkaClient({
    brokers: kafkaBrokers(),
    clientId: 'pedigree-test-cleanup',
    logger: createLogger('pedigree-test-cleanup', 'silent'),
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const stale = (await admin.listTopics()).filter((name) => {
      const made = suffixTime(name);
      return made !== undefined && now - made.getTime() > olderThanMs;
    });
    if (stale.length > 0) await admin.deleteTopics({ topics: stale });
    return stale;
  } finally {
    await admin.disconnect();
  }
}
