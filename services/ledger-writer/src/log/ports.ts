import type { Unheaded } from './head-policy';

/** A head of the log: the tree of the first `treeSize` leaves and the head it extends (size 0, root null first). */
export interface Head {
  treeSize: number;
  rootHash: string;
  previousTreeSize: number;
  previousRootHash: string | null;
}

/** What the ledger returned for a committed anchor transaction. */
export interface AnchorReceipt {
  channel: string;
  chaincode: string;
  transactionId: string;
  blockNumber: number;
  /** The anchoring transaction's time as recorded on the ledger (ISO 8601). */
  anchoredAt: string;
}

export interface AnchoredHead extends Head, AnchorReceipt {}

/** The log's heads in storage (PostgreSQL in the service, memory in tests). */
export interface HeadStore {
  /** The head recorded but not yet anchored (at most one exists), if any. */
  pendingHead(): Promise<Head | undefined>;
  /** A head the ledger refused, if any: anchoring stops until an operator resolves it. */
  rejectedHead(): Promise<(Head & { rejection: string }) | undefined>;
  /** The largest anchored tree size (0 before the first anchor). */
  anchoredSize(): Promise<number>;
  unheadedLeaves(): Promise<Unheaded>;
  /** Records a pending head for the whole log as it is now; undefined when no leaf was appended since the last head. */
  cutHead(): Promise<Head | undefined>;
  markAnchored(head: Head, receipt: AnchorReceipt): Promise<void>;
  markRejected(head: Head, reason: string): Promise<void>;
  /** Anchored heads whose ledger.anchors.v1 notice has not gone out yet, oldest first. */
  unpublishedHeads(): Promise<AnchoredHead[]>;
  markPublished(treeSize: number): Promise<void>;
}

/** The chaincode refused the head: it does not extend the ledger's current head, or conflicts with an anchored one. */
export class HeadRejectedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HeadRejectedError';
  }
}

/** Submits heads to the Fabric ledger. Throws HeadRejectedError when the chaincode refuses, anything else when unreachable. */
export interface AnchorLedger {
  anchor(head: Head): Promise<AnchorReceipt>;
}

export interface AnchorPublisher {
  publish(head: AnchoredHead): Promise<void>;
}

/** Commits the Kafka offsets of every message whose leaves are within the anchored size. */
export interface OffsetCommitter {
  commitThrough(anchoredSize: number): Promise<void>;
}
