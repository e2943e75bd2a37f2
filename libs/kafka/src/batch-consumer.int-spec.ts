import type { Kafka } from 'kafkajs';
import { Client } from 'pg';
import { z } from 'zod';
import { deadLetterTopicName, type TopicContract } from '@pedigree/contracts';
import { createLogger } from '@pedigree/observability';
import { createTestDatabase, eventually, kafkaBrokers, uniqueSuffix } from '@pedigree/testing';
import { BatchConsumer, DLQ_HEADERS, type ConsumedMessage } from './batch-consumer';
import { createKafkaClient, ensureTopics } from './client';
import { EnvelopeProducer } from './producer';

const logger = createLogger('kafka-int-test', (process.env.TEST_LOG_LEVEL ?? 'silent') as 'silent');
const payload = z.object({ n: z.number().int() });
type Payload = z.infer<typeof payload>;

function testTopic(): TopicContract<typeof payload> {
  return { name: `test.numbers.${uniqueSuffix()}`, partitions: 3, messageType: 'test.number', payload };
}

/** The effect under test: one row per message id, written idempotently. Counts deliveries it had to skip. */
class EffectTable {
  duplicatesSkipped = 0;
  constructor(private readonly db: Client) {}

  static async create(): Promise<EffectTable> {
    const db = new Client({ connectionString: await createTestDatabase('kafka_it') });
    await db.connect();
    await db.query('CREATE TABLE effects (message_id text PRIMARY KEY, n integer NOT NULL)');
    return new EffectTable(db);
  }

  async apply(messages: Array<ConsumedMessage<Payload>>): Promise<void> {
    for (const m of messages) {
      const result = await this.db.query('INSERT INTO effects VALUES ($1, $2) ON CONFLICT DO NOTHING', [
        m.envelope.messageId,
        m.envelope.payload.n,
      ]);
      if (result.rowCount === 0) this.duplicatesSkipped++;
    }
  }

  async numbers(): Promise<number[]> {
    const { rows } = await this.db.query<{ n: number }>('SELECT n FROM effects ORDER BY n');
    return rows.map((r) => r.n);
  }

