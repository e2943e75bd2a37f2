import type { Pool, PoolClient } from 'pg';
import { inTransaction } from '@pedigree/database';
import { appendToHour, HOUR_MS, summariseHour, type HourSummary, type Reading } from '@pedigree/temperature';
import { HOUR_COLUMNS, hourSummaryOf, type HourSummaryRow } from './reading-hours';
import type { AssociationFact } from '../domain/associations';
import type { AggregationFact } from '../domain/containment';
import {
  createPartitions,
  PARTITION_LOCK,
  partitionOf,
  retainedSince,
  type MonthPartition,
} from './readings-partitions';

/** A reading as stored: °C, with the unit it came in. */
export interface StoredReading {
  loggerId: string;
  time: Date;
  celsius: number;
  minCelsius: number | null;
  maxCelsius: number | null;
  uom: string;
  /** A reading of an EPCIS event: kept only when its logger is its capturer's (or nobody's yet). */
  claimedBy?: string;
}

/** Everything one consumed batch of messages adds, written in one transaction. */
export interface IngestBatch {
  readings: StoredReading[];
  associations: AssociationFact[];
  aggregations: AggregationFact[];
  items: Array<{ key: string; gtin: string; serial: string; lot: string | null }>;
  parties: Array<{ key: string; party: string }>;
  /** Loggers whose readings came from an EPCIS event: claimed for its capturer when nobody owns them yet. */
  loggerOwners: Array<{ loggerId: string; owner: string }>;
  /** Subjects to evaluate again beside those the readings' loggers and the packing reach. */
  dirtySubjects: string[];
}

export function emptyIngestBatch(): IngestBatch {
  return {
    readings: [],
    associations: [],
    aggregations: [],
    items: [],
    parties: [],
    loggerOwners: [],
    dirtySubjects: [],
  };
}

export class IngestStore {
  /** Partitions this process knows exist. */
  private readonly partitions = new Set<string>();

  constructor(
    private readonly pool: Pool,
    private readonly retentionDays: number,
  ) {}

  /** Creates the monthly partitions the readings need (in its own short transaction, before the batch's). */
  async ensurePartitions(times: readonly Date[]): Promise<void> {
    const needed = new Map<string, MonthPartition>();
    for (const time of times) {
      const partition = partitionOf(time.getTime());
      if (!this.partitions.has(partition.name)) needed.set(partition.name, partition);
    }
    if (needed.size === 0) return;
    await inTransaction(this.pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [PARTITION_LOCK]);
      await createPartitions(client, needed.values());
    });
    for (const name of needed.keys()) this.partitions.add(name);
  }

  /** Stores a batch (duplicates ignored) and marks the subjects it touches for evaluation, atomically. */
  async write(batch: IngestBatch): Promise<void> {
    // Readings older than the retention are not kept (their month may be dropped already).
    const since = retainedSince(Date.now(), this.retentionDays);
    const kept = batch.readings.filter((r) => r.time.getTime() >= since);
    await this.ensurePartitions(kept.map((r) => r.time));
    await inTransaction(this.pool, async (client) => {
      if (batch.loggerOwners.length > 0) {
        await client.query(
          `INSERT INTO loggers (logger_id, owner) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING`,
          [batch.loggerOwners.map((l) => l.loggerId), batch.loggerOwners.map((l) => l.owner)],
        );
      }
      const readings = await ownReadings(client, kept);
      if (readings.length > 0) {
        await lockHours(client, readings);
        const inserted = await insertReadings(client, readings);
        await summariseHours(client, readings, inserted === readings.length);
      }
      if (batch.associations.length > 0) {
        const a = batch.associations;
        await client.query(
          `INSERT INTO associations (logger_id, subject_key, action, from_time, to_time)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[])
           ON CONFLICT (logger_id, subject_key, action, from_time)
           DO UPDATE SET to_time = GREATEST(associations.to_time, EXCLUDED.to_time)`,
          [
            a.map((f) => f.loggerId),
            a.map((f) => f.subjectKey),
            a.map((f) => f.action),
            a.map((f) => new Date(f.from)),
            a.map((f) => (f.to === null ? null : new Date(f.to))),
          ],
        );
      }
      if (batch.aggregations.length > 0) {
        const g = batch.aggregations;
        await client.query(
          `INSERT INTO aggregations (event_hash, parent_key, child_key, action, event_time, record_time)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[])
           ON CONFLICT DO NOTHING`,
          [
            g.map((f) => f.eventHash),
            g.map((f) => f.parentKey),
            g.map((f) => f.childKey ?? ''),
            g.map((f) => f.action),
            g.map((f) => new Date(f.time)),
            g.map((f) => new Date(f.recordTime)),
          ],
        );
      }
      if (batch.items.length > 0) {
        await client.query(
          `INSERT INTO items (key, gtin, serial, lot) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
           ON CONFLICT (key) DO UPDATE SET lot = COALESCE(EXCLUDED.lot, items.lot)`,
          [
            batch.items.map((i) => i.key),
            batch.items.map((i) => i.gtin),
            batch.items.map((i) => i.serial),
            batch.items.map((i) => i.lot),
          ],
        );
      }
      if (batch.parties.length > 0) {
        await client.query(
          `INSERT INTO parties (key, party) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING`,
          [batch.parties.map((p) => p.key), batch.parties.map((p) => p.party)],
        );
      }
      await markDirty(client, {
        subjects: [...batch.dirtySubjects, ...batch.associations.map((a) => a.subjectKey)],
        loggers: [...new Set(readings.map((r) => r.loggerId))],
        packedInto: [...new Set(batch.aggregations.map((a) => a.parentKey))],
      });
    });
  }
}

