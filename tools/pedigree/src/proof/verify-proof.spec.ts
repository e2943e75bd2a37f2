import { createHash } from 'node:crypto';
import { MerkleLog } from '@pedigree/merkle';
import {
  verifyConsistencyProof,
  verifyInclusionProof,
  type InclusionProofBundle,
  type LedgerHead,
  type LedgerReader,
} from './verify-proof';

const digest = (label: string) => createHash('sha256').update(label).digest('hex');
const hashId = (hex: string) => `ni:///sha-256;${hex}?ver=CBV2.0`;

class FakeLedger implements LedgerReader {
  readonly channel = 'pedigree';
  readonly chaincode = 'anchor';
  readonly heads = new Map<number, LedgerHead>();
  blocks = new Map<string, number>();
  async headBySize(treeSize: number) {
    return this.heads.get(treeSize);
  }
  async blockOfTransaction(transactionId: string) {
    return this.blocks.get(transactionId);
  }
}

describe('verifyInclusionProof / verifyConsistencyProof', () => {
  const log = new MerkleLog();
  const entries = Array.from({ length: 11 }, (_, i) => digest(`event ${i}`));
  for (const entry of entries) log.append(Buffer.from(entry, 'hex'));
  let ledger: FakeLedger;

  const head = (size: number, txId: string): LedgerHead => ({
    treeSize: size,
    rootHash: log.root(size),
    previousTreeSize: 0,
    previousRootHash: '',
    txId,
    anchoredAt: '2026-05-01T12:00:00.000Z',
    submitterMspId: 'ManufacturerMSP',
  });
  const bundle = (index: number, size = 11): InclusionProofBundle => ({
    eventHash: hashId(entries[index]!),
    kind: 'epcis-event',
    entry: entries[index]!,
    leafHash: '',
    leafIndex: index,
    treeSize: size,
    rootHash: log.root(size),
    auditPath: [...log.inclusionProof(index, size).path],
    anchor: {
      channel: 'pedigree',
      chaincode: 'anchor',
      transactionId: `tx${size}`,
      blockNumber: 40 + size,
      anchoredAt: '',
    },
  });

  beforeEach(() => {
    ledger = new FakeLedger();
    ledger.heads.set(5, head(5, 'tx5'));
    ledger.heads.set(11, head(11, 'tx11'));
    ledger.blocks = new Map([
      ['tx5', 45],
      ['tx11', 51],
    ]);
  });

  it('verifies a leaf against the root the ledger holds, naming the anchor', async () => {
    const verdict = await verifyInclusionProof(hashId(entries[7]!), bundle(7), ledger);
    expect(verdict).toEqual({
      ok: true,
      lines: [
        `VERIFIED ${hashId(entries[7]!)}`,
        `  leaf 7 of the log's first 11 leaves, root ${log.root(11)}`,
        '  anchored on channel pedigree, chaincode anchor: transaction tx11, block 51, at 2026-05-01T12:00:00.000Z by ManufacturerMSP',
      ],
    });
  });

  it('accepts the event hash as bare hex too', async () => {
    await expect(verifyInclusionProof(entries[2]!, bundle(2, 5), ledger)).resolves.toMatchObject({
      ok: true,
    });
  });

  it('fails a proof for another event, recomputing the leaf from the event asked about', async () => {
    const verdict = await verifyInclusionProof(hashId(digest('modified')), bundle(3), ledger);
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.failures).toEqual([
      `the proof is for event hash ${hashId(entries[3]!)}, not for ${hashId(digest('modified'))}`,
      `audit path (ROOT_MISMATCH): leaf 3 with this path does not lead to the root of the tree of size 11 as the ledger holds it (${log.root(11)})`,
    ]);
  });

  it('fails when the ledger holds another root for the size (the service rewrote its log)', async () => {
    ledger.heads.set(11, { ...head(11, 'tx11'), rootHash: digest('other root') });
    const verdict = await verifyInclusionProof(hashId(entries[0]!), bundle(0), ledger);
    expect(!verdict.ok && verdict.failures).toEqual([
      expect.stringContaining('audit path (ROOT_MISMATCH)'),
      `the proof claims root ${log.root(11)} for tree size 11; the ledger holds ${digest('other root')}`,
    ]);
  });

  it('fails when the ledger has no head of the proof’s size', async () => {
    const verdict = await verifyInclusionProof(hashId(entries[0]!), bundle(0, 8), ledger);
    expect(!verdict.ok && verdict.failures).toEqual(['the ledger has no head of tree size 8']);
  });

  it('fails a path of the wrong length, and a different anchor transaction or block', async () => {
    const short = { ...bundle(4), auditPath: bundle(4).auditPath.slice(1) };
    expect(await verifyInclusionProof(hashId(entries[4]!), short, ledger)).toMatchObject({
      ok: false,
      failures: [expect.stringMatching(/^audit path \(PATH_LENGTH\)/)],
    });
    const otherAnchor = {
      ...bundle(4),
      anchor: { ...bundle(4).anchor, transactionId: 'tx-forged', blockNumber: 3 },
    };
    expect(await verifyInclusionProof(hashId(entries[4]!), otherAnchor, ledger)).toMatchObject({
      ok: false,
      failures: [
        "the proof names transaction tx-forged; the ledger's head was anchored by tx11",
        'the proof names block 3; transaction tx11 is in block 51',
      ],
    });
  });

  it('verifies consistency with both roots from the ledger, and fails a rewritten history', async () => {
    const proof = log.consistencyProof(5, 11);
    const answer = {
      firstSize: 5,
      secondSize: 11,
      firstRoot: log.root(5),
      secondRoot: log.root(11),
      path: [...proof.path],
    };
    expect(await verifyConsistencyProof(answer, ledger)).toMatchObject({
      ok: true,
      lines: [
        'VERIFIED the log of 11 leaves extends the log of 5 leaves',
        `  size 5: root ${log.root(5)}, transaction tx5 at 2026-05-01T12:00:00.000Z`,
        `  size 11: root ${log.root(11)}, transaction tx11 at 2026-05-01T12:00:00.000Z`,
      ],
    });
    ledger.heads.set(5, { ...head(5, 'tx5'), rootHash: digest('rewritten') });
    expect(await verifyConsistencyProof(answer, ledger)).toMatchObject({
      ok: false,
      failures: [
        expect.stringMatching(/^consistency path \(FIRST_ROOT_MISMATCH\)/),
        "the service's root for size 5 differs from the ledger's",
      ],
    });
    ledger.heads.delete(11);
    expect(await verifyConsistencyProof(answer, ledger)).toEqual({
      ok: false,
      failures: ['the ledger has no head of tree size 11'],
    });
  });
});
