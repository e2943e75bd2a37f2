import { HoldUntilWatermark } from '@pedigree/kafka';
import { createLogger } from '@pedigree/observability';
import { Anchorer, type NextStep } from './anchorer';
import { MemoryHeadStore } from '../../test/head-store/memory-head-store';
import {
  HeadRejectedError,
  type AnchorLedger,
  type AnchorReceipt,
  type AnchoredHead,
  type Head,
  type OffsetCommitter,
} from './ports';

/** The anchor chaincode's rules: extend the current head, identical resubmission answered with the record. */
class FakeLedger implements AnchorLedger {
  readonly records = new Map<number, Head & { txId: string }>();
  current?: Head;
  unreachableFor = 0;
  submissions = 0;

  async anchor(head: Head): Promise<AnchorReceipt> {
    this.submissions++;
    if (this.unreachableFor > 0) {
      this.unreachableFor--;
      throw new Error('14 UNAVAILABLE: No connection established');
    }
    const existing = this.records.get(head.treeSize);
    if (existing) {
      if (existing.rootHash !== head.rootHash)
        throw new HeadRejectedError(`conflicting root for tree size ${head.treeSize}`);
      return this.receipt(existing.txId);
    }
    if (
      (this.current?.treeSize ?? 0) !== head.previousTreeSize ||
      (this.current?.rootHash ?? null) !== head.previousRootHash
    ) {
      throw new HeadRejectedError(`head ${head.treeSize} does not extend the current head`);
    }
    const txId = `tx${this.records.size + 1}`;
    this.records.set(head.treeSize, { ...head, txId });
    this.current = head;
    return this.receipt(txId);
  }

  private receipt(transactionId: string): AnchorReceipt {
    return {
      channel: 'pedigree',
      chaincode: 'anchor',
      transactionId,
      blockNumber: 7,
      anchoredAt: '2026-05-01T12:00:00.000Z',
    };
  }
}

class RecordingCommitter implements OffsetCommitter {
  readonly tracker = new HoldUntilWatermark();
  readonly committed: string[] = [];
  async commitThrough(anchoredSize: number) {
    for (const o of this.tracker.release(anchoredSize))
      this.committed.push(`${o.topic}/${o.partition}@${o.offset}`);
  }
}