/** The readings to keep: a claimed reading only when its logger belongs to the party that claims it. */
async function ownReadings(client: PoolClient, readings: StoredReading[]): Promise<StoredReading[]> {
  const claimed = [...new Set(readings.filter((r) => r.claimedBy !== undefined).map((r) => r.loggerId))];
  if (claimed.length === 0) return readings;
  const { rows } = await client.query<{ logger_id: string; owner: string }>(
    `SELECT logger_id, owner FROM loggers WHERE logger_id = ANY($1::text[])`,
    [claimed],
  );
  const owners = new Map(rows.map((row) => [row.logger_id, row.owner]));
  return readings.filter((r) => r.claimedBy === undefined || owners.get(r.loggerId) === r.claimedBy);
}

/** Inserts the readings (duplicates ignored); returns how many were new. */
async function insertReadings(client: PoolClient, readings: readonly StoredReading[]): Promise<number> {
  const { rowCount } = await client.query(
    // Times as epoch milliseconds: cheaper to send and parse than timestamps as text.
    `INSERT INTO readings (logger_id, time, celsius, min_celsius, max_celsius, uom)
     SELECT logger_id, 'epoch'::timestamptz + ms * interval '1 millisecond', celsius, min_celsius, max_celsius, uom
     FROM unnest($1::text[], $2::float8[], $3::float8[], $4::float8[], $5::float8[], $6::text[])
       AS t(logger_id, ms, celsius, min_celsius, max_celsius, uom)
     ON CONFLICT DO NOTHING`,
    [
      readings.map((r) => r.loggerId),
      readings.map((r) => r.time.getTime()),
      readings.map((r) => r.celsius),
      readings.map((r) => r.minCelsius),
      readings.map((r) => r.maxCelsius),
      readings.map((r) => r.uom),
    ],
  );
  return rowCount ?? 0;
}

const hourOf = (time: Date) => Math.floor(time.getTime() / HOUR_MS) * HOUR_MS;

/**
 * Locks the hours the readings fall in (advisory locks, in a fixed order) before they are stored: a transaction storing
 * readings of the same hour at the same time waits, and then sees this one's readings and summary.
 */
async function lockHours(client: PoolClient, readings: readonly StoredReading[]): Promise<void> {
  const hours = [...new Set(readings.map((r) => `${r.loggerId}@${hourOf(r.time)}`))].sort();
  await client.query(
    `SELECT pg_advisory_xact_lock(hashtextextended(key, 0)) FROM unnest($1::text[]) AS key ORDER BY key`,
    [hours],
  );
}

interface HourKey {
  loggerId: string;
  hour: number;
}

