import { createHash } from 'node:crypto';
import { hashLeaf, MerkleLog } from '@pedigree/merkle';
import type { Unheaded } from '../../src/log/head-policy';
import type { AnchorReceipt, AnchoredHead, Head, HeadStore } from '../../src/log/ports';

/**
 * The log and its heads in memory, as LogRepository keeps them in PostgreSQL; it passes the same contract suite
 * (head-store.contract.ts), so the anchorer's unit tests on it say something about the service.
 */
export class MemoryHeadStore implements HeadStore {
  readonly log = new MerkleLog();
  readonly heads: Array<
    Head & {
      status: 'pending' | 'anchored' | 'rejected';
      receipt?: AnchorReceipt;
      rejection?: string;
      published: boolean;
    }
  > = [];
  readonly appendedAt: Date[] = [];

  /** Appends `count` leaves whose entries are the SHA-256 of `leaf <index>`. */
  append(count: number, at: Date): void {
    this.appendEntries(
      Array.from({ length: count }, (_, i) =>
        createHash('sha256')
          .update(`leaf ${this.log.size + i}`)
          .digest('hex'),
      ),
      at,
    );
  }

  /** Appends leaves logging these entries (64 hex digits each), as LogRepository.append does. */
  appendEntries(entries: readonly string[], at: Date): void {
    for (const entry of entries) {
      this.log.appendLeafHash(hashLeaf(entry));
      this.appendedAt.push(at);
    }
  }

  private last() {
    return this.heads[this.heads.length - 1];
  }

  async pendingHead(): Promise<Head | undefined> {
    const head = this.heads.find((h) => h.status === 'pending');
    return head ? headOf(head) : undefined;
  }
  async rejectedHead() {
    const head = this.heads.find((h) => h.status === 'rejected');
    return head ? { ...headOf(head), rejection: head.rejection ?? '' } : undefined;
  }
  async anchoredSize() {
    return Math.max(0, ...this.heads.filter((h) => h.status === 'anchored').map((h) => h.treeSize));
  }
  async unheadedLeaves(): Promise<Unheaded> {
    const headed = this.last()?.treeSize ?? 0;
    return { count: this.log.size - headed, oldestAppendedAt: this.appendedAt[headed] };
  }
  async cutHead() {
    const previous = this.last();
    if (this.log.size <= (previous?.treeSize ?? 0)) return undefined;
    const head = {
      treeSize: this.log.size,
      rootHash: this.log.root(),
      previousTreeSize: previous?.treeSize ?? 0,
      previousRootHash: previous?.rootHash ?? null,
    };
    this.heads.push({ ...head, status: 'pending', published: false });
    return head;
  }
  async markAnchored(head: Head, receipt: AnchorReceipt) {
    Object.assign(
      this.heads.find((h) => h.treeSize === head.treeSize)!,
      { status: 'anchored', receipt },
    );
  }
  async markRejected(head: Head, reason: string) {
    Object.assign(
      this.heads.find((h) => h.treeSize === head.treeSize)!,
      { status: 'rejected', rejection: reason },
    );
  }
  async unpublishedHeads(): Promise<AnchoredHead[]> {
    return this.heads
      .filter((h) => h.status === 'anchored' && !h.published)
      .map((h) => ({ ...headOf(h), ...h.receipt! }));
  }
  async markPublished(treeSize: number) {
    this.heads.find((h) => h.treeSize === treeSize)!.published = true;
  }
}

/** The head as the port describes it, without the fake's own bookkeeping. */
function headOf({ treeSize, rootHash, previousTreeSize, previousRootHash }: Head): Head {
  return { treeSize, rootHash, previousTreeSize, previousRootHash };
}
