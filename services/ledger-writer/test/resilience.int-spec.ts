import { randomBytes } from 'node:crypto';
import { connectFabricGateway, testFabricNetwork } from '@pedigree/testing';
import { anchoredSize, commissioning, eventually, expectCompleteLog, LedgerWriterUnderTest } from './harness';

// The writer killed mid-anchor and a ledger that disagrees with the log — on the real network. The Fabric peer outage
// is in fabric-outage.serial.int-spec.ts: it stops a peer every other test uses, so it runs alone, after the others.

describe('ledger-writer killed mid-anchor', () => {
  const sut = new LedgerWriterUnderTest({ ANCHOR_MAX_LEAVES: '100', ANCHOR_MAX_DELAY_MS: '300' });
  beforeAll(() => sut.start());
  afterAll(() => sut.stop());

  it('loses no leaf, doubles none and leaves no gap after SIGKILL while a head is pending on Fabric', async () => {
    const run = Date.now().toString(36);
    const events = Array.from({ length: 3000 }, (_, i) => commissioning(`K${run}-${i}`));
    const hashes = await sut.publishEvents(events.map((e) => e.event));
    // Kill the moment a head is recorded but not yet committed on the ledger, some leaves in, before the end.
    await eventually(
      () => sut.count(`SELECT count(*) AS n FROM log_heads WHERE status = 'pending' AND tree_size > 300`),
      (n) => n > 0,
      'a pending head',
      60000,
    );
    await sut.service.stop('SIGKILL');
    expect(await anchoredSize(sut)).toBeLessThan(3000);

    await sut.start();
    await eventually(
      () => anchoredSize(sut),
      (n) => n === 3000,
      'everything anchored after the restart',
      120000,
    );
    await expectCompleteLog(sut, hashes);
    // Each anchored head extends the one before it.
    const { rows } = await sut.db.query<{ tree_size: string; previous_tree_size: string }>(
      `SELECT tree_size, previous_tree_size FROM log_heads ORDER BY tree_size`,
    );
    rows.forEach((row, i) =>
      expect(Number(row.previous_tree_size)).toBe(i === 0 ? 0 : Number(rows[i - 1]!.tree_size)),
    );
    await expect(sut.count(`SELECT count(*) AS n FROM log_heads WHERE status <> 'anchored'`)).resolves.toBe(
      0,
    );
  });
});

describe('ledger-writer facing a ledger that holds a different head', () => {
  const sut = new LedgerWriterUnderTest();
  beforeAll(() => sut.start());
  afterAll(() => sut.stop());

  it('reports the rejected head (health details, metrics, log_heads) instead of retrying it forever, and stays ready', async () => {
    // Someone else anchored a head of size 1 on this chaincode: the writer's first head cannot match it.
    const manufacturer = await connectFabricGateway(testFabricNetwork().orgs.manufacturer);
    const foreignRoot = randomBytes(32).toString('hex');
    try {
      const contract = manufacturer.gateway
        .getNetwork(testFabricNetwork().channel)
        .getContract(sut.chaincode);
      await contract.submitTransaction('anchor', '1', foreignRoot, '0', '');
    } finally {
      manufacturer.close();
    }
    await sut.publishEvents([commissioning(`C${Date.now().toString(36)}`).event]);
    const rejected = await eventually(
      async () =>
        (
          await sut.db.query<{ status: string; rejection: string | null }>(
            `SELECT status, rejection FROM log_heads`,
          )
        ).rows,
      (rows) => rows.length === 1 && rows[0]!.status === 'rejected',
      'the head rejected',
    );
    expect(rejected[0]!.rejection).toContain(
      `conflicting root for tree size 1: the ledger holds ${foreignRoot}`,
    );
    // The proofs API is served from PostgreSQL: a rejected head is reported, it does not make the writer unready.
    const readiness = await fetch(`${sut.service.baseUrl}/health/ready`);
    expect(readiness.status).toBe(200);
    const body = (await readiness.json()) as {
      status: string;
      details: Record<string, { status: string; message?: string }>;
    };
    expect(body.status).toBe('ok');
    expect(body.details.anchoring).toMatchObject({
      status: 'down',
      message: expect.stringContaining('the ledger rejected head 1'),
    });
    expect(body.details.fabric?.status).toBe('up');
    const metrics = await (await fetch(`${sut.service.baseUrl}/metrics`)).text();
    expect(metrics).toContain('pedigree_ledger_anchoring_state{state="rejected"} 1\n');
    expect(metrics).toContain('pedigree_ledger_fabric_reachable 1\n');
    expect(metrics).toContain('pedigree_ledger_unanchored_leaves 1\n');
    await expect(sut.ledgerCurrentHead()).resolves.toMatchObject({ treeSize: 1, rootHash: foreignRoot });
    // No further attempts: the head stays rejected, nothing else is recorded.
    await new Promise((r) => setTimeout(r, 1500));
    await expect(sut.count(`SELECT count(*) AS n FROM log_heads`)).resolves.toBe(1);
  });
});