  close() {
    return this.db.end();
  }
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('libs/kafka against a real Kafka broker', () => {
  let kafka: Kafka;
  let producer: EnvelopeProducer;
  let effects: EffectTable;

  beforeAll(async () => {
    kafka = createKafkaClient({ brokers: kafkaBrokers(), clientId: 'kafka-it', logger });
    producer = new EnvelopeProducer(kafka, 'kafka-it');
  });
  beforeEach(async () => {
    effects = await EffectTable.create();
  });
  afterEach(() => effects.close());
  afterAll(() => producer.disconnect());

  async function setUp(topic: TopicContract<typeof payload>) {
    await ensureTopics(kafka, [
      { name: topic.name, partitions: topic.partitions },
      { name: deadLetterTopicName(topic.name), partitions: 1 },
    ]);
  }

  function publish(topic: TopicContract<typeof payload>, numbers: number[]) {
    return producer.publish(
      topic,
      numbers.map((n) => ({ key: `k${n % 7}`, payload: { n } })),
    );
  }

  it('applies every message exactly once across a consumer that dies between effect and commit', async () => {
    const topic = testTopic();
    await setUp(topic);
    await publish(topic, range(1, 300));
    const groupId = `g-${uniqueSuffix()}`;

    let crashed = false;
    const first: BatchConsumer<typeof topic> = new BatchConsumer({
      kafka,
      groupId,
      topic,
      logger,
      retryBackoffMs: 5000,
      handler: async (messages) => {
        // Once "dead", this consumer applies nothing more; the batch that killed it was applied but never committed.
        if (crashed) throw new Error('process is dead');
        await effects.apply(messages);
        if ((await effects.numbers()).length >= 100) {
          crashed = true;
          throw new Error('process died after the effect, before the offset commit');
        }
      },
    });
    await first.start();
    await eventually(
      async () => crashed,
      (done) => done,
      'the first consumer to crash',
      60000,
    );
    await first.stop();
    const appliedBeforeRestart = (await effects.numbers()).length;
    expect(appliedBeforeRestart).toBeGreaterThanOrEqual(100);
    expect(appliedBeforeRestart).toBeLessThan(300);

    const second = new BatchConsumer({ kafka, groupId, topic, logger, handler: (m) => effects.apply(m) });
    await second.start();
    // Waits for the group's commits, not for 300 rows: the rows are complete before the redelivered crash batch is
    // handled when the second consumer takes the other partitions first.
    await eventually(
      () => uncommitted(kafka, groupId, topic.name),
      (left) => left === 0,
      'the group to commit every partition to its end',
      60000,
    );
    await second.stop();

    expect(await effects.numbers()).toEqual(range(1, 300));
    // The batch in hand at the crash was delivered again and its effect skipped, not doubled.
    expect(effects.duplicatesSkipped).toBeGreaterThan(0);
  });

  it('sends a poisoned message to the DLQ after the retries, with the error in headers, and carries on', async () => {
    const topic = testTopic();
    await setUp(topic);
    const groupId = `g-${uniqueSuffix()}`;
    const attemptsOnPoison: number[] = [];
    const consumer = new BatchConsumer({
      kafka,
      groupId,
      topic,
      logger,
      maxAttempts: 3,
      retryBackoffMs: 10,
      handler: async (messages) => {
        if (messages.some((m) => m.envelope.payload.n === 13)) {
          attemptsOnPoison.push(messages.length);
          throw new Error('cannot apply message 13');
        }
        await effects.apply(messages);
      },
    });
    await consumer.start();

    await publish(topic, range(1, 20));
    const raw = kafka.producer();
    await raw.connect();
    await raw.send({ topic: topic.name, messages: [{ key: 'bad', value: '{"not":"an envelope"}' }] });
    await raw.disconnect();
    await publish(topic, range(21, 30));

    await eventually(
      async () => (await effects.numbers()).length === 29,
      (done) => done,
      'the 29 good messages',
      60000,
    );
    await consumer.stop();
    expect(await effects.numbers()).toEqual(range(1, 30).filter((n) => n !== 13));
    expect(attemptsOnPoison.filter((size) => size === 1)).toHaveLength(3);

    const dlq = await readAll(kafka, deadLetterTopicName(topic.name), 2);
    const poisoned = dlq.find((m) => m.headers[DLQ_HEADERS.error]?.includes('cannot apply message 13'));
    expect(poisoned).toBeDefined();
    expect(poisoned!.headers[DLQ_HEADERS.attempts]).toBe('3');
    expect(poisoned!.headers[DLQ_HEADERS.sourceTopic]).toBe(topic.name);
    expect(poisoned!.headers[DLQ_HEADERS.consumerGroup]).toBe(groupId);
    expect(JSON.parse(poisoned!.value).payload).toEqual({ n: 13 });
    const invalid = dlq.find((m) => m.key === 'bad');
    expect(invalid!.headers[DLQ_HEADERS.error]).toMatch(/messageId/);
    expect(invalid!.headers[DLQ_HEADERS.attempts]).toBe('0');
    expect(invalid!.value).toBe('{"not":"an envelope"}');
  });

  it('retries through a transient outage longer than maxAttempts, and dead-letters nothing', async () => {
    const topic = testTopic();
    await setUp(topic);
    const outage = new Error('database unreachable');
    let failures = 0;
    const consumer = new BatchConsumer({
      kafka,
      groupId: `g-${uniqueSuffix()}`,
      topic,
      logger,
      maxAttempts: 2,
      retryBackoffMs: 10,
      maxRetryBackoffMs: 50,
      isTransient: (error) => error === outage,
      handler: async (messages) => {
        if (failures < 8) {
          failures += 1;
          throw outage;
        }
        await effects.apply(messages);
      },
    });
    await consumer.start();
    await publish(topic, range(1, 10));
    await eventually(
      async () => (await effects.numbers()).length,
      (n) => n === 10,
      'all ten applied once the outage is over',
      60000,
    );
    await consumer.stop();
    expect(failures).toBe(8);
    expect(await effects.numbers()).toEqual(range(1, 10));
    expect(effects.duplicatesSkipped).toBe(0);
    expect(await endOffset(kafka, deadLetterTopicName(topic.name))).toBe(0);
  });

  it('finishes and commits the batch in hand when stopped', async () => {
    const topic = testTopic();
    await setUp(topic);
    const groupId = `g-${uniqueSuffix()}`;
    let inHand = false;
    const consumer = new BatchConsumer({
      kafka,
      groupId,
      topic,
      logger,
      handler: async (messages) => {
        inHand = true;
        await new Promise((r) => setTimeout(r, 1000));
        await effects.apply(messages);
      },
    });
    await consumer.start();
    await publish(topic, range(1, 5));
    await eventually(
      async () => inHand,
      (done) => done,
      'a batch in hand',
      60000,
    );
    await consumer.stop();

    const applied = await effects.numbers();
    expect(applied.length).toBeGreaterThan(0);
    const admin = kafka.admin();
    await admin.connect();
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic.name] });
    await admin.disconnect();
    const committed = offsets!.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
    expect(committed).toBe(applied.length);
  });
});

async function readAll(kafka: Kafka, topic: string, count: number) {
  const consumer = kafka.consumer({ groupId: `reader-${uniqueSuffix()}` });
  const seen: Array<{ key: string | null; value: string; headers: Record<string, string> }> = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      seen.push({
        key: message.key?.toString() ?? null,
        value: message.value?.toString() ?? '',
        headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
      });
    },
  });
  await eventually(
    async () => seen.length >= count,
    (done) => done,
    `${count} messages on ${topic}`,
    60000,
  );
  await consumer.disconnect();
  return seen;
}

/** How many of the topic's messages lie beyond the group's committed offsets. */
async function uncommitted(kafka: Kafka, groupId: string, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const [group] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const committed = new Map(group!.partitions.map((p) => [p.partition, Math.max(0, Number(p.offset))]));
    return ends.reduce((sum, p) => sum + Number(p.high) - (committed.get(p.partition) ?? 0), 0);
  } finally {
    await admin.disconnect();
  }
}

/** The sum of a topic's high-water marks: how many messages were ever written to it. */
async function endOffset(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  return offsets.reduce((sum, p) => sum + Number(p.high), 0);
}
