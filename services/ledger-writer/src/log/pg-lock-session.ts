import { Client } from 'pg';

/** The advisory lock key of the ledger-writer's log (advisory locks are per database: one log per database). */
export const WRITER_LOCK_KEY = 0x50_44_4c_57; // "PDLW"

/**
 * A LockSession on a connection of its own, outside the pool: a session-level advisory lock lives exactly as long as
 * that connection, so the server releases it when the process dies or the connection breaks.
 */
export class PgLockSession {
  private constructor(private readonly client: Client) {}

  static async open(
    connectionString: string,
    applicationName: string,
    timeoutMs: number,
  ): Promise<PgLockSession> {
    const client = new Client({
      connectionString,
      application_name: `${applicationName} (writer lock)`,
      connectionTimeoutMillis: timeoutMs,
      query_timeout: timeoutMs,
      keepAlive: true,
    });
    // A broken connection also fails the next check; without a listener it would crash the process.
    client.on('error', () => undefined);
    await client.connect();
    return new PgLockSession(client);
  }

  async tryLock(): Promise<boolean> {
    const { rows } = await this.client.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock($1) AS locked',
      [WRITER_LOCK_KEY],
    );
    return rows[0]?.locked === true;
  }

  async check(): Promise<void> {
    await this.client.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}
