import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { testInfrastructure } from './infrastructure';

/** A short random suffix that keeps parallel and repeated test runs apart. */
export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

export function postgresUrl(database: string): string {
  const { host, port, user, password } = testInfrastructure().postgres;
  const auth = password ? `${user}:${encodeURIComponent(password)}` : user;
  return `postgres://${auth}@${host}:${port}/${database}`;
}

/** Creates a fresh, empty database on the test PostgreSQL and returns its URL. */
export async function createTestDatabase(prefix: string): Promise<string> {
  const name = `${prefix.replace(/[^a-z0-9_]/g, '_')}_${uniqueSuffix()}`;
  const admin = new Client({ connectionString: postgresUrl('postgres') });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return postgresUrl(name);
}

export function kafkaBrokers(): string[] {
  return testInfrastructure().kafkaBrokers;
}
