import { createHash } from 'node:crypto';
import { hashLeaf, MerkleLog } from '@pedigree/merkle';
import type { AnchorReceipt, HeadStore } from '../../src/log/ports';

/** A head store under test, with what the contract needs around the port. */
export interface HeadStoreUnderTest {
  store: HeadStore;
  /** Appends leaves logging these entries (64 hex digits each), as the log consumer does. */
  append(entries: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

const receipt = (transactionId: string): AnchorReceipt => ({
  channel: 'pedigree',
  chaincode: 'anchor',
  transactionId,
  blockNumber: 7,
  anchoredAt: '2026-11-25T12:00:00.000Z',
});

/**
 * The behaviour every HeadStore must have, run on the in-memory store (unit) and on LogRepository in PostgreSQL
 * (integration), so that the fake the anchorer's unit tests use behaves as the real store does. Each run opens a
 * store of its own: the log is one sequence.
 */
export function headStoreContract(name: string, open: () => Promise<HeadStoreUnderTest>): void {
  describe(`${name} (HeadStore contract)`, () => {
    let sut: HeadStoreUnderTest;
    let store: HeadStore;
    /** The same log kept independently: its roots are what the store's heads must carry (RFC 9162). */
    const reference = new MerkleLog();
    let next = 0;
    const entries = (count: number) =>
      Array.from({ length: count }, () => createHash('sha256').update(`entry ${next++}`).digest('hex'));
    async function append(count: number): Promise<void> {
      const batch = entries(count);
      for (const entry of batch) reference.appendLeafHash(hashLeaf(entry));
      await sut.append(batch);
    }

    beforeAll(async () => {
      sut = await open();
      store = sut.store;
    });
    afterAll(() => sut.close());

    it('starts empty: no head, nothing anchored, nothing to cut', async () => {
      expect(await store.pendingHead()).toBeUndefined();
      expect(await store.rejectedHead()).toBeUndefined();
      expect(await store.anchoredSize()).toBe(0);
      expect((await store.unheadedLeaves()).count).toBe(0);
      expect(await store.cutHead()).toBeUndefined();
      expect(await store.unpublishedHeads()).toEqual([]);
    });

    it('cuts a pending head over every leaf appended, with the root of exactly those leaves', async () => {
      await append(3);
      const unheaded = await store.unheadedLeaves();
      expect(unheaded.count).toBe(3);
      expect(unheaded.oldestAppendedAt).toBeInstanceOf(Date);
      const head = await store.cutHead();
      expect(head).toEqual({
        treeSize: 3,
        rootHash: reference.root(3),
        previousTreeSize: 0,
        previousRootHash: null,
      });
      expect(await store.pendingHead()).toEqual(head);
      expect((await store.unheadedLeaves()).count).toBe(0);
      expect(await store.cutHead()).toBeUndefined();
    });

    it('records the anchor of the pending head, and lists it until its notice is published', async () => {
      const head = (await store.pendingHead())!;
      await store.markAnchored(head, receipt('tx-1'));
      expect(await store.pendingHead()).toBeUndefined();
      expect(await store.anchoredSize()).toBe(3);
      expect(await store.unpublishedHeads()).toEqual([{ ...head, ...receipt('tx-1') }]);
      await store.markPublished(3);
      expect(await store.unpublishedHeads()).toEqual([]);
    });

    it('chains the next head to the one before it', async () => {
      await append(4);
      const head = await store.cutHead();
      expect(head).toEqual({
        treeSize: 7,
        rootHash: reference.root(7),
        previousTreeSize: 3,
        previousRootHash: reference.root(3),
      });
    });

    it('keeps a rejected head with its reason, and it is no longer pending', async () => {
      const head = (await store.pendingHead())!;
      await store.markRejected(head, 'the ledger holds another history');
      expect(await store.pendingHead()).toBeUndefined();
      expect(await store.rejectedHead()).toEqual({ ...head, rejection: 'the ledger holds another history' });
      expect(await store.anchoredSize()).toBe(3);
    });
  });
}