/**
 * Rewrites the hourly summaries (reading_hours) of the hours the readings fall in (under their locks). When every reading
 * was new, readings after an hour's last are appended to its summary (`appendToHour`, exactly what summarising all of
 * them gives). An hour with a late reading, or any hour of a batch that had duplicates, is summarised again from its
 * stored readings, so a duplicate changes nothing.
 */
async function summariseHours(
  client: PoolClient,
  readings: readonly StoredReading[],
  allNew: boolean,
): Promise<void> {
  const added = new Map<string, HourKey & { readings: Reading[] }>();
  for (const r of readings) {
    const key = `${r.loggerId}\u0000${hourOf(r.time)}`;
    let entry = added.get(key);
    if (!entry) added.set(key, (entry = { loggerId: r.loggerId, hour: hourOf(r.time), readings: [] }));
    entry.readings.push({
      time: r.time.getTime(),
      celsius: r.celsius,
      minCelsius: r.minCelsius,
      maxCelsius: r.maxCelsius,
    });
  }
  const stored = allNew ? await storedSummaries(client, [...added.values()]) : new Map<string, HourSummary>();
  const summaries: Array<HourKey & HourSummary> = [];
  const late: HourKey[] = [];
  for (const [key, entry] of added) {
    const summary = stored.get(key);
    if (!allNew) late.push(entry);
    else if (!summary) summaries.push({ ...entry, ...summariseHour(entry.readings) });
    else if (entry.readings.every((r) => r.time > summary.last.time))
      summaries.push({ ...entry, ...appendToHour(summary, entry.readings) });
    else late.push(entry);
  }
  if (late.length > 0) summaries.push(...(await summariseFromReadings(client, late)));
  await writeSummaries(client, summaries);
}

async function storedSummaries(
  client: PoolClient,
  hours: readonly HourKey[],
): Promise<Map<string, HourSummary>> {
  const { rows } = await client.query<HourSummaryRow & { logger_id: string; hour: Date }>(
    `SELECT h.logger_id, h.hour, ${HOUR_COLUMNS}
     FROM reading_hours h JOIN unnest($1::text[], $2::timestamptz[]) AS k(logger_id, hour)
       ON h.logger_id = k.logger_id AND h.hour = k.hour`,
    [hours.map((h) => h.loggerId), hours.map((h) => new Date(h.hour))],
  );
  return new Map(rows.map((row) => [`${row.logger_id}\u0000${row.hour.getTime()}`, hourSummaryOf(row)]));
}

async function summariseFromReadings(
  client: PoolClient,
  hours: readonly HourKey[],
): Promise<Array<HourKey & HourSummary>> {
  const { rows } = await client.query<{
    logger_id: string;
    hour: Date;
    t: number;
    celsius: number;
    min_celsius: number | null;
    max_celsius: number | null;
  }>(
    // LATERAL … OFFSET 0 (kept apart from the join): an index range scan per hour, where a join hashed every reading.
    `SELECT h.logger_id, h.hour, r.*
     FROM unnest($1::text[], $2::timestamptz[]) AS h(logger_id, hour)
     CROSS JOIN LATERAL (
       SELECT (extract(epoch FROM time) * 1000)::float8 AS t, celsius, min_celsius, max_celsius FROM readings
       WHERE logger_id = h.logger_id AND time >= h.hour AND time < h.hour + interval '1 hour' OFFSET 0
     ) r`,
    [hours.map((h) => h.loggerId), hours.map((h) => new Date(h.hour))],
  );
  const byHour = new Map<string, HourKey & { readings: Reading[] }>();
  for (const row of rows) {
    const key = `${row.logger_id}\u0000${row.hour.getTime()}`;
    let entry = byHour.get(key);
    if (!entry)
      byHour.set(key, (entry = { loggerId: row.logger_id, hour: row.hour.getTime(), readings: [] }));
    entry.readings.push({
      time: row.t,
      celsius: row.celsius,
      minCelsius: row.min_celsius,
      maxCelsius: row.max_celsius,
    });
  }
  return [...byHour.values()].map((entry) => ({ ...entry, ...summariseHour(entry.readings) }));
}

