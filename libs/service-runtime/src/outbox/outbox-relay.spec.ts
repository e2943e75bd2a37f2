import type { OutboxMessage, OutboxPublisher, OutboxRow, OutboxStore } from './outbox';
import { OutboxRelay } from './outbox-relay';

/** The outbox contract in memory: of each key only its oldest row is claimable, and no row another batch holds. */
class FakeOutbox implements OutboxStore {
  rows: OutboxRow[] = [];
  private nextId = 1;
  private readonly claimed = new Set<string>();

  write(key: string, n: number): void {
    const message: OutboxMessage = {
      topic: 'events',
      key,
      envelope: {
        messageId: `${key}-${n}`,
        type: 't',
        envelopeVersion: 1,
        occurredAt: '2026-12-03T00:00:00.000Z',
        producer: 'test',
        payload: { n },
      },
    };
    this.rows.push({ ...message, id: String(this.nextId++) });
  }

  async relayBatch(limit: number, publish: (rows: OutboxRow[]) => Promise<void>): Promise<number> {
    const batch = this.rows
      .filter((row) => !this.claimed.has(row.id))
      .filter((row) => this.rows.find((r) => r.key === row.key) === row)
      .slice(0, limit);
    batch.forEach((row) => this.claimed.add(row.id));
    try {
      await publish(batch);
      this.rows = this.rows.filter((row) => !batch.includes(row));
      return batch.length;
    } finally {
      batch.forEach((row) => this.claimed.delete(row.id));
    }
  }
}

/** Records what was published; fails the calls it is told to fail; each call takes a turn of the event loop. */
class FakeKafka implements OutboxPublisher {
  readonly published: string[] = [];
  failures = 0;

  async publish(rows: readonly OutboxRow[]): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('broker not available');
    }
    this.published.push(...rows.map((r) => r.envelope.messageId));
  }
}

const options = { batchSize: 3, pollMs: 60_000, retryMs: 5 };

function byKey(published: string[]): Record<string, number[]> {
  const keys: Record<string, number[]> = {};
  for (const id of published) {
    const [key, n] = id.split('-');
    (keys[key!] ??= []).push(Number(n));
  }
  return keys;
}

describe('OutboxRelay', () => {
  let outbox: FakeOutbox;
  let kafka: FakeKafka;

  beforeEach(() => {
    outbox = new FakeOutbox();
    kafka = new FakeKafka();
  });

  it('publishes everything, each key in the order it was written, and empties the outbox', async () => {
    for (let n = 1; n <= 4; n++) for (const key of ['a', 'b', 'c', 'd', 'e']) outbox.write(key, n);
    const relay = new OutboxRelay(outbox, kafka, options, () => undefined);
    expect(await relay.drain()).toBe(20);
    expect(outbox.rows).toEqual([]);
    expect(byKey(kafka.published)).toEqual({
      a: [1, 2, 3, 4],
      b: [1, 2, 3, 4],
      c: [1, 2, 3, 4],
      d: [1, 2, 3, 4],
      e: [1, 2, 3, 4],
    });
  });

  it('two relays on one outbox publish every row once, and each key in order', async () => {
    const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
    for (let n = 1; n <= 10; n++) for (const key of keys) outbox.write(key, n);
    const relays = [1, 2].map(() => new OutboxRelay(outbox, kafka, options, () => undefined));
    const counts = await Promise.all(relays.map((relay) => relay.drain()));
    expect(counts[0]! + counts[1]!).toBe(60);
    expect(counts.every((c) => c > 0)).toBe(true);
    expect(new Set(kafka.published).size).toBe(60);
    const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(byKey(kafka.published)).toEqual(Object.fromEntries(keys.map((key) => [key, ten])));
  });

  it('keeps the rows of a failed publication and publishes them on the next attempt', async () => {
    outbox.write('a', 1);
    outbox.write('a', 2);
    kafka.failures = 1;
    const relay = new OutboxRelay(outbox, kafka, options, () => undefined);
    await expect(relay.drain()).rejects.toThrow('broker not available');
    expect(outbox.rows).toHaveLength(2);
    expect(await relay.drain()).toBe(2);
    expect(kafka.published).toEqual(['a-1', 'a-2']);
  });

  it('runs until stopped: retries after a failure, publishes at once what it is woken for', async () => {
    const errors: unknown[] = [];
    const relay = new OutboxRelay(outbox, kafka, options, (error) => errors.push(error));
    outbox.write('a', 1);
    kafka.failures = 2;
    relay.start();
    await waitFor(() => kafka.published.length === 1);
    expect(errors).toHaveLength(2);
    outbox.write('b', 1);
    relay.wake();
    await waitFor(() => kafka.published.length === 2);
    await relay.stop();
    outbox.write('c', 1);
    relay.wake();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(kafka.published).toEqual(['a-1', 'b-1']);
    expect(outbox.rows).toHaveLength(1);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(condition()).toBe(true);
}
