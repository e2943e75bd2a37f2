import type { Contract, Network } from '@hyperledger/fabric-gateway';
import { blockOfTransaction } from './gateway';

/** The transaction functions of the anchor chaincode (chaincode/anchor). */
export const ANCHOR_FUNCTIONS = {
  anchor: 'anchor',
  currentHead: 'currentHead',
  headBySize: 'headBySize',
  history: 'history',
} as const;

/** A head as the anchor chaincode records it. */
export interface AnchorHeadRecord {
  treeSize: number;
  /** SHA-256 root, lowercase hex. */
  rootHash: string;
  previousTreeSize: number;
  /** Empty for the first head (previous tree size 0). */
  previousRootHash: string;
  /** The transaction that anchored the head. */
  txId: string;
  /** That transaction's time, ISO 8601 UTC. */
  anchoredAt: string;
  submitterMspId: string;
}

/** A head to anchor: the new tree and the head it extends (size 0 and no root for the first). */
export interface AnchorSubmission {
  treeSize: number;
  rootHash: string;
  previousTreeSize: number;
  previousRootHash: string | null;
}

/** A committed anchor: the record (the earlier one for an identical resubmission) and the block that holds it. */
export interface AnchorCommitted {
  record: AnchorHeadRecord;
  blockNumber: number;
}

/**
 * The stable error codes of the anchor chaincode. The chaincode's error message is `CODE: explanation`; the peer
 * hands clients only that message (inside its own wording), so the code travels as the message's prefix and clients
 * decide on it, never on the explanation's wording.
 */
export const ANCHOR_ERROR_CODES = [
  'MALFORMED_ARGUMENT',
  'CONFLICTING_ROOT',
  'CONFLICTING_PREVIOUS',
  'NOT_EXTENDING',
  'HEAD_NOT_FOUND',
] as const;
export type AnchorErrorCode = (typeof ANCHOR_ERROR_CODES)[number];

/** The codes that refuse a submitted head for good: resubmitting the same head cannot succeed. */
const REFUSING: ReadonlySet<AnchorErrorCode> = new Set([
  'MALFORMED_ARGUMENT',
  'CONFLICTING_ROOT',
  'CONFLICTING_PREVIOUS',
  'NOT_EXTENDING',
]);

/** An error the anchor chaincode itself returned (as opposed to the network, the peer or the orderer failing). */
export class AnchorChaincodeError extends Error {
  override readonly name = 'AnchorChaincodeError';

