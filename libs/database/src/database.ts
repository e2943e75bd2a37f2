import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { Pool } from 'pg';

export type Database<TSchema extends Record<string, unknown> = Record<string, never>> =
  NodePgDatabase<TSchema>;

export interface DatabaseHandle<TSchema extends Record<string, unknown>> {
  pool: Pool;
  db: Database<TSchema>;
}

/** A connection pool and a Drizzle database over it. */
export function openDatabase<TSchema extends Record<string, unknown>>(
  url: string,
  schema: TSchema,
  options: {
    maxConnections?: number;
    applicationName?: string;
    /** Called when an idle pooled connection breaks (e.g. the server restarts); the pool replaces it. */
    onConnectionError?: (error: Error) => void;
  } = {},
): DatabaseHandle<TSchema> {
  const pool = new Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    application_name: options.applicationName,
    connectionTimeoutMillis: 5000,
    // Short transactional queries: PostgreSQL's JIT compiler (on by default, for plans estimated above a cost) spent
    // 7–136 ms compiling each execution of the projector's key-by-key lookups, more than the queries themselves.
    options: '-c jit=off',
  });
  // Without a listener a broken idle connection would crash the process; the pool reconnects on next use.
  pool.on('error', options.onConnectionError ?? (() => undefined));
  return { pool, db: drizzle(pool, { schema }) };
}

/** Applies the SQL migrations drizzle-kit generated into `folder`; already applied ones are skipped. */
export async function applyMigrations(db: Database<Record<string, unknown>>, folder: string): Promise<void> {
  await migrate(db, { migrationsFolder: folder });
}

/** Round-trips a query; rejects when the database does not answer within `timeoutMs`. */
export async function pingDatabase(pool: Pool, timeoutMs = 2000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`database did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([pool.query('SELECT 1'), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