describe('Anchorer', () => {
  let now: Date;
  let store: MemoryHeadStore;
  let ledger: FakeLedger;
  let published: AnchoredHead[];
  let offsets: RecordingCommitter;
  let anchorer: Anchorer;
  const logger = createLogger('test', 'silent');

  beforeEach(() => {
    now = new Date('2026-05-01T12:00:00.000Z');
    store = new MemoryHeadStore();
    ledger = new FakeLedger();
    published = [];
    offsets = new RecordingCommitter();
    anchorer = new Anchorer(
      store,
      ledger,
      { publish: async (head) => void published.push(head) },
      offsets,
      { maxLeaves: 10, maxDelayMs: 1000 },
      { initialMs: 100, maxMs: 1000 },
      logger,
      { now: () => now },
    );
  });

  const later = (ms: number) => (now = new Date(now.getTime() + ms));
  /** One step, with the notices and offsets it leaves to the background done. */
  const step = async (): Promise<NextStep> => {
    const next = await anchorer.step();
    await anchorer.settled();
    return next;
  };

  it('waits for appends while the log is empty', async () => {
    await expect(step()).resolves.toEqual({ wait: 'until-woken' });
    expect(ledger.submissions).toBe(0);
  });

  it('cuts a head by size, anchors it, publishes it and only then releases the offsets it covers', async () => {
    store.append(10, now);
    offsets.tracker.afterBatch({ topic: 'events', partition: 0, offset: '10' }, 10);
    await expect(step()).resolves.toEqual({ wait: 0 });
    expect(store.heads).toMatchObject([
      {
        treeSize: 10,
        rootHash: store.log.root(10),
        previousTreeSize: 0,
        previousRootHash: null,
        status: 'anchored',
      },
    ]);
    expect(ledger.current).toMatchObject({ treeSize: 10, rootHash: store.log.root(10) });
    expect(published).toMatchObject([{ treeSize: 10, transactionId: 'tx1', channel: 'pedigree' }]);
    expect(offsets.committed).toEqual(['events/0@10']);
  });

  it('cuts by time: a few leaves wait until the oldest is maxDelayMs old', async () => {
    store.append(3, now);
    offsets.tracker.afterBatch({ topic: 'events', partition: 1, offset: '3' }, 3);
    await expect(step()).resolves.toEqual({ wait: 1000 });
    later(400);
    await expect(step()).resolves.toEqual({ wait: 600 });
    expect(offsets.committed).toEqual([]);
    later(600);
    await expect(step()).resolves.toEqual({ wait: 0 });
    expect(store.heads.map((h) => [h.treeSize, h.status])).toEqual([[3, 'anchored']]);
    expect(offsets.committed).toEqual(['events/1@3']);
  });

  it('chains heads: each extends the previous one with its size and root', async () => {
    store.append(10, now);
    await step();
    store.append(15, now);
    await step();
    expect(store.heads.map((h) => [h.treeSize, h.previousTreeSize, h.previousRootHash])).toEqual([
      [10, 0, null],
      [25, 10, store.log.root(10)],
    ]);
    expect([...ledger.records.keys()]).toEqual([10, 25]);
  });

  it('re-anchors a head recorded before a crash first, without cutting another one', async () => {
    store.append(12, now);
    await store.cutHead(); // recorded, then the process died before Fabric answered
    store.append(5, now);
    await step();
    expect(store.heads.map((h) => [h.treeSize, h.status])).toEqual([[12, 'anchored']]);
    later(1000);
    await step();
    expect(store.heads.map((h) => [h.treeSize, h.status])).toEqual([
      [12, 'anchored'],
      [17, 'anchored'],
    ]);
  });

  it('records an already-anchored head (crash after commit, before recording) with the original transaction', async () => {
    store.append(10, now);
    const head = (await store.cutHead())!;
    await ledger.anchor(head);
    await step();
    expect(store.heads[0]).toMatchObject({ status: 'anchored', receipt: { transactionId: 'tx1' } });
    expect(ledger.records.size).toBe(1);
  });

  it('retries with exponential backoff while Fabric is unreachable, keeps offsets back, and resumes', async () => {
    store.append(10, now);
    offsets.tracker.afterBatch({ topic: 'events', partition: 0, offset: '10' }, 10);
    ledger.unreachableFor = 5;
    const waits: NextStep[] = [];
    for (let i = 0; i < 5; i++) waits.push(await step());
    expect(waits).toEqual([{ wait: 100 }, { wait: 200 }, { wait: 400 }, { wait: 800 }, { wait: 1000 }]);
    expect(anchorer.anchoringState).toMatchObject({
      status: 'fabric-down',
      attempts: 5,
      error: expect.stringContaining('UNAVAILABLE'),
    });
    expect(store.heads.map((h) => h.status)).toEqual(['pending']);
    expect(offsets.committed).toEqual([]);
    expect(published).toEqual([]);

    await expect(step()).resolves.toEqual({ wait: 0 });
    expect(anchorer.anchoringState).toEqual({ status: 'ok' });
    expect(offsets.committed).toEqual(['events/0@10']);
    store.append(10, now);
    ledger.unreachableFor = 1;
    await expect(step()).resolves.toEqual({ wait: 100 });
  });

  it('reports a head the ledger rejects and stops instead of retrying it', async () => {
    ledger.current = { treeSize: 4, rootHash: 'f'.repeat(64), previousTreeSize: 0, previousRootHash: null };
    store.append(10, now);
    offsets.tracker.afterBatch({ topic: 'events', partition: 0, offset: '10' }, 10);
    await expect(step()).resolves.toEqual({ stop: true });
    expect(anchorer.anchoringState).toMatchObject({
      status: 'rejected',
      head: { treeSize: 10 },
      reason: 'head 10 does not extend the current head',
    });
    expect(store.heads.map((h) => [h.treeSize, h.status, h.rejection])).toEqual([
      [10, 'rejected', 'head 10 does not extend the current head'],
    ]);
    expect(offsets.committed).toEqual([]);

    const submissions = ledger.submissions;
    await expect(step()).resolves.toEqual({ stop: true });
    expect(ledger.submissions).toBe(submissions);
  });

  it('publishes a notice that failed to go out on a later step', async () => {
    let failures = 1;
    anchorer = new Anchorer(
      store,
      ledger,
      {
        publish: async (head) => {
          if (failures-- > 0) throw new Error('kafka down');
          published.push(head);
        },
      },
      offsets,
      { maxLeaves: 1, maxDelayMs: 1000 },
      { initialMs: 100, maxMs: 1000 },
      logger,
      { now: () => now },
    );
    store.append(1, now);
    await step();
    expect(published).toEqual([]);
    await step();
    expect(published.map((h) => h.treeSize)).toEqual([1]);
  });

  it('submits the next head while the notice of the one before is still going out; notices keep their order', async () => {
    let release!: () => void;
    const notices: number[] = [];
    const slowKafka = new Promise<void>((resolve) => (release = resolve));
    anchorer = new Anchorer(
      store,
      ledger,
      {
        publish: async (head) => {
          await slowKafka;
          notices.push(head.treeSize);
        },
      },
      offsets,
      { maxLeaves: 10, maxDelayMs: 1000 },
      { initialMs: 100, maxMs: 1000 },
      logger,
      { now: () => now },
    );
    store.append(10, now);
    offsets.tracker.afterBatch({ topic: 'events', partition: 0, offset: '10' }, 10);
    await anchorer.step();
    store.append(10, now);
    await anchorer.step();
    expect([...ledger.records.keys()]).toEqual([10, 20]);
    expect(notices).toEqual([]);
    release();
    await anchorer.settled();
    expect(notices).toEqual([10, 20]);
    expect(offsets.committed).toEqual(['events/0@10']);
  });

  it('runs on its own: woken by appends, stopped cleanly', async () => {
    anchorer.start();
    store.append(10, now);
    anchorer.wake();
    const deadline = Date.now() + 2000;
    while (store.heads[0]?.status !== 'anchored' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 5));
    await anchorer.stop();
    expect(store.heads.map((h) => [h.treeSize, h.status])).toEqual([[10, 'anchored']]);
  });
});
