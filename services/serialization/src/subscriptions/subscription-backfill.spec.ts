import { createLogger } from '@pedigree/observability';
import { SubscriptionBackfill, type ProjectionProgress, type StoredPage } from './subscription-backfill';
import type { EventCopy, FeedAppend, Subscription, SubscriptionRepository } from './subscription.repository';

const CREATED = new Date('2026-12-01T00:00:00Z');

const subscription = (id: string): Subscription => ({
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
  initialRecordTime: new Date('2026-01-01T00:00:00Z'),
  epcFormat: 'No_Preference',
  createdAt: CREATED,
  feedId: 7,
  cursor: 0,
  batchSize: 500,
  nextAttemptAt: CREATED,
  nextRunAt: null,
  failedAttempts: 0,
  lastNotifiedAt: null,
});

const stored = (key: string): EventCopy & { recordTime: Date } => ({
  eventHash: key,
  entryKey: key,
  event: { eventID: key },
  namespaces: {},
  capturerGcps: [],
  recordTime: CREATED,
});

/** The repository's backfill side in memory: who holds which backfill, what was appended, what finished. */
function fakeRepository(leases: Map<string, string>, abandoned: Subscription[] = []) {
  const appended: FeedAppend[] = [];
  const finished: string[] = [];
  const repository: Pick<
    SubscriptionRepository,
    'append' | 'claimBackfills' | 'renewBackfill' | 'finishBackfill'
  > = {
    append: (_events, feeds) => {
      appended.push(...feeds);
      return Promise.resolve(feeds.reduce((n, f) => n + f.entries.length, 0));
    },
    claimBackfills: (owner) => {
      const claimed = abandoned.splice(0);
      for (const s of claimed) leases.set(s.id, owner);
      return Promise.resolve(claimed);
    },
    renewBackfill: (id, owner) => Promise.resolve(leases.get(id) === owner),
    finishBackfill: (id, owner) => {
      if (leases.get(id) !== owner) return Promise.resolve(false);
      leases.delete(id);
      finished.push(id);
      return Promise.resolve(true);
    },
  };
  return { repository, appended, finished };
}

/** A projector that has stored everything after `after` polls. */
function projector(after: number): ProjectionProgress<string> & { asked: number } {
  return {
    asked: 0,
    mark: () => Promise.resolve('mark'),
    reached(mark) {
      expect(mark).toBe('mark');
      this.asked += 1;
      return Promise.resolve(this.asked > after);
    },
  };
}

const logger = createLogger('test', 'silent');

describe('SubscriptionBackfill', () => {
  it('reads the event store only once the projector has stored what was published, then every page, then finishes', async () => {
    const { repository, appended, finished } = fakeRepository(new Map([['s1', 'me']]));
    const progress = projector(3);
    const reads: Array<string | undefined> = [];
    const pages: Record<string, StoredPage> = {
      first: { events: [stored('a'), stored('b')], next: 'p2' },
      p2: { events: [stored('c')], next: undefined },
    };
    const backfill = new SubscriptionBackfill(
      repository,
      (_s, after) => {
        expect(progress.asked).toBe(4);
        reads.push(after);
        return Promise.resolve(pages[after ?? 'first']!);
      },
      progress,
      logger,
      { owner: 'me', waitPollMs: 1, sweepMs: 60_000 },
    );
    expect(await backfill.fill(subscription('s1'))).toBe(true);
    expect(reads).toEqual([undefined, 'p2']);
    expect(appended.map((a) => [a.feedId, a.entries.map((e) => e.entryKey)])).toEqual([
      [7, ['a', 'b']],
      [7, ['c']],
    ]);
    expect(finished).toEqual(['s1']);
    await backfill.close();
  });

  it('leaves a backfill whose lease another process holds unfinished', async () => {
    const { repository, finished } = fakeRepository(new Map([['s1', 'other']]));
    const backfill = new SubscriptionBackfill(
      repository,
      () => Promise.resolve({ events: [stored('a')], next: undefined }),
      projector(0),
      logger,
      { owner: 'me', waitPollMs: 1, sweepMs: 60_000 },
    );
    expect(await backfill.fill(subscription('s1'))).toBe(false);
    expect(finished).toEqual([]);
  });

  it('stops waiting for the projector when closed', async () => {
    const { repository, finished } = fakeRepository(new Map([['s1', 'me']]));
    const backfill = new SubscriptionBackfill(
      repository,
      () => Promise.reject(new Error('never read')),
      projector(Number.POSITIVE_INFINITY),
      logger,
      { owner: 'me', waitPollMs: 5, sweepMs: 60_000 },
    );
    const filling = backfill.fill(subscription('s1'));
    await new Promise((resolve) => setTimeout(resolve, 30));
    await backfill.close();
    expect(await filling).toBe(false);
    expect(finished).toEqual([]);
  });

  it('takes over the backfills other processes left', async () => {
    const { repository, finished } = fakeRepository(new Map(), [
      subscription('left-1'),
      subscription('left-2'),
    ]);
    const backfill = new SubscriptionBackfill(
      repository,
      () => Promise.resolve({ events: [stored('a')], next: undefined }),
      projector(0),
      logger,
      { owner: 'me', waitPollMs: 1, sweepMs: 5 },
    );
    backfill.start();
    for (let i = 0; i < 100 && finished.length < 2; i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    await backfill.close();
    expect(finished).toEqual(['left-1', 'left-2']);
  });
});