async function writeSummaries(
  client: PoolClient,
  summaries: ReadonlyArray<HourKey & HourSummary>,
): Promise<void> {
  const column = <T>(of: (s: HourKey & HourSummary) => T) => summaries.map(of);
  await client.query(
    `INSERT INTO reading_hours (logger_id, hour, count, first_time, last_time, last_celsius, last_min_celsius,
       last_max_celsius, block_low, block_high, block_peak, block_celsius_ms, block_arrhenius_ms, spacings, spacing_counts)
     SELECT logger_id, hour, count, first_time, last_time, last_celsius, last_min_celsius, last_max_celsius, block_low,
       block_high, block_peak, block_celsius_ms, block_arrhenius_ms,
       COALESCE((SELECT array_agg(s::bigint) FROM jsonb_array_elements_text(spacings) s), '{}'),
       COALESCE((SELECT array_agg(c::int) FROM jsonb_array_elements_text(spacing_counts) c), '{}')
     FROM unnest($1::text[], $2::timestamptz[], $3::int[], $4::timestamptz[], $5::timestamptz[], $6::float8[],
       $7::float8[], $8::float8[], $9::float8[], $10::float8[], $11::float8[], $12::float8[], $13::float8[],
       $14::jsonb[], $15::jsonb[])
       AS t(logger_id, hour, count, first_time, last_time, last_celsius, last_min_celsius, last_max_celsius, block_low,
         block_high, block_peak, block_celsius_ms, block_arrhenius_ms, spacings, spacing_counts)
     ON CONFLICT (logger_id, hour) DO UPDATE SET count = EXCLUDED.count, first_time = EXCLUDED.first_time,
       last_time = EXCLUDED.last_time, last_celsius = EXCLUDED.last_celsius,
       last_min_celsius = EXCLUDED.last_min_celsius, last_max_celsius = EXCLUDED.last_max_celsius,
       block_low = EXCLUDED.block_low, block_high = EXCLUDED.block_high, block_peak = EXCLUDED.block_peak,
       block_celsius_ms = EXCLUDED.block_celsius_ms, block_arrhenius_ms = EXCLUDED.block_arrhenius_ms,
       spacings = EXCLUDED.spacings, spacing_counts = EXCLUDED.spacing_counts`,
    [
      column((s) => s.loggerId),
      column((s) => new Date(s.hour)),
      column((s) => (s.block?.count ?? 0) + 1),
      column((s) => new Date(s.block?.from ?? s.last.time)),
      column((s) => new Date(s.last.time)),
      column((s) => s.last.celsius),
      column((s) => s.last.minCelsius ?? null),
      column((s) => s.last.maxCelsius ?? null),
      column((s) => s.block?.low ?? null),
      column((s) => s.block?.high ?? null),
      column((s) => s.block?.peak ?? null),
      column((s) => s.block?.celsiusMs ?? null),
      column((s) => s.block?.arrheniusMs ?? null),
      column((s) => JSON.stringify(s.block?.spacings.map(([spacing]) => spacing) ?? [])),
      column((s) => JSON.stringify(s.block?.spacings.map(([, count]) => count) ?? [])),
    ],
  );
}

/**
 * Marks for evaluation: the subjects named, those the loggers ever travelled with, and the containers packed into and
 * every container above them. `DO UPDATE` takes the row's lock, so an evaluator that claims it afterwards sees this
 * transaction's data, and one evaluating it now finishes before the row is marked again.
 */
export async function markDirty(
  client: PoolClient,
  reach: { subjects: string[]; loggers: string[]; packedInto: string[] },
): Promise<void> {
  await client.query(
    `WITH RECURSIVE up(key) AS (
       SELECT unnest($3::text[]) COLLATE "C"
       UNION
       SELECT a.parent_key FROM aggregations a JOIN up ON a.child_key = up.key
     ),
     marked AS (
       SELECT unnest($1::text[]) AS key
       UNION SELECT subject_key FROM associations WHERE logger_id = ANY($2::text[])
       UNION SELECT key FROM up
     )
     INSERT INTO dirty_subjects (subject_key)
     SELECT DISTINCT key FROM marked WHERE key IS NOT NULL ORDER BY 1
     ON CONFLICT (subject_key) DO UPDATE SET marked_at = now()`,
    [reach.subjects, reach.loggers, reach.packedInto],
  );
}
