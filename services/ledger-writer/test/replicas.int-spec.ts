import type { RunningService } from '@pedigree/testing';
import { anchoredSize, commissioning, eventually, expectCompleteLog, LedgerWriterUnderTest } from './harness';

// Two ledger-writer processes on one database, topics and chaincode (ADR 0012): one active writer elected through a
// PostgreSQL advisory lock, the other a standby that serves proofs and takes over when the active one dies.

/** A gauge of the process's GET /metrics. */
async function gauge(service: RunningService, name: string): Promise<number | undefined> {
  const text = await (await fetch(`${service.baseUrl}/metrics`)).text();
  const value = new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1];
  return value === undefined ? undefined : Number(value);
}

describe('two ledger-writer replicas', () => {
  const sut = new LedgerWriterUnderTest({
    ANCHOR_MAX_LEAVES: '100',
    ANCHOR_MAX_DELAY_MS: '300',
    WRITER_LOCK_POLL_MS: '250',
  });
  let standby: RunningService;
  beforeAll(async () => {
    await sut.start();
    await eventually(
      () => gauge(sut.service, 'pedigree_ledger_writer_active'),
      (active) => active === 1,
      'the first process to become the active writer',
    );
    standby = await sut.startReplica();
  });
  afterAll(() => sut.stop());

  it('appends and anchors through one active writer; after it is SIGKILLed mid-way the standby takes over and finishes the log', async () => {
    const token = await sut.token();
    await expect(gauge(standby, 'pedigree_ledger_writer_active')).resolves.toBe(0);
    const standbyReady = (await (await fetch(`${standby.baseUrl}/health/ready`)).json()) as {
      details: Record<string, { status: string; role?: string }>;
    };
    expect(standbyReady.details.writer).toMatchObject({ status: 'up', role: 'standby' });

    const total = 2000;
    const run = Date.now().toString(36);
    const events = Array.from({ length: total }, (_, i) => commissioning(`R${run}-${i}`).event);
    const hashes = await sut.publishEvents(events.slice(0, total / 2));
    await eventually(
      () => anchoredSize(sut),
      (n) => n >= 200,
      'the first heads anchored by the active writer',
      60000,
    );

    // Both processes serve proofs from the shared database.
    const first = await sut.db.query<{ event_hash: string }>(
      `SELECT event_hash FROM log_leaves WHERE leaf_index = 0`,
    );
    const firstProof = `/proofs/${encodeURIComponent(first.rows[0]!.event_hash)}`;
    expect((await sut.get(firstProof, token, sut.service)).status).toBe(200);
    expect((await sut.get(firstProof, token, standby)).status).toBe(200);

    await sut.service.stop('SIGKILL');
    expect(await anchoredSize(sut)).toBeLessThan(total);
    // The second half can only reach the log through the standby's consumer once it has taken over.
    hashes.push(...(await sut.publishEvents(events.slice(total / 2))));

    await eventually(
      () => gauge(standby, 'pedigree_ledger_writer_active'),
      (active) => active === 1,
      'the standby to take over',
      30000,
    );
    await eventually(
      () => anchoredSize(sut),
      (n) => n === total,
      'everything anchored by the new active writer',
      180000,
    );

    // Every leaf exactly once, no gap in leaf indexes, the ledger's head is the log's newest head.
    await expectCompleteLog(sut, hashes);
    // Every head anchored, each extending the one before it (size and root).
    const { rows } = await sut.db.query<{
      tree_size: string;
      root_hash: string;
      previous_tree_size: string;
      previous_root_hash: string | null;
      status: string;
    }>(
      `SELECT tree_size, root_hash, previous_tree_size, previous_root_hash, status FROM log_heads ORDER BY tree_size`,
    );
    expect(rows.length).toBeGreaterThan(1);
    rows.forEach((row, i) => {
      expect(row.status).toBe('anchored');
      expect(Number(row.previous_tree_size)).toBe(i === 0 ? 0 : Number(rows[i - 1]!.tree_size));
      expect(row.previous_root_hash).toBe(i === 0 ? null : rows[i - 1]!.root_hash);
    });

    const last = await sut.db.query<{ event_hash: string }>(
      `SELECT event_hash FROM log_leaves WHERE leaf_index = $1`,
      [total - 1],
    );
    const lastProof = await sut.get(
      `/proofs/${encodeURIComponent(last.rows[0]!.event_hash)}`,
      token,
      standby,
    );
    expect(lastProof.status).toBe(200);
    expect(await lastProof.json()).toMatchObject({ treeSize: total });
  });
});
