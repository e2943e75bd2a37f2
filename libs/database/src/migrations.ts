import { readFileSync } from 'node:fs';
import path from 'node:path';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { Client, type ClientBase, type Pool } from 'pg';

/** The services that own a database, each with its drizzle-kit migrations in `services/<name>/drizzle/`. */
export const MIGRATED_SERVICES = ['serialization', 'cold-chain', 'recall', 'ledger-writer'] as const;
export type MigratedService = (typeof MIGRATED_SERVICES)[number];

export function isMigratedService(name: string): name is MigratedService {
  return (MIGRATED_SERVICES as readonly string[]).includes(name);
}

/**
 * The one place that knows where a service's migrations are: `services/<name>/drizzle`, resolved from this module's
 * own place (`libs/database/src` in tests, `libs/database/dist` when built), so it works in a clone and in an image
 * that copies `services/<name>/drizzle` beside `libs/`.
 */
export function serviceMigrationsFolder(service: MigratedService): string {
  return path.resolve(__dirname, '../../../services', service, 'drizzle');
}

/** Where Drizzle's migrator records what it applied (its defaults, which `applyMigrations` has always used). */
const MIGRATIONS_TABLE = 'drizzle.__drizzle_migrations';

/**
 * Key of the session-level advisory lock a migration run holds (advisory locks are per database, so one key serves
 * every service's database): the ASCII of "pdgrmigr".
 */
export const MIGRATION_LOCK_KEY = '8098711771078551410';

export interface JournalEntry {
  /** The migration's file name without `.sql`, e.g. `0006_drop_serial_history`. */
  tag: string;
  /** drizzle-kit's creation time of the migration; the migrator records it as `created_at` and compares by it. */
  when: number;
}

/** The migrations of a folder, oldest first, as listed in drizzle-kit's `meta/_journal.json`. */
export function readMigrationJournal(folder: string): JournalEntry[] {
  const journalPath = path.join(folder, 'meta', '_journal.json');
  let text: string;
  try {
    text = readFileSync(journalPath, 'utf8');
  } catch (error) {
    throw new Error(
      `no migrations at ${folder} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  const journal = JSON.parse(text) as { entries: JournalEntry[] };
  return journal.entries.map(({ tag, when }) => ({ tag, when }));
}

export interface MigrationStatus {
  /** The newest migration the database has, or undefined for a database never migrated. */
  current?: string;
  /** The newest migration of the folder: what this build needs. */
  latest?: string;
  /** Migrations of the folder the database does not have yet, oldest first. */
  pending: string[];
  /** The database has a migration newer than any of the folder's (a newer build migrated it). */
  ahead: boolean;
}

type Queryable = Pick<ClientBase | Pool, 'query'>;

/** Compares what a database has applied (Drizzle's migrations table) with the migrations of `folder`. */
export async function readMigrationStatus(db: Queryable, folder: string): Promise<MigrationStatus> {
  const journal = readMigrationJournal(folder);
  const latest = journal.at(-1)?.tag;
  const { rows: tables } = await db.query<{ table: string | null }>(
    `SELECT to_regclass('${MIGRATIONS_TABLE}')::text AS table`,
  );
  if (tables[0]?.table == null) return { latest, pending: journal.map((m) => m.tag), ahead: false };
  const { rows } = await db.query<{ created_at: string | null }>(
    `SELECT max(created_at)::text AS created_at FROM ${MIGRATIONS_TABLE}`,
  );
  const appliedAt = rows[0]?.created_at == null ? undefined : Number(rows[0].created_at);
  if (appliedAt === undefined) return { latest, pending: journal.map((m) => m.tag), ahead: false };
  // The same rule as Drizzle's migrator: a migration is pending when it is newer than the newest one applied.
  const pending = journal.filter((m) => m.when > appliedAt).map((m) => m.tag);
  const known = journal.find((m) => m.when === appliedAt);
  return {
    current: known?.tag ?? `an unknown migration of ${new Date(appliedAt).toISOString()}`,
    latest,
    pending,
    ahead: journal.every((m) => m.when < appliedAt),
  };
}

export interface MigrateOptions {
  /** Called once when another run holds the migration lock of the database and this one starts waiting for it. */
  onWait?: () => void;
}

export interface MigrateResult {
  /** The migrations this run applied, oldest first (none when the database was up to date). */
  applied: string[];
  status: MigrationStatus;
}

/**
 * Applies the pending migrations of `folder` to the database at `url`, on a session of its own that holds an
 * advisory lock while it reads and applies: concurrent runs (several replicas, two deploy jobs) wait for each other,
 * and the later ones find nothing left to do. Drizzle's migrator applies all pending migrations in one transaction.
 */
export async function migrateDatabase(
  url: string,
  folder: string,
  options: MigrateOptions = {},
): Promise<MigrateResult> {
  readMigrationJournal(folder); // fails clearly on a missing folder before connecting
  const client = new Client({ connectionString: url, application_name: 'pedigree-migrate' });
  // A session that breaks fails the query in flight; unheard, its 'error' event would end the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>(
      `SELECT pg_try_advisory_lock(${MIGRATION_LOCK_KEY}) AS locked`,
    );
    if (!rows[0]?.locked) {
      options.onWait?.();
      await client.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
    }
    const before = await readMigrationStatus(client, folder);
    await migrate(drizzle(client), { migrationsFolder: folder });
    return { applied: before.pending, status: await readMigrationStatus(client, folder) };
  } finally {
    // Ending the session releases the lock, also when a migration failed part-way.
    await client.end();
  }
}

/** Applies a service's migrations (from `serviceMigrationsFolder`) to its database: what `pedigree db migrate` runs. */
export function migrateServiceDatabase(
  service: MigratedService,
  url: string,
  options: MigrateOptions = {},
): Promise<MigrateResult> {
  return migrateDatabase(url, serviceMigrationsFolder(service), options);
}

/** A service found its database behind the migrations it was built with. */
export class SchemaBehindError extends Error {
  constructor(
    readonly service: MigratedService,
    readonly status: MigrationStatus,
  ) {
    super(
      `database schema is ${status.current ? `at migration ${status.current}` : 'not migrated'}, this build needs ` +
        `${status.latest} (pending: ${status.pending.join(', ')}): run \`pedigree db migrate --service ${service}\``,
    );
    this.name = 'SchemaBehindError';
  }
}

/**
 * Resolves with the database's migration status when it has every migration of the service's folder (or newer
 * ones); rejects with SchemaBehindError, which says what to run, when a migration is pending.
 */
export async function assertSchemaCurrent(db: Queryable, service: MigratedService): Promise<MigrationStatus> {
  const status = await readMigrationStatus(db, serviceMigrationsFolder(service));
  if (status.pending.length > 0) throw new SchemaBehindError(service, status);
  return status;
}
