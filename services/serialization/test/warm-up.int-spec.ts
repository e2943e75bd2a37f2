import { Client } from 'pg';
import { createEphemeralIssuer } from '@pedigree/auth';
import { topicsWithPrefix } from '@pedigree/contracts';
import { migrateServiceDatabase } from '@pedigree/database';
import { createKafkaClient } from '@pedigree/kafka';
import { createLogger } from '@pedigree/observability';
import {
  createTestDatabase,
  createTestTopics,
  kafkaBrokers,
  startServiceProcess,
  uniqueSuffix,
  waitForStatus,
  type RunningService,
} from '@pedigree/testing';

/** Rows of every table of the service's schema, by table. */
async function rowCounts(db: Client): Promise<Record<string, number>> {
  const { rows: tables } = await db.query<{ name: string }>(
    `SELECT quote_ident(table_name) AS name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    counts[name] = Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${name}`)).rows[0]!.n);
  }
  return counts;
}

/** Messages ever written to each topic of the namespace (the sum of its partitions' high-water marks). */
async function messagesWritten(prefix: string): Promise<Record<string, number>> {
  const kafka = createKafkaClient({
    brokers: kafkaBrokers(),
    clientId: 'test-warm-up',
    logger: createLogger('t', 'silent'),
  });
  const admin = kafka.admin();
  await admin.connect();
  // Topics created a moment ago may have no leader yet.
  const offsetsOf = async (topic: string, attempt = 0): ReturnType<typeof admin.fetchTopicOffsets> => {
    try {
      return await admin.fetchTopicOffsets(topic);
    } catch (error) {
      if (attempt >= 40) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
      return offsetsOf(topic, attempt + 1);
    }
  };
  try {
    const written: Record<string, number> = {};
    for (const topic of Object.values(topicsWithPrefix(prefix))) {
      const offsets = await offsetsOf(topic.name);
      written[topic.name] = offsets.reduce((sum, p) => sum + Number(p.high), 0);
    }
    return written;
  } finally {
    await admin.disconnect();
  }
}

describe('the serialization service warms its hot paths before it is ready', () => {
  let databaseUrl: string;
  let db: Client;
  const topicPrefix = `warm${uniqueSuffix()}.`;
  let env: Record<string, string>;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase('serialization_warm');
    await migrateServiceDatabase('serialization', databaseUrl);
    await createTestTopics(topicPrefix);
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
    const issuer = await createEphemeralIssuer();
    env = {
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: kafkaBrokers().join(','),
      KAFKA_TOPIC_PREFIX: topicPrefix,
      VRS_RESPONDER_GLN: '0614141000005',
      ...issuer.env,
    };
  });
  afterAll(() => db.end());

  it('answers 503 naming the warm-up while it runs, 200 after, and writes nothing', async () => {
    const rowsBefore = await rowCounts(db);
    const messagesBefore = await messagesWritten(topicPrefix);
    // More rounds than 3 s allow: the time bound ends it.
    let service: RunningService | undefined;
    try {
      service = await startServiceProcess('serialization', {
        ...env,
        WARMUP_ROUNDS: '1000000',
        WARMUP_MAX_SECONDS: '3',
      });
      const warming = await waitForStatus(service, '/health/ready', 503);
      expect(warming).toMatchObject({
        status: 503,
        detail: expect.stringMatching(
          /^not ready: warm-up(, [a-z-]+)* (is|are) down; warming up vrs, pack-verify, capture, query: round \d+ of 1000000, [\d.]+ s of at most 3 s$/,
        ),
        checks: { 'warm-up': { status: 'down' }, postgres: { status: 'up' } },
      });
      const ready = (await waitForStatus(service, '/health/ready', 200)) as {
        details: Record<string, { status: string; rounds?: number; seconds?: number; failed?: object }>;
      };
      expect(ready.details['warm-up']).toMatchObject({ status: 'up', failed: {} });
      expect(ready.details['warm-up']!.rounds).toBeGreaterThan(10);
      expect(ready.details['warm-up']!.seconds).toBeGreaterThanOrEqual(3);
      expect(ready.details['warm-up']!.seconds).toBeLessThan(5);
      // The VRS verifications are recorded in batches after a moment: give any that were queued time to land.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(await rowCounts(db)).toEqual(rowsBefore);
      expect(await messagesWritten(topicPrefix)).toEqual(messagesBefore);
    } finally {
      await service?.stop();
    }
  });

  it('is ready without warming up when WARMUP_ENABLED=false', async () => {
    // Topics of its own: the consumer groups of the first test's process would hold it up until they time out.
    const prefix = `cold${uniqueSuffix()}.`;
    await createTestTopics(prefix);
    const service = await startServiceProcess('serialization', {
      ...env,
      KAFKA_TOPIC_PREFIX: prefix,
      WARMUP_ENABLED: 'false',
    });
    try {
      const ready = (await waitForStatus(service, '/health/ready', 200)) as {
        details: Record<string, unknown>;
      };
      expect(ready.details['warm-up']).toEqual({ status: 'up', enabled: false });
    } finally {
      await service.stop();
    }
  });
});
