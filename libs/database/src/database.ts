import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { Pool, type PoolClient } from 'pg';

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

/** SQLSTATE classes and codes that say the server could not do the work now, not that the work is wrong. */
const TRANSIENT_SQLSTATE_CLASSES = ['08', '53', '58']; // connection exception, insufficient resources, system error
const TRANSIENT_SQLSTATES = new Set([
  '40001', // serialization failure
  '40P01', // deadlock detected
  '55P03', // lock not available
  '57P01', // admin shutdown
  '57P02', // crash shutdown
  '57P03', // cannot connect now (starting up, shutting down)
]);
const TRANSIENT_SOCKET_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/** node-postgres's own messages when a connection breaks or cannot be had (these errors carry no code). */
const TRANSIENT_CLIENT_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
];

/**
 * Whether a database error is an outage or a conflict that a retry can get past (server unreachable or restarting,
 * connection lost, deadlock) rather than something wrong with the statement or its data.
 */
export function isTransientDatabaseError(error: unknown): boolean {
  // Duck-typed: errors raised inside Node (sockets) come from another realm than this module's `Error` under some
  // test runners.
  if (typeof error !== 'object' || error === null) return false;
  const { code, message, errors } = error as { code?: unknown; message?: unknown; errors?: unknown };
  if (typeof code === 'string') {
    if (TRANSIENT_SOCKET_ERRORS.has(code) || TRANSIENT_SQLSTATES.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code)) return TRANSIENT_SQLSTATE_CLASSES.includes(code.slice(0, 2));
  }
  // Connecting to a host with several addresses fails with an AggregateError of one error per address.
  if (Array.isArray(errors)) return errors.some(isTransientDatabaseError);
  return (
    typeof message === 'string' && TRANSIENT_CLIENT_MESSAGES.some((prefix) => message.startsWith(prefix))
  );
}

/**
 * Runs `work` in a transaction on a pooled connection: committed if it resolves, rolled back if it throws (the error
 * is rethrown). A connection that broke or cannot even roll back (the server dropped it) is discarded, not returned to
 * the pool, so the next transaction gets a working one.
 */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // A connection that breaks while checked out also emits 'error' (besides failing the query in flight); unheard, that
  // event would be an uncaught exception.
  const onBroken = (error: Error) => (broken = error);
  client.on('error', onBroken);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    if (!broken) await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
    throw error;
  } finally {
    client.removeListener('error', onBroken);
    client.release(broken);
  }
}
