import { createTestDatabase, dropTestDatabase } from '@pedigree/testing';
import { openDatabase, pingDatabase } from './database';

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
