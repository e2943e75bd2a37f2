import { createHash } from 'node:crypto';
import { decodeAnchorError, type AnchorErrorCode } from '@pedigree/fabric';
import { AnchorContract, CURRENT_HEAD_KEY, HEAD_ANCHORED_EVENT } from './anchor-contract';
import { AnchorError, type HeadRecord } from './head';
import { FakeLedger } from './testing/fake-ledger';

const root = (label: string): string => createHash('sha256').update(label).digest('hex');
const MANUFACTURER = 'ManufacturerMSP';

/**
 * The error a call rejects with, checked as clients see it: an AnchorError whose message libs/fabric's
 * decodeAnchorError reads back into the same code and explanation.
 */
async function rejection(call: Promise<unknown>, code: AnchorErrorCode): Promise<string> {
  const error = await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(AnchorError);
  expect(error).toMatchObject({ code });
  const decoded = decodeAnchorError(new Error(`chaincode response 500, ${(error as Error).message}`));
  expect(decoded).toMatchObject({ code, explanation: (error as AnchorError).explanation });
  return (error as AnchorError).explanation;
}

describe('AnchorContract', () => {
  let ledger: FakeLedger;
  const contract = new AnchorContract();

  const anchor = (
    treeSize: number,
    rootHash: string,
    previousTreeSize: number,
    previousRootHash: string,
    at?: Date,
  ) =>
    ledger.submit(
      MANUFACTURER,
      async (ctx) =>
        JSON.parse(
          await contract.anchor(ctx, String(treeSize), rootHash, String(previousTreeSize), previousRootHash),
        ) as HeadRecord,
      at,
    );
  const current = () =>
    ledger.evaluate(async (ctx) => JSON.parse(await contract.currentHead(ctx)) as HeadRecord | null);
  const bySize = (size: string) =>
    ledger.evaluate(async (ctx) => JSON.parse(await contract.headBySize(ctx, size)) as HeadRecord);
  const history = () =>
    ledger.evaluate(async (ctx) => JSON.parse(await contract.history(ctx)) as HeadRecord[]);

  beforeEach(() => {
    ledger = new FakeLedger();
  });

  it('answers null for the current head and an empty history before the first anchor', async () => {
    await expect(current()).resolves.toBeNull();
    await expect(history()).resolves.toEqual([]);
    await expect(rejection(bySize('1'), 'HEAD_NOT_FOUND')).resolves.toBe(
      'no head with tree size 1 is anchored',
    );
  });

  it('anchors the first head and records the transaction id, its time and the submitting organisation', async () => {
    const at = new Date('2026-03-01T10:00:00.123Z');
    const record = await anchor(4, root('a'), 0, '', at);
    expect(record).toEqual({
      treeSize: 4,
      rootHash: root('a'),
      previousTreeSize: 0,
      previousRootHash: '',
      txId: 'tx1',
      anchoredAt: '2026-03-01T10:00:00.123Z',
      submitterMspId: MANUFACTURER,
    });
    await expect(current()).resolves.toEqual(record);
    await expect(bySize('4')).resolves.toEqual(record);
  });

  it('emits one HeadAnchored event per new head, with the record as JSON payload', async () => {
    const first = await anchor(2, root('a'), 0, '');
    const second = await anchor(5, root('b'), 2, root('a'));
    expect(ledger.events).toEqual([
      { txId: 'tx1', name: HEAD_ANCHORED_EVENT, payload: JSON.stringify(first) },
      { txId: 'tx2', name: HEAD_ANCHORED_EVENT, payload: JSON.stringify(second) },
    ]);
  });

  it('accepts a chain of extending heads and returns them in size order, also past a digit boundary', async () => {
    const sizes = [1, 9, 10, 99, 100, 12345];
    let previous = { size: 0, root: '' };
    for (const size of sizes) {
      await anchor(size, root(`r${size}`), previous.size, previous.root);
      previous = { size, root: root(`r${size}`) };
    }
    const heads = await history();
    expect(heads.map((head) => head.treeSize)).toEqual(sizes);
    expect(heads.map((head) => head.previousTreeSize)).toEqual([0, ...sizes.slice(0, -1)]);
    await expect(current()).resolves.toMatchObject({ treeSize: 12345, rootHash: root('r12345') });
    await expect(bySize('99')).resolves.toMatchObject({
      treeSize: 99,
      rootHash: root('r99'),
      previousTreeSize: 10,
    });
  });

  it('keys each head by its zero-padded size under the head object type, and keeps the current head apart', async () => {
    await anchor(7, root('a'), 0, '');
    expect([...ledger.state.keys()].sort()).toEqual(
      ['\u0000head\u00000000000000000007\u0000', CURRENT_HEAD_KEY].sort(),
    );
  });

  it('returns the existing record for an identical resubmission, without a new event or write', async () => {
    const first = await anchor(3, root('a'), 0, '');
    await anchor(6, root('b'), 3, root('a'));
    const stateBefore = new Map(ledger.state);
    const again = await anchor(3, root('a'), 0, '', new Date('2030-01-01T00:00:00Z'));
    expect(again).toEqual(first);
    expect(ledger.events).toHaveLength(2);
    expect(ledger.state).toEqual(stateBefore);
    await expect(current()).resolves.toMatchObject({ treeSize: 6 });
  });

  it('treats an upper-case root as the same hash as its lower-case form', async () => {
    const first = await anchor(3, root('a'), 0, '');
    await expect(anchor(3, root('a').toUpperCase(), 0, '')).resolves.toEqual(first);
  });

  it('rejects a different root for an anchored size, naming both roots', async () => {
    await anchor(3, root('a'), 0, '');
    await expect(rejection(anchor(3, root('evil'), 0, ''), 'CONFLICTING_ROOT')).resolves.toBe(
      `conflicting root for tree size 3: the ledger holds ${root('a')}, the submission has ${root('evil')}`,
    );
    await expect(bySize('3')).resolves.toMatchObject({ rootHash: root('a') });
  });

  it('rejects the same head claimed to extend a different predecessor', async () => {
    await anchor(3, root('a'), 0, '');
    await anchor(5, root('b'), 3, root('a'));
    await expect(rejection(anchor(5, root('b'), 0, ''), 'CONFLICTING_PREVIOUS')).resolves.toContain(
      'head 5 is already anchored extending size 3',
    );
  });

  it('rejects a head that does not extend the current head and leaves the ledger unchanged', async () => {
    await anchor(3, root('a'), 0, '');
    const stateBefore = new Map(ledger.state);
    await expect(rejection(anchor(8, root('c'), 2, root('x')), 'NOT_EXTENDING')).resolves.toBe(
      `head 8 does not extend the current head: it claims to follow size 2 with root ${root('x')}, ` +
        `the current head is size 3 with root ${root('a')}`,
    );
    await rejection(anchor(8, root('c'), 3, root('wrong')), 'NOT_EXTENDING');
    await expect(rejection(anchor(8, root('c'), 0, ''), 'NOT_EXTENDING')).resolves.toContain(
      'the current head is size 3',
    );
    expect(ledger.state).toEqual(stateBefore);
    expect(ledger.events).toHaveLength(1);
  });

  it('rejects a second first head and a head that skips back below the current size', async () => {
    await anchor(3, root('a'), 0, '');
    await anchor(6, root('b'), 3, root('a'));
    await rejection(anchor(4, root('c'), 0, ''), 'NOT_EXTENDING');
    await expect(rejection(anchor(5, root('c'), 3, root('a')), 'NOT_EXTENDING')).resolves.toContain(
      'the current head is size 6',
    );
  });

  it('rejects a first head that does not start from the empty log', async () => {
    await expect(rejection(anchor(3, root('a'), 1, root('z')), 'NOT_EXTENDING')).resolves.toContain(
      `it claims to follow size 1 with root ${root('z')}, the current head is the empty log (size 0)`,
    );
    expect(ledger.state.size).toBe(0);
  });

  it.each([
    [
      'a tree size that does not grow',
      ['3', root('a'), '3', root('b')],
      'treeSize 3 must be larger than previousTreeSize 3',
    ],
    ['a tree size of zero', ['0', root('a'), '0', ''], 'treeSize 0 must be larger than previousTreeSize 0'],
    [
      'a negative size',
      ['-1', root('a'), '0', ''],
      'treeSize must be a non-negative decimal integer, got "-1"',
    ],
    [
      'a size with a leading zero',
      ['07', root('a'), '0', ''],
      'treeSize must be a non-negative decimal integer',
    ],
    ['a fractional size', ['2.5', root('a'), '0', ''], 'treeSize must be a non-negative decimal integer'],
    ['an unsafe integer size', ['9007199254740993', root('a'), '0', ''], 'larger than 9007199254740991'],
    [
      'a short root',
      ['1', 'abcd', '0', ''],
      'rootHash must be a SHA-256 hash in hex (64 digits), got "abcd"',
    ],
    ['a non-hex root', ['1', 'g'.repeat(64), '0', ''], 'rootHash must be a SHA-256 hash in hex'],
    [
      'a first head with a previous root',
      ['1', root('a'), '0', root('b')],
      'must have an empty previousRootHash',
    ],
    ['a missing previous root', ['2', root('a'), '1', ''], 'previousRootHash must be a SHA-256 hash in hex'],
  ])('rejects %s', async (_label, args, message) => {
    const [treeSize, rootHash, previousTreeSize, previousRootHash] = args as [string, string, string, string];
    await expect(
      rejection(
        ledger.submit(MANUFACTURER, (ctx) =>
          contract.anchor(ctx, treeSize, rootHash, previousTreeSize, previousRootHash),
        ),
        'MALFORMED_ARGUMENT',
      ),
    ).resolves.toContain(message);
    expect(ledger.state.size).toBe(0);
  });

  it('rejects a malformed size in headBySize', async () => {
    await expect(rejection(bySize('x'), 'MALFORMED_ARGUMENT')).resolves.toBe(
      'treeSize must be a non-negative decimal integer, got "x"',
    );
  });
});
