import type {
  ConsistencyProofAnswer as ConsistencyProofAnswerContract,
  InclusionProofBundle,
} from '@pedigree/contracts';
import type { AnchorHeadRecord } from '@pedigree/fabric';
import { hashLeaf, verifyConsistency, verifyInclusion } from '@pedigree/merkle';

/** A head as the anchor chaincode keeps it on the ledger. */
export type LedgerHead = AnchorHeadRecord;

export interface LedgerReader {
  readonly channel: string;
  readonly chaincode: string;
  headBySize(treeSize: number): Promise<LedgerHead | undefined>;
  /** The block holding a transaction, or undefined when the peer does not know it. */
  blockOfTransaction(transactionId: string): Promise<number | undefined>;
}

/** What GET /proofs/{eventHash} answers (the contract); a saved bundle is the same object with its format marker. */
export type { InclusionProofBundle };

export const BUNDLE_FORMAT = 'pedigree-proof-bundle/1';

/** What the verifier needs of a GET /consistency answer. */
export type ConsistencyProofAnswer = Pick<
  ConsistencyProofAnswerContract,
  'firstSize' | 'secondSize' | 'firstRoot' | 'secondRoot' | 'path'
>;

export type Verdict = { ok: true; lines: string[] } | { ok: false; failures: string[] };

const HASH_ID = /^(?:ni:\/\/\/sha-256;)?([0-9a-fA-F]{64})(?:\?ver=CBV2\.0)?$/;

/** The logged entry (SHA-256, lowercase hex) an event hash names, or undefined when it names none. */
export function entryOf(eventHash: string): string | undefined {
  return HASH_ID.exec(eventHash)?.[1]?.toLowerCase();
}

/**
 * Checks an inclusion proof against the ledger, trusting neither the service nor the bundle: the leaf hash is
 * recomputed from the event (or the hash asked for), the audit path must lead to the root the ledger holds for that
 * tree size, and the anchor the proof names must be the ledger's.
 */
export async function verifyInclusionProof(
  claimedEventHash: string,
  proof: InclusionProofBundle,
  ledger: LedgerReader,
): Promise<Verdict> {
  const failures: string[] = [];
  const entry = entryOf(claimedEventHash);
  if (!entry) return { ok: false, failures: [`"${claimedEventHash}" is not an event hash`] };
  if (entryOf(proof.eventHash) !== entry) {
    failures.push(`the proof is for event hash ${proof.eventHash}, not for ${claimedEventHash}`);
  }
  if (proof.anchor.channel !== ledger.channel || proof.anchor.chaincode !== ledger.chaincode) {
    failures.push(
      `the proof names channel ${proof.anchor.channel}, chaincode ${proof.anchor.chaincode}; ` +
        `the ledger read is channel ${ledger.channel}, chaincode ${ledger.chaincode}`,
    );
  }
  const head = await ledger.headBySize(proof.treeSize);
  if (!head) {
    failures.push(`the ledger has no head of tree size ${proof.treeSize}`);
    return { ok: false, failures };
  }
  const inclusion = verifyInclusion({
    leafIndex: proof.leafIndex,
    treeSize: proof.treeSize,
    leafHash: hashLeaf(entry),
    path: proof.auditPath,
    root: head.rootHash,
  });
  if (!inclusion.ok) {
    failures.push(
      `audit path (${inclusion.reason}): ${inclusion.message} as the ledger holds it (${head.rootHash})`,
    );
  }
  if (proof.rootHash !== head.rootHash) {
    failures.push(
      `the proof claims root ${proof.rootHash} for tree size ${proof.treeSize}; the ledger holds ${head.rootHash}`,
    );
  }
  if (proof.anchor.transactionId !== head.txId) {
    failures.push(
      `the proof names transaction ${proof.anchor.transactionId}; the ledger's head was anchored by ${head.txId}`,
    );
  }
  const block = await ledger.blockOfTransaction(head.txId);
  if (block !== undefined && block !== proof.anchor.blockNumber) {
    failures.push(
      `the proof names block ${proof.anchor.blockNumber}; transaction ${head.txId} is in block ${block}`,
    );
  }
  if (failures.length > 0) return { ok: false, failures };
  return {
    ok: true,
    lines: [
      `VERIFIED ${proof.eventHash}`,
      `  leaf ${proof.leafIndex} of the log's first ${proof.treeSize} leaves, root ${head.rootHash}`,
      `  anchored on channel ${ledger.channel}, chaincode ${ledger.chaincode}: transaction ${head.txId}` +
        `${block === undefined ? '' : `, block ${block}`}, at ${head.anchoredAt} by ${head.submitterMspId}`,
    ],
  };
}

/** Checks that the larger anchored head extends the smaller, with both roots read from the ledger. */
export async function verifyConsistencyProof(
  answer: ConsistencyProofAnswer,
  ledger: LedgerReader,
): Promise<Verdict> {
  const [first, second] = await Promise.all([
    ledger.headBySize(answer.firstSize),
    ledger.headBySize(answer.secondSize),
  ]);
  const failures: string[] = [];
  if (!first) failures.push(`the ledger has no head of tree size ${answer.firstSize}`);
  if (!second) failures.push(`the ledger has no head of tree size ${answer.secondSize}`);
  if (!first || !second) return { ok: false, failures };
  const result = verifyConsistency({
    firstSize: answer.firstSize,
    secondSize: answer.secondSize,
    firstRoot: first.rootHash,
    secondRoot: second.rootHash,
    path: answer.path,
  });
  if (!result.ok)
    failures.push(`consistency path (${result.reason}): ${result.message} as the ledger holds them`);
  if (answer.firstRoot !== first.rootHash)
    failures.push(`the service's root for size ${answer.firstSize} differs from the ledger's`);
  if (answer.secondRoot !== second.rootHash)
    failures.push(`the service's root for size ${answer.secondSize} differs from the ledger's`);
  if (failures.length > 0) return { ok: false, failures };
  return {
    ok: true,
    lines: [
      `VERIFIED the log of ${answer.secondSize} leaves extends the log of ${answer.firstSize} leaves`,
      `  size ${answer.firstSize}: root ${first.rootHash}, transaction ${first.txId} at ${first.anchoredAt}`,
      `  size ${answer.secondSize}: root ${second.rootHash}, transaction ${second.txId} at ${second.anchoredAt}`,
    ],
  };
}
