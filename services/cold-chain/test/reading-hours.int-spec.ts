import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Pool } from 'pg';
import { migrateServiceDatabase } from '@pedigree/database';
import { summariseHour, type Reading } from '@pedigree/temperature';
import { createTestDatabase, dropTestDatabase } from '@pedigree/testing';
import { IngestStore, emptyIngestBatch } from '../src/store/ingest-store';
import { HOUR_COLUMNS, hourSummaryOf, type HourSummaryRow } from '../src/store/reading-hours';

const T0 = Date.UTC(2026, 10, 2, 10, 0);
const LOGGER = 'urn:epc:id:giai:0614141.H1';

describe('hourly summaries of readings on PostgreSQL', () => {
  let url: string;
  let pool: Pool;

  beforeAll(async () => {
    url = await createTestDatabase('cold_chain_hours');
    await migrateServiceDatabase('cold-chain', url);
    pool = new Pool({ connectionString: url, max: 4 });
  });

  afterAll(async () => {
    await pool.end();
    await dropTestDatabase(url);
  });

  it('are those of the stored readings after in-order, late, duplicate and concurrent batches, and of the backfill', async () => {
    // Five hours of readings 50 s apart, with a summary reading's extremes now and then.
    const readings: Reading[] = Array.from({ length: 360 }, (_, i) => ({
      time: T0 + i * 50_000,
      celsius: 5 + Math.sin(i / 7) * 4,
      ...(i % 11 === 0 ? { minCelsius: 1, maxCelsius: 9.5 } : {}),
    }));
    const store = new IngestStore(pool, 3660);
    const write = (part: readonly Reading[]) => {
      const batch = emptyIngestBatch();
      batch.readings = part.map((r) => ({
        loggerId: LOGGER,
        time: new Date(r.time),
        celsius: r.celsius,
        minCelsius: r.minCelsius ?? null,
        maxCelsius: r.maxCelsius ?? null,
        uom: 'CEL',
      }));
      return store.write(batch);
    };
    // In order in batches; then every fifth reading held back arrives late; duplicates; two batches at once.
    const held = readings.filter((_, i) => i % 5 === 2);
    const first = readings.filter((_, i) => i % 5 !== 2);
    for (let i = 0; i < 200; i += 40) await write(first.slice(i, i + 40));
    await Promise.all([write(first.slice(200)), write(held.slice(0, 30))]);
    await write(held.slice(20));
    await write(readings.slice(100, 200));

    await expectSummariesOf(readings);
    // The backfill of migration 0004 gives the same summaries from the stored readings.
    const migration = readFileSync(path.join(__dirname, '../drizzle/0004_reading_hours.sql'), 'utf8');
    await pool.query(`DELETE FROM reading_hours`);
    await pool.query(migration.split('--> statement-breakpoint')[1]!);
    await expectSummariesOf(readings);
  });

  async function expectSummariesOf(readings: readonly Reading[]): Promise<void> {
    const { rows } = await pool.query<HourSummaryRow & { hour: Date }>(
      `SELECT hour, ${HOUR_COLUMNS} FROM reading_hours WHERE logger_id = $1 ORDER BY hour`,
      [LOGGER],
    );
    const hours = new Map<number, Reading[]>();
    for (const r of readings) {
      const hour = Math.floor(r.time / 3_600_000) * 3_600_000;
      hours.set(hour, [...(hours.get(hour) ?? []), r]);
    }
    expect(rows.map((row) => row.hour.getTime())).toEqual([...hours.keys()]);
    for (const row of rows) {
      const expected = summariseHour(hours.get(row.hour.getTime())!);
      const actual = hourSummaryOf(row);
      expect({ ...actual, block: { ...actual.block, celsiusMs: 0, arrheniusMs: 0 } }).toEqual({
        ...expected,
        last: { minCelsius: null, maxCelsius: null, ...expected.last },
        block: { ...expected.block, celsiusMs: 0, arrheniusMs: 0 },
      });
      expect(actual.block!.celsiusMs).toBeCloseTo(expected.block!.celsiusMs, 3);
      expect(actual.block!.arrheniusMs / expected.block!.arrheniusMs).toBeCloseTo(1, 12);
    }
  }
});
