import { Pool } from 'pg';
import { migrateServiceDatabase } from '@pedigree/database';
import { createTestDatabase, dropTestDatabase } from '@pedigree/testing';
import { IngestStore, emptyIngestBatch } from '../src/store/ingest-store';
import { ReadingsRetention } from '../src/store/readings-partitions';

const NOW = Date.UTC(2026, 11, 4, 1, 30); // 2026-12-04T01:30Z

describe('readings retention on PostgreSQL', () => {
  let url: string;
  let pools: Pool[];

  beforeAll(async () => {
    url = await createTestDatabase('cold_chain_retention');
    await migrateServiceDatabase('cold-chain', url);
    pools = [new Pool({ connectionString: url, max: 2 }), new Pool({ connectionString: url, max: 2 })];
  });

  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.end()));
    await dropTestDatabase(url);
  });

  const partitions = async () =>
    (
      await pools[0]!.query<{ name: string }>(
        `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = 'readings'::regclass ORDER BY 1`,
      )
    ).rows.map((row) => row.name);

  it('drops the months past the retention, keeps the rest, creates months ahead; two replicas at once do not conflict', async () => {
    // Readings of four months, stored as the consumer stores them (it creates their partitions).
    const store = new IngestStore(pools[0]!, 3660);
    const batch = emptyIngestBatch();
    for (const month of [7, 8, 9, 11])
      for (let minute = 0; minute < 3; minute++)
        batch.readings.push({
          loggerId: 'urn:epc:id:giai:0614141.L1',
          time: new Date(Date.UTC(2026, month, 15, 12, minute)),
          celsius: 5,
          minCelsius: null,
          maxCelsius: null,
          uom: 'CEL',
        });
    await store.write(batch);
    expect(await partitions()).toEqual([
      'readings_p202608',
      'readings_p202609',
      'readings_p202610',
      'readings_p202612',
    ]);
    expect(
      Number(
        (await pools[0]!.query(`SELECT count(*) AS n FROM reading_hours WHERE hour < '2026-10-01'`)).rows[0]
          .n,
      ),
    ).toBe(2);

    // 60 days kept on 2026-12-04: October 5 and later. August and September are past (by more than the day's grace).
    const replicas = pools.map((pool) => new ReadingsRetention(pool, { retentionDays: 60, monthsAhead: 2 }));
    const results = await Promise.all(replicas.map((replica) => replica.run(NOW)));

    expect(await partitions()).toEqual([
      'readings_p202610',
      'readings_p202612',
      'readings_p202701',
      'readings_p202702',
    ]);
    // One replica did the work, the other (waiting on the lock) found nothing left to do.
    expect(results.flatMap((r) => r.dropped).sort()).toEqual(['readings_p202608', 'readings_p202609']);
    expect(results.flatMap((r) => r.created).sort()).toEqual(['readings_p202701', 'readings_p202702']);
    expect(results.some((r) => r.dropped.length === 0 && r.created.length === 0)).toBe(true);
    const { rows } = await pools[0]!.query<{ month: string; n: string }>(
      `SELECT to_char(time AT TIME ZONE 'UTC', 'YYYY-MM') AS month, count(*) AS n FROM readings GROUP BY 1 ORDER BY 1`,
    );
    expect(rows.map((r) => [r.month, Number(r.n)])).toEqual([
      ['2026-10', 3],
      ['2026-12', 3],
    ]);
    expect(
      Number(
        (await pools[0]!.query(`SELECT count(*) AS n FROM reading_hours WHERE hour < '2026-10-01'`)).rows[0]
          .n,
      ),
    ).toBe(0);

    // Run again: nothing to do; readings older than the retention are not stored by the consumer.
    expect(await replicas[0]!.run(NOW)).toEqual({ created: [], dropped: [] });
    const late = emptyIngestBatch();
    late.readings.push({ ...batch.readings[0]!, time: new Date(Date.UTC(2016, 0, 1)) });
    await new IngestStore(pools[1]!, 60).write(late);
    expect(await partitions()).not.toContain('readings_p201601');
  });
});
