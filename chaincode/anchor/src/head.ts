/**
 * The heads of Pedigree's append-only Merkle log as the ledger keeps them, and the rule that decides whether a
 * submitted head may follow the current one. Plain functions: no ledger access here.
 */

/** A head as submitted: the new tree and the head it claims to extend (size 0 and an empty root for the first). */
export interface HeadSubmission {
  treeSize: number;
  rootHash: string;
  previousTreeSize: number;
  previousRootHash: string;
}

/** A head as recorded on the ledger, with the transaction that anchored it. */
export interface HeadRecord extends HeadSubmission {
  txId: string;
  /** Timestamp of the anchoring transaction (set by the submitting client, checked by the peers), ISO 8601 UTC. */
  anchoredAt: string;
  /** MSP id of the organisation whose client submitted the head. */
  submitterMspId: string;
}

/**
 * The stable codes of the chaincode's errors. Clients decide on the code, never on the wording (which may change):
 * libs/fabric's `decodeAnchorError` reads them, and this chaincode's unit tests check that it does.
 */
export type AnchorErrorCode =
  /** An argument is malformed (not a decimal size, not a SHA-256 root, a size that does not grow…). */
  | 'MALFORMED_ARGUMENT'
  /** The ledger holds another root for this tree size. */
  | 'CONFLICTING_ROOT'
  /** The ledger holds this head, but extending another predecessor. */
  | 'CONFLICTING_PREVIOUS'
  /** The head does not extend the ledger's current head. */
  | 'NOT_EXTENDING'
  /** No head of the asked tree size is anchored. */
  | 'HEAD_NOT_FOUND';

/**
 * An error of the anchor chaincode. Its message is `CODE: explanation` (the code first, then a colon and a space):
 * the peer passes only the message to clients, so the code travels as its stable prefix.
 */
export class AnchorError extends Error {
  override readonly name = 'AnchorError';

  constructor(
    readonly code: AnchorErrorCode,
    readonly explanation: string,
  ) {
    super(`${code}: ${explanation}`);
  }
}

/** The outcome of checking a submission against what the ledger already holds. */
export type HeadDecision = { kind: 'append' } | { kind: 'already-anchored'; record: HeadRecord };

const DECIMAL = /^(0|[1-9][0-9]*)$/;
const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

/** Sizes in ledger keys are zero-padded to this many digits so that key order is size order (2^53 - 1 has 16). */
export const TREE_SIZE_DIGITS = 16;

export function parseTreeSize(value: string, field: string): number {
  if (!DECIMAL.test(value))
    throw new AnchorError(
      'MALFORMED_ARGUMENT',
      `${field} must be a non-negative decimal integer, got "${value}"`,
    );
  const size = Number(value);
  if (!Number.isSafeInteger(size))
    throw new AnchorError(
      'MALFORMED_ARGUMENT',
      `${field} ${value} is larger than ${Number.MAX_SAFE_INTEGER}`,
    );
  return size;
}

/** A SHA-256 root in lowercase hex; upper-case hex is accepted and normalised. */
export function parseRootHash(value: string, field: string): string {
  if (!SHA256_HEX.test(value))
    throw new AnchorError(
      'MALFORMED_ARGUMENT',
      `${field} must be a SHA-256 hash in hex (64 digits), got "${value}"`,
    );
  return value.toLowerCase();
}

/** Parses and checks the arguments of an anchor transaction on their own, before the ledger is read. */
export function parseSubmission(
  treeSize: string,
  rootHash: string,
  previousTreeSize: string,
  previousRootHash: string,
): HeadSubmission {
  const submission: HeadSubmission = {
    treeSize: parseTreeSize(treeSize, 'treeSize'),
    rootHash: parseRootHash(rootHash, 'rootHash'),
    previousTreeSize: parseTreeSize(previousTreeSize, 'previousTreeSize'),
    previousRootHash: '',
  };
  if (submission.previousTreeSize === 0) {
    if (previousRootHash !== '') {
      throw new AnchorError(
        'MALFORMED_ARGUMENT',
        'the first head (previousTreeSize 0) must have an empty previousRootHash',
      );
    }
  } else {
    submission.previousRootHash = parseRootHash(previousRootHash, 'previousRootHash');
  }
  if (submission.treeSize <= submission.previousTreeSize) {
    throw new AnchorError(
      'MALFORMED_ARGUMENT',
      `treeSize ${submission.treeSize} must be larger than previousTreeSize ${submission.previousTreeSize}`,
    );
  }
  return submission;
}

/**
 * Decides what to do with a submission given the head already recorded for its size (if any) and the current head
 * (if any): append it, answer with the existing record (identical resubmission), or reject it.
 */
export function decide(
  submission: HeadSubmission,
  existingAtSize: HeadRecord | undefined,
  current: HeadRecord | undefined,
): HeadDecision {
  if (existingAtSize) {
    if (existingAtSize.rootHash !== submission.rootHash) {
      throw new AnchorError(
        'CONFLICTING_ROOT',
        `conflicting root for tree size ${submission.treeSize}: the ledger holds ${existingAtSize.rootHash}, ` +
          `the submission has ${submission.rootHash}`,
      );
    }
    if (
      existingAtSize.previousTreeSize !== submission.previousTreeSize ||
      existingAtSize.previousRootHash !== submission.previousRootHash
    ) {
      throw new AnchorError(
        'CONFLICTING_PREVIOUS',
        `head ${submission.treeSize} is already anchored extending ${describe(existingAtSize.previousTreeSize, existingAtSize.previousRootHash)}, ` +
          `not ${describe(submission.previousTreeSize, submission.previousRootHash)}`,
      );
    }
    return { kind: 'already-anchored', record: existingAtSize };
  }
  const currentSize = current?.treeSize ?? 0;
  const currentRoot = current?.rootHash ?? '';
  if (submission.previousTreeSize !== currentSize || submission.previousRootHash !== currentRoot) {
    throw new AnchorError(
      'NOT_EXTENDING',
      `head ${submission.treeSize} does not extend the current head: it claims to follow ` +
        `${describe(submission.previousTreeSize, submission.previousRootHash)}, the current head is ${describe(currentSize, currentRoot)}`,
    );
  }
  return { kind: 'append' };
}

function describe(treeSize: number, rootHash: string): string {
  return treeSize === 0 ? 'the empty log (size 0)' : `size ${treeSize} with root ${rootHash}`;
}

export function paddedTreeSize(treeSize: number): string {
  return String(treeSize).padStart(TREE_SIZE_DIGITS, '0');
}
