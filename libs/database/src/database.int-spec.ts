import { Client, Pool } from 'pg';
import { createTestDatabase, dropTestDatabase, eventually } from '@pedigree/testing';
import { inTransaction, isTransientDatabaseError, openDatabase, pingDatabase } from './database';

describe('openDatabase', () => {
  it('opens sessions named after the service, with PostgreSQL’s JIT compiler off', async () => {
    const url = await createTestDatabase('database_it');
    const { pool } = openDatabase(url, {}, { applicationName: 'pedigree-test' });
    try {
      await pingDatabase(pool);
      const { rows } = await pool.query<{ jit: string; application_name: string }>(
        `SELECT current_setting('jit') AS jit, current_setting('application_name') AS application_name`,
      );
      expect(rows[0]).toEqual({ jit: 'off', application_name: 'pedigree-test' });
    } finally {
      await pool.end();
      await dropTestDatabase(url);
    }
  });
});

describe('isTransientDatabaseError (errors from a real PostgreSQL)', () => {
  it('says yes to an unreachable server and to a session the server terminated', async () => {
    const closed = new Pool({
      connectionString: 'postgres://pedigree@127.0.0.1:1/nowhere',
      connectionTimeoutMillis: 2000,
    });
    const unreachable = await closed.query('SELECT 1').catch((error: unknown) => error);
    await closed.end();
    expect((unreachable as { code?: string }).code).toBe('ECONNREFUSED');
    expect(isTransientDatabaseError(unreachable)).toBe(true);

    const url = await createTestDatabase('database_it');
    const victim = new Client({ connectionString: url });
    const admin = new Client({ connectionString: url });
    await Promise.all([victim.connect(), admin.connect()]);
    victim.on('error', () => undefined);
    try {
      const pid = (await victim.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      const sleeping = victim.query('SELECT pg_sleep(30)').catch((error: unknown) => error);
      await eventually(
        async () =>
          (
            await admin.query(`SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND wait_event = 'PgSleep'`, [
              pid,
            ])
          ).rowCount,
        (n) => n === 1,
        'the victim sleeping',
      );
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      const terminated = await sleeping;
      expect((terminated as { code?: string }).code).toBe('57P01');
      expect(isTransientDatabaseError(terminated)).toBe(true);
      const afterwards = await victim.query('SELECT 1').catch((error: unknown) => error);
      expect(isTransientDatabaseError(afterwards)).toBe(true);
    } finally {
      await victim.end().catch(() => undefined);
      await admin.end();
      await dropTestDatabase(url);
    }
  });

  it('says no to errors in the statement or its data', async () => {
    const url = await createTestDatabase('database_it');
    const { pool } = openDatabase(url, {});
    try {
      const badInput = await pool.query(`SELECT 'x'::integer`).catch((error: unknown) => error);
      expect((badInput as { code?: string }).code).toBe('22P02');
      await pool.query('CREATE TABLE t (id integer PRIMARY KEY)');
      await pool.query('INSERT INTO t VALUES (1)');
      const duplicate = await pool.query('INSERT INTO t VALUES (1)').catch((error: unknown) => error);
      expect((duplicate as { code?: string }).code).toBe('23505');
      const unknownTable = await pool.query('SELECT * FROM missing').catch((error: unknown) => error);
      for (const error of [badInput, duplicate, unknownTable])
        expect(isTransientDatabaseError(error)).toBe(false);
      expect(isTransientDatabaseError('Connection terminated')).toBe(false);
    } finally {
      await pool.end();
      await dropTestDatabase(url);
    }
  });
});

describe('inTransaction', () => {
  it('commits, rolls back, and discards a connection the server dropped mid-transaction', async () => {
    const url = await createTestDatabase('database_it');
    // One connection: had the dropped one gone back to the pool, the last transaction would fail.
    const { pool } = openDatabase(url, {}, { maxConnections: 1 });
    const admin = new Client({ connectionString: url });
    await admin.connect();
    try {
      await pool.query('CREATE TABLE t (n integer PRIMARY KEY)');
      await inTransaction(pool, (client) => client.query('INSERT INTO t VALUES (1)'));
      const refused = await inTransaction(pool, async (client) => {
        await client.query('INSERT INTO t VALUES (2)');
        throw new Error('changed my mind');
      }).catch((error: unknown) => error);
      expect((refused as Error).message).toBe('changed my mind');

      const dropped = await inTransaction(pool, async (client) => {
        await client.query('INSERT INTO t VALUES (3)');
        const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
        await client.query('SELECT 1');
      }).catch((error: unknown) => error);
      expect(isTransientDatabaseError(dropped)).toBe(true);

      await inTransaction(pool, (client) => client.query('INSERT INTO t VALUES (4)'));
      const { rows } = await pool.query<{ n: number }>('SELECT n FROM t ORDER BY n');
      expect(rows.map((r) => r.n)).toEqual([1, 4]);
    } finally {
      await admin.end();
      await pool.end();
      await dropTestDatabase(url);
    }
  });
});
