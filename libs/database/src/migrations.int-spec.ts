import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { createTestDatabase, dropTestDatabase } from '@pedigree/testing';
import {
  assertSchemaCurrent,
  MIGRATION_LOCK_KEY,
  migrateDatabase,
  migrateServiceDatabase,
  readMigrationJournal,
  readMigrationStatus,
  SchemaBehindError,
  serviceMigrationsFolder,
} from './migrations';

const serialization = readMigrationJournal(serviceMigrationsFolder('serialization')).map((m) => m.tag);

/** A copy of the serialization migrations that stops after the first `count`: an older build's folder. */
function olderFolder(count: number): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'pedigree-migrations-'));
  cpSync(serviceMigrationsFolder('serialization'), folder, { recursive: true });
  const journalPath = path.join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: unknown[] };
  writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, count) }));
  return folder;
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

describe('service migrations on a real PostgreSQL', () => {
  it('finds every service’s migrations in services/<name>/drizzle', () => {
    for (const service of ['serialization', 'cold-chain', 'recall', 'ledger-writer'] as const)
      expect(readMigrationJournal(serviceMigrationsFolder(service)).length).toBeGreaterThan(0);
    expect(serialization.slice(0, 2)).toEqual(['0000_init', '0001_active_recalls']);
  });

  it('says what a database behind the build lacks, and applies exactly that', async () => {
    const url = await createTestDatabase('migrations_it');
    const older = olderFolder(serialization.length - 1);
    try {
      await withClient(url, async (client) => {
        await expect(readMigrationStatus(client, serviceMigrationsFolder('serialization'))).resolves.toEqual({
          latest: serialization.at(-1),
          pending: serialization,
          ahead: false,
        });
        await expect(assertSchemaCurrent(client, 'serialization')).rejects.toThrow(
          `database schema is not migrated, this build needs ${serialization.at(-1)}`,
        );

        await migrateDatabase(url, older);
        const behind = await assertSchemaCurrent(client, 'serialization').catch((error: unknown) => error);
        expect(behind).toBeInstanceOf(SchemaBehindError);
        expect((behind as Error).message).toBe(
          `database schema is at migration ${serialization.at(-2)}, this build needs ${serialization.at(-1)} ` +
            `(pending: ${serialization.at(-1)}): run \`pedigree db migrate --service serialization\``,
        );

        await expect(migrateServiceDatabase('serialization', url)).resolves.toMatchObject({
          applied: [serialization.at(-1)],
          status: { current: serialization.at(-1), pending: [] },
        });
        await expect(assertSchemaCurrent(client, 'serialization')).resolves.toMatchObject({ ahead: false });
        // An older build's replica finds the schema ahead of it, not behind.
        await expect(readMigrationStatus(client, older)).resolves.toMatchObject({ pending: [], ahead: true });
      });
    } finally {
      rmSync(older, { recursive: true, force: true });
      await dropTestDatabase(url);
    }
  });

  it('waits while another session holds the migration lock, then applies', async () => {
    const url = await createTestDatabase('migrations_it');
    try {
      await withClient(url, async (holder) => {
        await holder.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
        let waited = false;
        let done = false;
        const run = migrateServiceDatabase('recall', url, { onWait: () => (waited = true) }).finally(
          () => (done = true),
        );
        await new Promise((resolve) => setTimeout(resolve, 1500));
        expect({ waited, done }).toEqual({ waited: true, done: false });
        const { rows } = await holder.query(`SELECT to_regclass('drizzle.__drizzle_migrations') AS t`);
        expect(rows[0].t).toBeNull();
        await holder.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`);
        await expect(run).resolves.toMatchObject({
          applied: readMigrationJournal(serviceMigrationsFolder('recall')).map((m) => m.tag),
        });
      });
    } finally {
      await dropTestDatabase(url);
    }
  });

  it('lets concurrent runs end in one applied schema: one applies, the others find nothing to do', async () => {
    const url = await createTestDatabase('migrations_it');
    try {
      const runs = await Promise.all([1, 2, 3].map(() => migrateServiceDatabase('serialization', url)));
      expect(runs.map((r) => r.applied).sort((a, b) => b.length - a.length)).toEqual([serialization, [], []]);
      await withClient(url, async (client) => {
        const { rows } = await client.query<{ n: string }>(
          'SELECT count(*) AS n FROM drizzle.__drizzle_migrations',
        );
        expect(Number(rows[0]!.n)).toBe(serialization.length);
      });
    } finally {
      await dropTestDatabase(url);
    }
  });
});
