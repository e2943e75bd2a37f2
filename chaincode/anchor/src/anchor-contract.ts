import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { AnchorError, decide, HeadRecord, paddedTreeSize, parseSubmission, parseTreeSize } from './head';

/** Composite-key object type of the head records: one key per tree size, zero-padded so key order is size order. */
export const HEAD_OBJECT_TYPE = 'head';
/** Plain key holding a copy of the newest head; every anchor reads and writes it, so competing heads conflict. */
export const CURRENT_HEAD_KEY = 'currentHead';
/** Name of the chaincode event emitted once per newly anchored head; its payload is the head record as JSON. */
export const HEAD_ANCHORED_EVENT = 'HeadAnchored';

/**
 * The ledger side of Pedigree's Merkle log: it accepts a head only if it extends the current head, and keeps every
 * head so that anyone can read the root of any anchored tree size from the ledger itself.
 * All results are JSON strings. Errors are AnchorErrors: their message starts with a stable code (`NOT_EXTENDING: …`).
 */
@Info({ title: 'Pedigree anchor', description: 'Heads of the append-only Merkle log of Pedigree events' })
export class AnchorContract extends Contract {
  constructor() {
    super('anchor');
  }

  /**
   * Anchors the head (treeSize, rootHash) that extends (previousTreeSize, previousRootHash). The first head extends
   * size 0 with an empty root. Resubmitting an anchored head returns its record unchanged (no new event).
   */
  @Transaction()
  @Returns('string')
  async anchor(
    ctx: Context,
    treeSize: string,
    rootHash: string,
    previousTreeSize: string,
    previousRootHash: string,
  ): Promise<string> {
    const submission = parseSubmission(treeSize, rootHash, previousTreeSize, previousRootHash);
    const existing = await readHead(ctx, headKey(ctx, submission.treeSize));
    const current = await readHead(ctx, CURRENT_HEAD_KEY);
    const decision = decide(submission, existing, current);
    if (decision.kind === 'already-anchored') return JSON.stringify(decision.record);

    const record: HeadRecord = {
      ...submission,
      txId: ctx.stub.getTxID(),
      anchoredAt: ctx.stub.getDateTimestamp().toISOString(),
      submitterMspId: ctx.clientIdentity.getMSPID(),
    };
    const payload = Buffer.from(JSON.stringify(record));
    await ctx.stub.putState(headKey(ctx, record.treeSize), payload);
    await ctx.stub.putState(CURRENT_HEAD_KEY, payload);
    ctx.stub.setEvent(HEAD_ANCHORED_EVENT, payload);
    return JSON.stringify(record);
  }

  /** The newest head as JSON, or `null` while nothing has been anchored. */
  @Transaction(false)
  @Returns('string')
  async currentHead(ctx: Context): Promise<string> {
    return JSON.stringify((await readHead(ctx, CURRENT_HEAD_KEY)) ?? null);
  }

  /** The head anchored for exactly this tree size; a HEAD_NOT_FOUND error naming the size when there is none. */
  @Transaction(false)
  @Returns('string')
  async headBySize(ctx: Context, treeSize: string): Promise<string> {
    const size = parseTreeSize(treeSize, 'treeSize');
    const record = await readHead(ctx, headKey(ctx, size));
    if (!record) throw new AnchorError('HEAD_NOT_FOUND', `no head with tree size ${size} is anchored`);
    return JSON.stringify(record);
  }

  /** Every anchored head, oldest first, as a JSON array. */
  @Transaction(false)
  @Returns('string')
  async history(ctx: Context): Promise<string> {
    const heads: HeadRecord[] = [];
    for await (const entry of ctx.stub.getStateByPartialCompositeKey(HEAD_OBJECT_TYPE, [])) {
      heads.push(parseRecord(entry.value));
    }
    return JSON.stringify(heads);
  }
}

function headKey(ctx: Context, treeSize: number): string {
  return ctx.stub.createCompositeKey(HEAD_OBJECT_TYPE, [paddedTreeSize(treeSize)]);
}

async function readHead(ctx: Context, key: string): Promise<HeadRecord | undefined> {
  const bytes = await ctx.stub.getState(key);
  return bytes && bytes.length > 0 ? parseRecord(bytes) : undefined;
}

function parseRecord(bytes: Uint8Array): HeadRecord {
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as HeadRecord;
}
