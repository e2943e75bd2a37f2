import { execFile } from 'node:child_process';
import path from 'node:path';
import { migrateServiceDatabase } from '@pedigree/database';
import {
  createTestDatabase,
  kafkaBrokers,
  REPO_ROOT,
  startServiceProcess,
  waitForStatus,
  type RunningService,
} from '@pedigree/testing';
import { eventually, RecallStack } from '../../services/recall/test/harness';

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `pedigree demo load` against serialization, cold-chain and recall services on their own databases and topics. */
describe('pedigree demo load (real Kafka and PostgreSQL, serialization, cold-chain and recall services)', () => {
  const stack = new RecallStack();
  let coldChain: RunningService;
  beforeAll(async () => {
    await stack.start();
    const database = await createTestDatabase('cold_chain');
    await migrateServiceDatabase('cold-chain', database);
    coldChain = await startServiceProcess('cold-chain', {
      KAFKA_BROKERS: kafkaBrokers().join(','),
      KAFKA_TOPIC_PREFIX: stack.topicPrefix,
      DATABASE_URL: database,
      ...stack.issuer.env,
    });
    await waitForStatus(coldChain, '/health/ready');
  });
  afterAll(async () => {
    await coldChain?.stop();
    await stack.stop();
  });

  const load = (packs: number): Promise<CliRun> =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        [
          path.join(REPO_ROOT, 'tools/pedigree/bin/pedigree.js'),
          'demo',
          'load',
          '--packs',
          String(packs),
          '--serialization',
          stack.serialization.baseUrl,
          '--recall',
          stack.recalls[0]!.baseUrl,
          '--cold-chain',
          coldChain.baseUrl,
          '--key-dir',
          stack.issuer.keyDir,
          '--timeout',
          '800',
        ],
        { env: { PATH: process.env.PATH ?? '' }, maxBuffer: 16 * 1024 * 1024 },
        (error, stdout, stderr) =>
          resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  const count = async (sql: string) => Number((await stack.recallDb.query<{ n: string }>(sql)).rows[0]!.n);

  it('loads the story and a recall under way through the public APIs, and loading again stores nothing twice', async () => {
    // Two loads of ~5,000 events each through capture, Kafka and both projections, on a machine other tests share.
    const first = await load(3000);
    expect(first.stderr).not.toMatch(/Error/);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Recall of lot AMX2602 issued: \S+, two pharmacies responded/);
    expect(first.stdout).toMatch(/sent 145 readings of 1 loggers/);
    expect(first.stdout).toMatch(/excursion \S+: critical, packs quarantined/);
    const announced = Number(/; (\d+) events by 9 parties/.exec(first.stdout)?.[1]);
    // The recall projection holds the story's events (the loader waited for one lot only) and, beside them, the
    // cold-chain service's quarantine of the warm pallet's packs (bizStep holding), which leaves through its outbox
    // after the excursion is stored.
    await eventually(
      () => count("SELECT count(*) AS n FROM events WHERE biz_step IS DISTINCT FROM 'holding'"),
      (n) => n === announced,
      `the story's ${announced} events in the recall projection`,
    );
    await eventually(
      () => count("SELECT count(*) AS n FROM events WHERE biz_step = 'holding'"),
      (n) => n === 1,
      'the quarantine of the warm pallet’s packs in the recall projection',
    );
    const events = await count('SELECT count(*) AS n FROM events');

    const regulator = await stack.token('regulator', ['regulator']);
    const distribution = (
      await stack.call('GET', '/lots/10614141073464/AMX2602/distribution', regulator)
    ).json();
    expect(distribution.commissioned).toBe(1000);
    const totals = distribution.holders.reduce((t: Record<string, number>, h: Record<string, number>) => {
      for (const key of ['inStock', 'dispensed', 'destroyed']) t[key] = (t[key] ?? 0) + h[key]!;
      return t;
    }, {});
    // Of each case of 50, the packs numbered 3, 10, …, 45 are dispensed (7); the last two of each pharmacy's first case
    // are destroyed: the lot's 20 cases went to three pharmacies, each of which got this lot first.
    expect(totals).toMatchObject({ dispensed: 7 * 20, destroyed: 3 * 2 });
    expect(totals.inStock + totals.dispensed + totals.destroyed).toBe(1000);

    // The demo's recall, and the candidate the warm truck's critical excursion opened (its packs had moved on).
    const { recalls } = (await stack.call('GET', '/recalls', regulator)).json();
    const issued = recalls.find((r: { status: string }) => r.status === 'issued');
    expect(issued).toMatchObject({ lots: ['AMX2602'] });
    expect(recalls.filter((r: { status: string }) => r.status === 'candidate')).toEqual([
      expect.objectContaining({ lots: ['INS2601'], excursionId: expect.any(String) }),
    ]);
    expect(recalls).toHaveLength(2);
    const effectiveness = (await stack.call('GET', `/recalls/${issued.id}/effectiveness`, regulator)).json();
    expect(effectiveness.responded).toBe(2);

    const again = await load(3000);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/Recall of lot AMX2602 already loaded/);
    const excursions = (await (
      await fetch(`${coldChain.baseUrl}/excursions`, { headers: { authorization: `Bearer ${regulator}` } })
    ).json()) as { excursions: unknown[] };
    expect(excursions.excursions).toHaveLength(1);
    expect(await count('SELECT count(*) AS n FROM events')).toBe(events);
    expect((await stack.call('GET', '/recalls', regulator)).json().recalls).toHaveLength(2);
  }, 900_000);

  it('says clearly when the platform is not there', async () => {
    const run = await new Promise<CliRun>((resolve) =>
      execFile(
        process.execPath,
        [
          path.join(REPO_ROOT, 'tools/pedigree/bin/pedigree.js'),
          'demo',
          'load',
          '--serialization',
          'http://127.0.0.1:9',
        ],
        { env: { PATH: process.env.PATH ?? '' } },
        (error, stdout, stderr) =>
          resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      ),
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/cannot reach http:\/\/127\.0\.0\.1:9\/capture .*is the platform up/);
  });
});