  constructor(
    readonly code: AnchorErrorCode,
    readonly explanation: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${explanation}`, options);
  }

  /** Whether the submitted head is refused for good (the ledger holds another history, or the head is malformed). */
  get refusesHead(): boolean {
    return REFUSING.has(this.code);
  }
}

const CODED = new RegExp(`\\b(${ANCHOR_ERROR_CODES.join('|')}): (.*)$`, 's');

/**
 * The messages of anchor chaincode deployed before it had codes. A channel's chaincode is upgraded through the
 * lifecycle (every organisation approves) on its own schedule, so clients understand both until every channel runs
 * a coded version; this list is then deleted.
 */
const UNCODED: ReadonlyArray<readonly [RegExp, AnchorErrorCode]> = [
  [/conflicting root for tree size \d+/, 'CONFLICTING_ROOT'],
  [/head \d+ is already anchored extending /, 'CONFLICTING_PREVIOUS'],
  [/head \d+ does not extend the current head/, 'NOT_EXTENDING'],
  [/no head with tree size \d+ is anchored/, 'HEAD_NOT_FOUND'],
];

/** The anchor chaincode's error carried by a Gateway error (endorse, evaluate, submit), or undefined if none is. */
export function decodeAnchorError(error: unknown): AnchorChaincodeError | undefined {
  if (error instanceof AnchorChaincodeError) return error;
  const messages = gatewayMessages(error);
  for (const message of messages) {
    const coded = CODED.exec(message);
    if (coded)
      return new AnchorChaincodeError(coded[1] as AnchorErrorCode, coded[2]!.trim(), { cause: error });
  }
  for (const message of messages) {
    for (const [pattern, code] of UNCODED) {
      const found = pattern.exec(message);
      if (found) return new AnchorChaincodeError(code, message.slice(found.index).trim(), { cause: error });
    }
  }
  return undefined;
}

/** The message of a Gateway error and of each of its per-peer details (where the chaincode's message is). */
function gatewayMessages(error: unknown): string[] {
  if (!(error instanceof Error)) return [];
  const details = (error as { details?: unknown }).details;
  const detailMessages = Array.isArray(details)
    ? details
        .map((detail: unknown) => (detail as { message?: unknown }).message)
        .filter((message): message is string => typeof message === 'string')
    : [];
  return [...detailMessages, error.message];
}

const decoder = new TextDecoder();

/**
 * The anchor chaincode on one channel, typed: its functions, records and errors. Chaincode errors are thrown as
 * AnchorChaincodeError (decided on by code); anything else (peer unreachable, deadline, MVCC conflict) as it came.
 */
export class AnchorClient {
  private readonly contract: Contract;

  constructor(
    private readonly network: Network,
    readonly chaincode: string,
  ) {
    this.contract = network.getContract(chaincode);
  }

  get channel(): string {
    return this.network.getName();
  }

  /** Submits the head and waits for its commit; an identical resubmission answers with the earlier record. */
  async anchor(head: AnchorSubmission): Promise<AnchorCommitted> {
    const submitted = await this.decoded(() =>
      this.contract.submitAsync(ANCHOR_FUNCTIONS.anchor, {
        arguments: [
          String(head.treeSize),
          head.rootHash,
          String(head.previousTreeSize),
          head.previousRootHash ?? '',
        ],
      }),
    );
    const status = await submitted.getStatus();
    if (!status.successful) {
      throw new Error(
        `anchor transaction ${status.transactionId} was not committed (validation code ${status.code})`,
      );
    }
    const record = parse<AnchorHeadRecord>(submitted.getResult());
    // An identical resubmission commits a transaction that only returns the earlier record: find that one's block.
    const blockNumber =
      record.txId === status.transactionId
        ? Number(status.blockNumber)
        : await blockOfTransaction(this.network, record.txId);
    return { record, blockNumber };
  }

  /** The newest anchored head, or null before the first. */
  async currentHead(deadlineMs?: number): Promise<AnchorHeadRecord | null> {
    const proposal = this.contract.newProposal(ANCHOR_FUNCTIONS.currentHead);
    const bytes = await this.decoded(() =>
      proposal.evaluate(deadlineMs === undefined ? {} : { deadline: Date.now() + deadlineMs }),
    );
    return parse<AnchorHeadRecord | null>(bytes);
  }

  /** The head anchored for exactly this tree size, or undefined when there is none. */
  async headBySize(treeSize: number): Promise<AnchorHeadRecord | undefined> {
    try {
      return parse<AnchorHeadRecord>(
        await this.decoded(() =>
          this.contract.evaluateTransaction(ANCHOR_FUNCTIONS.headBySize, String(treeSize)),
        ),
      );
    } catch (error) {
      if (error instanceof AnchorChaincodeError && error.code === 'HEAD_NOT_FOUND') return undefined;
      throw error;
    }
  }

  /** Every anchored head, oldest first. */
  async history(): Promise<AnchorHeadRecord[]> {
    return parse<AnchorHeadRecord[]>(
      await this.decoded(() => this.contract.evaluateTransaction(ANCHOR_FUNCTIONS.history)),
    );
  }

  private async decoded<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw decodeAnchorError(error) ?? error;
    }
  }
}

function parse<T>(bytes: Uint8Array): T {
  return JSON.parse(decoder.decode(bytes)) as T;
}
