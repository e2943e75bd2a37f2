import { migrateServiceDatabase, openDatabase, type DatabaseHandle } from '@pedigree/database';
import { createTestDatabase, dropTestDatabase } from '@pedigree/testing';
import {
  SubscriptionRepository,
  type NewSubscription,
} from '../../src/subscriptions/subscription.repository';

// The PostgreSQL side of delivery (ADR 0020) on a real database: claims exclusive across processes, acknowledged
// events leave the queue while a match that committed late is still delivered, clean-up of delivered events.
describe('SubscriptionRepository (real PostgreSQL)', () => {
  let url: string;
  let database: DatabaseHandle<Record<string, unknown>>;
  let repository: SubscriptionRepository;

  const subscription = (id: string): NewSubscription => ({
    id,
    queryName: 'q',
    party: '0614141000005',
    roles: ['manufacturer'],
    dest: 'http://127.0.0.1:9/none',
    socketOwner: null,
    signatureToken: null,
    stream: true,
    schedule: null,
    reportIfEmpty: false,
    initialRecordTime: null,
    epcFormat: 'No_Preference',
    batchSize: 10,
    nextRunAt: null,
  });
  const entry = (subscriptionId: string, key: string) => ({
    subscriptionId,
    eventHash: key,
    entryKey: key,
    event: { type: 'ObjectEvent', eventID: key },
    namespaces: {},
    capturerGcps: ['0614141'],
  });

  beforeAll(async () => {
    url = await createTestDatabase('subscription_repository');
    await migrateServiceDatabase('serialization', url);
    database = openDatabase(url, {}, { maxConnections: 6 });
    repository = new SubscriptionRepository(database);
  });
  afterAll(async () => {
    await database.pool.end();
    await dropTestDatabase(url);
  });

  it('lets one process at a time claim a subscription, however many claim at once', async () => {
    await repository.create(subscription('claim-1'));
    await repository.enqueue([entry('claim-1', 'e1')]);
    const claims = await Promise.all(
      ['p1', 'p2', 'p3', 'p4', 'p5'].map((owner) => repository.claim(owner, 10)),
    );
    expect(claims.flat().filter((s) => s.id === 'claim-1')).toHaveLength(1);
    // Leased: nobody claims it again until it is acknowledged or the lease runs out.
    expect((await repository.claim('p6', 10)).map((s) => s.id)).not.toContain('claim-1');
  });

  it('removes only the acknowledged events; a match committed late, below them, stays queued', async () => {
    await repository.create(subscription('late-1'));
    // A matcher transaction takes its queue position first and commits last.
    const slow = await database.pool.connect();
    try {
      await slow.query('BEGIN');
      await slow.query(
        `INSERT INTO subscription_events (entry_key, event_hash, event, namespaces, capturer_gcps)
         VALUES ('late-a', 'late-a', '{"eventID":"late-a"}', '{}', '{}')`,
      );
      await slow.query(
        `INSERT INTO subscription_queue (subscription_id, entry_key) VALUES ('late-1', 'late-a')`,
      );
      await repository.enqueue([entry('late-1', 'late-b')]);
      const [claimed] = (await repository.claim('p1', 10)).filter((s) => s.id === 'late-1');
      const pending = await repository.pending('late-1', 10);
      expect(pending.map((e) => e.entryKey)).toEqual(['late-b']);
      expect(
        await repository.acknowledge(
          claimed!.id,
          'p1',
          pending.map((e) => e.position),
        ),
      ).toBe(true);
      await slow.query('COMMIT');
    } finally {
      slow.release();
    }
    expect((await repository.pending('late-1', 10)).map((e) => e.entryKey)).toEqual(['late-a']);
  });

  it('keeps one copy of an event however many subscriptions wait for it, and cleans it up once all are served', async () => {
    await repository.create(subscription('share-1'));
    await repository.create(subscription('share-2'));
    expect(await repository.enqueue([entry('share-1', 'shared'), entry('share-2', 'shared')])).toBe(2);
    // Queued again (a Kafka batch redelivered): nothing more.
    expect(await repository.enqueue([entry('share-1', 'shared')])).toBe(0);
    const copies = async () =>
      Number(
        (
          await database.pool.query(
            `SELECT count(*) AS n FROM subscription_events WHERE entry_key = 'shared'`,
          )
        ).rows[0].n,
      );
    expect(await copies()).toBe(1);
    const claimed = (await repository.claim('owner', 50)).map((s) => s.id);
    expect(claimed).toEqual(expect.arrayContaining(['share-1', 'share-2']));
    for (const id of ['share-1', 'share-2']) {
      const pending = await repository.pending(id, 10);
      await repository.acknowledge(
        id,
        'owner',
        pending.map((e) => e.position),
      );
      await repository.removeDeliveredEvents();
      expect(await copies()).toBe(id === 'share-1' ? 1 : 0);
    }
  });

  it('records failures (the newest 20), backs off, and only the lease holder changes the subscription', async () => {
    await repository.create(subscription('fail-1'));
    await repository.enqueue([entry('fail-1', 'f1')]);
    for (let i = 0; i < 22; i++) {
      await database.pool.query(`UPDATE subscriptions SET next_attempt_at = now() WHERE id = 'fail-1'`);
      const [claimed] = (await repository.claim('p1', 50)).filter((s) => s.id === 'fail-1');
      await repository.fail(claimed!.id, 'p1', { status: 500, error: `attempt ${i}`, events: 1 }, 60);
    }
    const failures = await repository.failures('fail-1');
    expect(failures).toHaveLength(20);
    expect(failures[0]!.error).toBe('attempt 21');
    // Not due for a minute: nobody claims it.
    expect((await repository.claim('p2', 50)).map((s) => s.id)).not.toContain('fail-1');
    // Someone without the lease cannot acknowledge.
    expect(await repository.acknowledge('fail-1', 'p2', [])).toBe(false);
    expect(await repository.pendingCount('fail-1')).toBe(1);
  });
});
