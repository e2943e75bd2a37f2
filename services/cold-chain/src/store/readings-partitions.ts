import type { Pool, PoolClient } from 'pg';
import { inTransaction } from '@pedigree/database';

/**
 * Readings partitions (`readings_pYYYYMM`, one per UTC month) are created and dropped under this transaction-scoped
 * advisory lock, so that replicas (the consumers creating a month they are about to write into, the retention job of
 * every replica) never create or drop one at the same time.
 */
export const PARTITION_LOCK = 0x636f6c64; // 'cold'

const PARTITION_NAME = /^readings_p(\d{4})(\d{2})$/;

export interface MonthPartition {
  name: string;
  /** Inclusive lower bound, epoch ms. */
  from: number;
  /** Exclusive upper bound, epoch ms. */
  to: number;
}

/** The partition of the month of `time` (UTC). */
export function partitionOf(time: number): MonthPartition {
  const date = new Date(time);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  return {
    name: `readings_p${year}${String(month + 1).padStart(2, '0')}`,
    from: Date.UTC(year, month, 1),
    to: Date.UTC(year, month + 1, 1),
  };
}

/** The partition a name stands for, or undefined for a table not named as readings partitions are. */
export function partitionNamed(name: string): MonthPartition | undefined {
  const match = PARTITION_NAME.exec(name);
  if (!match) return undefined;
  return partitionOf(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1));
}

/** Creates the partitions (when missing); the caller holds PARTITION_LOCK. */
export async function createPartitions(
  client: PoolClient,
  partitions: Iterable<MonthPartition>,
): Promise<void> {
  for (const partition of partitions) {
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${partition.name} PARTITION OF readings FOR VALUES FROM ('${new Date(partition.from).toISOString()}') TO ('${new Date(partition.to).toISOString()}')`,
    );
  }
}

export interface RetentionPolicy {
  /** Readings older than this many days are not kept. */
  retentionDays: number;
  /** Months created ahead of the current one. */
  monthsAhead: number;
}

/** The oldest instant whose readings are kept, epoch ms. */
export function retainedSince(now: number, retentionDays: number): number {
  return now - retentionDays * DAY;
}

export interface RetentionResult {
  created: string[];
  dropped: string[];
}

const DAY = 86_400_000;
/**
 * A month is dropped a day after its end left the retention: the consumers drop readings older than the retention as
 * they store them, so no consumer writes into a partition as it is being dropped (unless it lags a day behind).
 */
const GRACE_MS = DAY;

/**
 * Retention of readings by partition: creates the current month's partition and `monthsAhead` more, and detaches and
 * drops every month whose end is older than the retention (with the hourly summaries of that time). Serialised across
 * replicas by PARTITION_LOCK in PostgreSQL, so replicas running it at once wait for each other and the later finds
 * nothing left to do.
 */
export class ReadingsRetention {
  constructor(
    private readonly pool: Pool,
    private readonly policy: RetentionPolicy,
  ) {}

  async run(now = Date.now()): Promise<RetentionResult> {
    const cutoff = retainedSince(now, this.policy.retentionDays) - GRACE_MS;
    return inTransaction(this.pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [PARTITION_LOCK]);
      const { rows } = await client.query<{ name: string }>(
        `SELECT c.relname AS name FROM pg_inherits i
         JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = 'readings'::regclass`,
      );
      const existing = new Set(rows.map((row) => row.name));
      const wanted: MonthPartition[] = [];
      let month = partitionOf(now);
      for (let i = 0; i <= this.policy.monthsAhead; i++) {
        if (!existing.has(month.name)) wanted.push(month);
        month = partitionOf(month.to);
      }
      await createPartitions(client, wanted);
      const expired = [...existing]
        .map(partitionNamed)
        .filter((p): p is MonthPartition => p !== undefined && p.to <= cutoff)
        .sort((a, b) => a.from - b.from);
      for (const partition of expired) {
        await client.query(`ALTER TABLE readings DETACH PARTITION ${partition.name}`);
        await client.query(`DROP TABLE ${partition.name}`);
      }
      if (expired.length > 0)
        await client.query(`DELETE FROM reading_hours WHERE hour < $1`, [
          new Date(expired[expired.length - 1]!.to),
        ]);
      return { created: wanted.map((p) => p.name), dropped: expired.map((p) => p.name) };
    });
  }
}
