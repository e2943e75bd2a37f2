import { execFile } from 'node:child_process';
import path from 'node:path';
import { Client } from 'pg';
import { MIGRATED_SERVICES, readMigrationJournal, serviceMigrationsFolder } from '@pedigree/database';
import { createTestDatabase, dropTestDatabase, REPO_ROOT } from '@pedigree/testing';
import { databaseUrlVariable } from './db';

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as its own process, as a deploy job or scripts/up.sh does. */
function pedigree(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(REPO_ROOT, 'tools/pedigree/bin/pedigree.js'), ...args],
      { env: { PATH: process.env.PATH ?? '', ...env } },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const tags = (service: (typeof MIGRATED_SERVICES)[number]) =>
  readMigrationJournal(serviceMigrationsFolder(service)).map((m) => m.tag);

async function appliedCount(url: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      'SELECT count(*) AS n FROM drizzle.__drizzle_migrations',
    );
    return Number(rows[0]!.n);
  } finally {
    await client.end();
  }
}

describe('pedigree db migrate', () => {
  it('run twice at the same time on one database: both succeed, one applies, the schema is applied once', async () => {
    const url = await createTestDatabase('cli_migrate');
    try {
      const args = ['db', 'migrate', '--service', 'serialization', '--database-url', url];
      const runs = await Promise.all([pedigree(args), pedigree(args)]);
      expect(runs.map((r) => r.code)).toEqual([0, 0]);
      const all = tags('serialization');
      expect(runs.map((r) => r.stdout).sort()).toEqual([
        `serialization: applied ${all.join(', ')}\n`,
        `serialization: up to date (${all.at(-1)})\n`,
      ]);
      await expect(appliedCount(url)).resolves.toBe(all.length);
      await expect(pedigree(args)).resolves.toMatchObject({
        code: 0,
        stdout: `serialization: up to date (${all.at(-1)})\n`,
      });
    } finally {
      await dropTestDatabase(url);
    }
  });

  it('migrates all four services, each database from its DATABASE_URL_<SERVICE>', async () => {
    const urls = await Promise.all(
      MIGRATED_SERVICES.map((s) => createTestDatabase(`cli_${s.replace('-', '_')}`)),
    );
    try {
      const env = Object.fromEntries(MIGRATED_SERVICES.map((s, i) => [databaseUrlVariable(s), urls[i]!]));
      const run = await pedigree(['db', 'migrate'], env);
      expect(run).toEqual({
        code: 0,
        stdout: MIGRATED_SERVICES.map((s) => `${s}: applied ${tags(s).join(', ')}\n`).join(''),
        stderr: '',
      });
      for (const [i, service] of MIGRATED_SERVICES.entries())
        await expect(appliedCount(urls[i]!)).resolves.toBe(tags(service).length);
    } finally {
      await Promise.all(urls.map(dropTestDatabase));
    }
  });

  it('exits 1 naming the service when its database cannot be reached', async () => {
    const run = await pedigree([
      'db',
      'migrate',
      '--service',
      'recall',
      '--database-url',
      'postgres://pedigree@127.0.0.1:1/nowhere',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^recall: migration failed: .*ECONNREFUSED/);
  });
});
