import type { Pool, PoolClient } from 'pg';
import { inTransaction } from '@pedigree/database';
import type { AssociationFact } from '../domain/associations';
import type { AggregationFact } from '../domain/containment';

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

/** `readings_pYYYYMM`: the partition of the month of `time` (UTC). */
function partitionOf(time: Date): { name: string; from: string; to: string } {
  const year = time.getUTCFullYear();
  const month = time.getUTCMonth();
  const from = new Date(Date.UTC(year, month, 1)).toISOString();
  const to = new Date(Date.UTC(year, month + 1, 1)).toISOString();
  return { name: `readings_p${year}${String(month + 1).padStart(2, '0')}`, from, to };
}

/** Readings partitions are created under this advisory lock, so that two replicas never create one twice. */
const PARTITION_LOCK = 0x636f6c64; // 'cold'

export class IngestStore {
  /** Partitions this process knows exist. */
  private readonly partitions = new Set<string>();

  constructor(private readonly pool: Pool) {}

  /** Creates the monthly partitions the readings need (in its own short transaction, before the batch's). */
  async ensurePartitions(times: readonly Date[]): Promise<void> {
    const needed = new Map<string, ReturnType<typeof partitionOf>>();
    for (const time of times) {
      const partition = partitionOf(time);
      if (!this.partitions.has(partition.name)) needed.set(partition.name, partition);
    }
    if (needed.size === 0) return;
    await inTransaction(this.pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [PARTITION_LOCK]);
      for (const partition of needed.values()) {
        await client.query(
          `CREATE TABLE IF NOT EXISTS ${partition.name} PARTITION OF readings FOR VALUES FROM ('${partition.from}') TO ('${partition.to}')`,
        );
      }
    });
    for (const name of needed.keys()) this.partitions.add(name);
  }

  /** Stores a batch (duplicates ignored) and marks the subjects it touches for evaluation, atomically. */
  async write(batch: IngestBatch): Promise<void> {
    await this.ensurePartitions(batch.readings.map((r) => r.time));
    await inTransaction(this.pool, async (client) => {
      if (batch.loggerOwners.length > 0) {
        await client.query(
          `INSERT INTO loggers (logger_id, owner) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING`,
          [batch.loggerOwners.map((l) => l.loggerId), batch.loggerOwners.map((l) => l.owner)],
        );
      }
      const readings = await ownReadings(client, batch.readings);
      if (readings.length > 0) await insertReadings(client, readings);
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

async function insertReadings(client: PoolClient, readings: readonly StoredReading[]): Promise<void> {
  await client.query(
    `INSERT INTO readings (logger_id, time, celsius, min_celsius, max_celsius, uom)
     SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::float8[], $4::float8[], $5::float8[], $6::text[])
     ON CONFLICT DO NOTHING`,
    [
      readings.map((r) => r.loggerId),
      readings.map((r) => r.time),
      readings.map((r) => r.celsius),
      readings.map((r) => r.minCelsius),
      readings.map((r) => r.maxCelsius),
      readings.map((r) => r.uom),
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
