/**
 * The answers of the ledger-writer's proof API (`GET /proofs/{eventHash}`, `GET /consistency`), as the service sends
 * them and the `pedigree proof` command reads them (a saved bundle of `pedigree proof export` is an inclusion proof
 * with its format marker).
 */

/** Where a head of the Merkle log was anchored on Fabric. */
export interface ProofAnchor {
  channel: string;
  chaincode: string;
  transactionId: string;
  blockNumber: number;
  anchoredAt: string;
}

/** `GET /proofs/{eventHash}`: the inclusion proof of an event's leaf in the newest anchored head. */
export interface InclusionProofBundle {
  eventHash: string;
  kind: string;
  entry: string;
  leafHash: string;
  leafIndex: number;
  treeSize: number;
  rootHash: string;
  auditPath: readonly string[];
  anchor: ProofAnchor;
}

/** An anchored head of the log, as `GET /heads` and `GET /consistency` show it. */
export interface AnchoredHeadView {
  treeSize: number;
  rootHash: string;
  previousTreeSize: number;
  /** Null for the first head of the log. */
  previousRootHash: string | null;
  anchor: ProofAnchor;
}

/** `GET /consistency?from=&to=`: the log of `secondSize` leaves extends the one of `firstSize`. */
export interface ConsistencyProofAnswer {
  firstSize: number;
  secondSize: number;
  firstRoot: string;
  secondRoot: string;
  path: readonly string[];
  first: AnchoredHeadView;
  second: AnchoredHeadView;
}
