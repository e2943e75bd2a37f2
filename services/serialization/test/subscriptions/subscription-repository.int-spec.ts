import { migrateServiceDatabase, openDatabase, type DatabaseHandle } from '@pedigree/database';
import { createTestDatabase, dropTestDatabase } from '@pedigree/testing';
import {
  SubscriptionRepository,
  type EventCopy,
  type NewSubscription,
  type Subscription,
} from '../../src/subscriptions/subscription.repository';

// The PostgreSQL side of delivery (ADR 0020) on a real database: claims exclusive across processes, feed positions
// that commit in order (a cursor skips nothing), one copy of an event for every feed, cursors moved together and
// only by the lease holder, clean-up of what every subscription acknowledged.
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
  const copy = (key: string): EventCopy => ({
    eventHash: key,
    entryKey: key,
    event: { type: 'ObjectEvent', eventID: key },
    namespaces: {},
    capturerGcps: ['0614141'],
  });
  /** Appends events (captured now) to the feed of `s`. */
  const append = (s: Subscription, ...keys: string[]) =>
    repository.append(keys.map(copy), [
      { feedId: s.feedId, entries: keys.map((entryKey) => ({ entryKey, recordTime: new Date() })) },
    ]);
  const keysAfter = async (s: Subscription, position = s.cursor) =>
    (await repository.read(s.feedId, position, 100)).map((e) => e.entryKey);

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
    const s = await repository.create(subscription('claim-1'), 'feed-claim');
    await append(s, 'e1');
    const claims = await Promise.all(
      ['p1', 'p2', 'p3', 'p4', 'p5'].map((owner) => repository.claim(owner, 10)),
    );
    expect(claims.flat().filter((c) => c.id === 'claim-1')).toHaveLength(1);
    // Leased: nobody claims it again until it is acknowledged or the lease runs out.
    expect((await repository.claim('p6', 10)).map((c) => c.id)).not.toContain('claim-1');
  });

  it('delivers nothing of a subscription being backfilled; its lease holder finishes it, or another process once it expired', async () => {
    const s = await repository.create(subscription('backfill-1'), 'subscription:backfill-1', 'p1');
    await append(s, 'b1');
    expect((await repository.claim('p2', 100)).map((c) => c.id)).not.toContain('backfill-1');
    // The lease is p1's: nobody else takes the backfill over or finishes it.
    expect((await repository.claimBackfills('p2')).map((c) => c.id)).not.toContain('backfill-1');
    expect(await repository.renewBackfill('backfill-1', 'p2')).toBe(false);
    expect(await repository.finishBackfill('backfill-1', 'p2')).toBe(false);
    expect(await repository.renewBackfill('backfill-1', 'p1')).toBe(true);
    // p1 stopped: once its lease expired, one of the processes looking takes the backfill over.
    await database.pool.query(
      `UPDATE subscriptions SET lease_until = now() - interval '1 second' WHERE id = $1`,
      ['backfill-1'],
    );
    const takeovers = await Promise.all(['p2', 'p3', 'p4'].map((owner) => repository.claimBackfills(owner)));
    expect(takeovers.flat().filter((c) => c.id === 'backfill-1')).toHaveLength(1);
    const owner = ['p2', 'p3', 'p4'][takeovers.findIndex((t) => t.some((c) => c.id === 'backfill-1'))]!;
    expect(await repository.finishBackfill('backfill-1', 'p1')).toBe(false);
    expect(await repository.finishBackfill('backfill-1', owner)).toBe(true);
    expect(await repository.finishBackfill('backfill-1', owner)).toBe(false);
    // Done: delivered from now on, by whoever claims it.
    expect((await repository.claim('p5', 100)).map((c) => c.id)).toContain('backfill-1');
  });

  it('shares one feed between subscriptions of one key; each starts at the head it found', async () => {
    const first = await repository.create(subscription('share-a'), 'feed-share');
    await append(first, 's1');
    const second = await repository.create(subscription('share-b'), 'feed-share');
    expect(second.feedId).toBe(first.feedId);
    expect(second.cursor).toBe(first.cursor + 1);
    await append(first, 's2');
    expect(await keysAfter(first)).toEqual(['s1', 's2']);
    expect(await keysAfter(second)).toEqual(['s2']);
    expect(await repository.pendingCount(first)).toBe(2);
    expect(await repository.pendingCount(second)).toBe(1);
    // A Kafka batch brought again: nothing more.
    expect(await append(first, 's2')).toBe(0);
    expect(await keysAfter(first)).toEqual(['s1', 's2']);
  });

  it('commits positions in order: an append waits for one holding the feed, so no cursor passes a late commit', async () => {
    const s = await repository.create(subscription('order-1'), 'feed-order');
    const slow = await database.pool.connect();
    try {
      await slow.query('BEGIN');
      await slow.query(
        `INSERT INTO subscription_events (entry_key, event_hash, event, namespaces, capturer_gcps)
         VALUES ('late-a', 'late-a', '{"eventID":"late-a"}', '{}', '{}')`,
      );
      // A matcher takes the next position first and commits last.
      await slow.query('UPDATE subscription_feeds SET head = head + 1 WHERE id = $1', [s.feedId]);
      await slow.query(
        `INSERT INTO subscription_feed_entries (feed_id, position, entry_key, record_time)
         VALUES ($1, $2, 'late-a', now())`,
        [s.feedId, s.cursor + 1],
      );
      const later = append(s, 'late-b');
      await new Promise((resolve) => setTimeout(resolve, 300));
      // Nothing visible yet: a cursor moved now could not pass late-a.
      expect(await keysAfter(s)).toEqual([]);
      await slow.query('COMMIT');
      expect(await later).toBe(1);
    } finally {
      slow.release();
    }
    expect(await keysAfter(s)).toEqual(['late-a', 'late-b']);
  });

  it('keeps one copy of an event for every feed, and cleans up what every subscription acknowledged', async () => {
    const a = await repository.create(subscription('clean-a'), 'feed-clean-1');
    const b = await repository.create(subscription('clean-b'), 'feed-clean-2');
    const c = await repository.create(subscription('clean-c'), 'feed-clean-2');
    await repository.append(
      [copy('shared')],
      [a, b].map((s) => ({ feedId: s.feedId, entries: [{ entryKey: 'shared', recordTime: new Date() }] })),
    );
    const count = async (sql: string) => Number((await database.pool.query(sql)).rows[0].n);
    const copies = () => count(`SELECT count(*) AS n FROM subscription_events WHERE entry_key = 'shared'`);
    const entries = () =>
      count(`SELECT count(*) AS n FROM subscription_feed_entries WHERE entry_key = 'shared'`);
    expect(await copies()).toBe(1);
    expect(await entries()).toBe(2);
    const claimed = (await repository.claim('owner', 50)).filter((s) =>
      ['clean-a', 'clean-b', 'clean-c'].includes(s.id),
    );
    expect(claimed.map((s) => s.id).sort()).toEqual(['clean-a', 'clean-b', 'clean-c']);
    const at = async (s: Subscription) => (await repository.read(s.feedId, s.cursor, 10))[0]!.position;
    // a and b acknowledged together; c (b's feed) not yet.
    expect(
      (
        await repository.acknowledge('owner', [
          { id: 'clean-a', cursor: await at(a) },
          { id: 'clean-b', cursor: await at(b) },
        ])
      ).sort(),
    ).toEqual(['clean-a', 'clean-b']);
    await repository.removeDelivered();
    expect(await entries()).toBe(1);
    expect(await copies()).toBe(1);
    expect(await repository.acknowledge('owner', [{ id: 'clean-c', cursor: await at(c) }])).toEqual([
      'clean-c',
    ]);
    await repository.removeDelivered();
    expect(await entries()).toBe(0);
    expect(await copies()).toBe(0);
    // A cursor never moves back.
    await repository.claim('owner', 50);
    await repository.acknowledge('owner', [{ id: 'clean-c', cursor: 0 }]);
    expect((await repository.find(c.party, c.queryName, 'clean-c'))!.cursor).toBeGreaterThan(0);
    // Feeds nobody reads go.
    await repository.delete('clean-a');
    await repository.removeDelivered();
    expect(await count(`SELECT count(*) AS n FROM subscription_feeds WHERE key = 'feed-clean-1'`)).toBe(0);
  });

  it('records failures (the newest 20), backs off, and only the lease holder changes the subscription', async () => {
    const s = await repository.create(subscription('fail-1'), 'feed-fail');
    await append(s, 'f1');
    for (let i = 0; i < 22; i++) {
      await database.pool.query(`UPDATE subscriptions SET next_attempt_at = now() WHERE id = 'fail-1'`);
      const [claimed] = (await repository.claim('p1', 50)).filter((c) => c.id === 'fail-1');
      await repository.fail(claimed!.id, 'p1', { status: 500, error: `attempt ${i}`, events: 1 }, 60);
    }
    const failures = await repository.failures('fail-1');
    expect(failures).toHaveLength(20);
    expect(failures[0]!.error).toBe('attempt 21');
    // Not due for a minute: nobody claims it.
    expect((await repository.claim('p2', 50)).map((c) => c.id)).not.toContain('fail-1');
    // Someone without the lease cannot acknowledge.
    expect(await repository.acknowledge('p2', [{ id: 'fail-1', cursor: s.cursor + 1 }])).toEqual([]);
    expect(await repository.pendingCount(s)).toBe(1);
  });
});
