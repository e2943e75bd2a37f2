import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { createEphemeralIssuer, type EphemeralIssuer } from '@pedigree/auth';
import {
  migrateDatabase,
  migrateServiceDatabase,
  readMigrationJournal,
  serviceMigrationsFolder,
  type MigratedService,
} from '@pedigree/database';
import {
  createTestDatabase,
  createTestTopics,
  eventually,
  freePort,
  kafkaBrokers,
  REPO_ROOT,
  startServiceProcess,
  testFabricNetwork,
  uniqueSuffix,
  waitForStatus,
  type RunningService,
} from '@pedigree/testing';

const SERVICES = ['serialization', 'cold-chain', 'recall', 'ledger-writer'] as const;

/** The ledger-writer also needs a Fabric peer and identity (the manufacturer's, on the channel's anchor chaincode). */
function serviceSpecificEnv(name: (typeof SERVICES)[number]): Record<string, string> {
  if (name !== 'ledger-writer') return {};
  const fabric = testFabricNetwork();
  const org = fabric.orgs.manufacturer;
  return {
    FABRIC_PEER_ENDPOINT: org.peerEndpoint,
    FABRIC_PEER_HOST_ALIAS: org.peerHostAlias,
    FABRIC_TLS_CA_CERT: org.tlsCaCertPath,
    FABRIC_MSP_ID: org.mspId,
    FABRIC_USER_CERT: org.userCertPath,
    FABRIC_USER_KEY: org.userKeyPath,
    FABRIC_CHANNEL: fabric.channel,
    FABRIC_CHAINCODE: fabric.chaincode,
  };
}

/** A fresh database migrated the way a deployment migrates it (`pedigree db migrate` runs the same code). */
async function createServiceDatabase(
  service: MigratedService,
  prefix = service.replace(/-/g, '_'),
): Promise<string> {
  const url = await createTestDatabase(prefix);
  await migrateServiceDatabase(service, url);
  return url;
}

let issuer: EphemeralIssuer;
beforeAll(async () => {
  issuer = await createEphemeralIssuer();
});

describe.each(SERVICES)('the %s service, started as a process against the real stack', (name) => {
  let databaseUrl: string;
  let service: RunningService;

  beforeAll(async () => {
    databaseUrl = await createServiceDatabase(name);
    await createTestTopics('');
    service = await startServiceProcess(name, {
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: kafkaBrokers().join(','),
      ...serviceSpecificEnv(name),
      ...issuer.env,
    });
  });
  afterAll(() => service.stop());

  it('reports ready on its migrated database with PostgreSQL, Kafka and its topics up', async () => {
    const ready = await waitForStatus(service, '/health/ready');
    expect(ready).toMatchObject({
      status: 'ok',
      details: {
        postgres: { status: 'up' },
        kafka: { status: 'up', brokers: 1 },
        'kafka-topics': { status: 'up', topics: 12 },
      },
    });
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM drizzle.__drizzle_migrations');
    await db.end();
    const migrations = readdirSync(path.join(__dirname, '../../services', name, 'drizzle')).filter((file) =>
      file.endsWith('.sql'),
    );
    expect(Number(rows[0]!.n)).toBe(migrations.length);
  });

  it('is live, echoes the caller’s request id and answers unknown routes with problem+json', async () => {
    const live = await fetch(`${service.baseUrl}/health/live`, {
      headers: { 'x-request-id': 'trace-me-42' },
    });
    expect(live.status).toBe(200);
    expect(live.headers.get('x-request-id')).toBe('trace-me-42');

    const missing = await fetch(`${service.baseUrl}/no-such-route`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await missing.json()).toMatchObject({
      status: 404,
      title: 'Not Found',
      instance: '/no-such-route',
    });
  });

  it('serves its OpenAPI document', async () => {
    const response = await fetch(`${service.baseUrl}/docs/openapi.json`);
    const document = (await response.json()) as { info: { title: string }; paths: Record<string, unknown> };
    expect(document.info.title).toBe(`Pedigree ${name} service`);
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/health/live', '/health/ready']));
  });

  it('reports not ready (503) while its database refuses connections, and ready again after', async () => {
    const dbName = new URL(databaseUrl).pathname.slice(1);
    const admin = new Client({ connectionString: databaseUrl.replace(/\/[^/]+$/, '/postgres') });
    await admin.connect();
    try {
      await admin.query(`ALTER DATABASE "${dbName}" ALLOW_CONNECTIONS false`);
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [
        dbName,
      ]);
      const notReady = await waitForStatus(service, '/health/ready', 503);
      expect(notReady).toMatchObject({
        status: 503,
        detail: 'not ready: postgres is down',
        checks: { postgres: { status: 'down' } },
      });
    } finally {
      await admin.query(`ALTER DATABASE "${dbName}" ALLOW_CONNECTIONS true`);
      await admin.end();
    }
    await waitForStatus(service, '/health/ready', 200);
  });
});

describe('a service whose Kafka is unreachable', () => {
  it('stays live but reports not ready, naming Kafka', async () => {
    const service = await startServiceProcess('recall', {
      DATABASE_URL: await createServiceDatabase('recall', 'recall_nokafka'),
      KAFKA_BROKERS: `127.0.0.1:${await freePort()}`,
      ...issuer.env,
    });
    try {
      await waitForStatus(service, '/health/live', 200);
      const notReady = await waitForStatus(service, '/health/ready', 503);
      // The projection's consumers cannot join their groups either; whether the first 503 names them already depends
      // on how long the service has been trying.
      expect(notReady).toMatchObject({
        detail: expect.stringMatching(/^not ready: kafka, kafka-topics(, projection)? are down$/),
        checks: { postgres: { status: 'up' }, kafka: { status: 'down' }, 'kafka-topics': { status: 'down' } },
      });
    } finally {
      await service.stop();
    }
  });
});

describe('a service started with a bad configuration', () => {
  it('stops at once with a message that names each bad setting', async () => {
    const service = await startServiceProcess('serialization', {
      DATABASE_URL: 'mysql://nope',
      KAFKA_BROKERS: '',
      ...issuer.env,
    });
    expect(await service.exited).toBe(78);
    expect(service.output()).toContain(
      'DATABASE_URL: must be a postgres:// connection URL (got "mysql://nope")',
    );
    expect(service.output()).toContain('KAFKA_BROKERS: must be a comma-separated host:port list (got "")');
  });

  it('refuses to start without a way to verify access tokens', async () => {
    const base = { DATABASE_URL: 'postgres://x@127.0.0.1:1/x', KAFKA_BROKERS: 'a:1' };
    const unnamed = await startServiceProcess('recall', base);
    expect(await unnamed.exited).toBe(78);
    expect(unnamed.output()).toContain('AUTH_ISSUER: is required');
    const keyless = await startServiceProcess('recall', {
      ...base,
      AUTH_ISSUER: 'urn:x',
      AUTH_AUDIENCE: 'urn:y',
    });
    expect(await keyless.exited).toBe(78);
    expect(keyless.output()).toContain(
      'exactly one of AUTH_JWKS_URL and AUTH_DEV_PUBLIC_JWK_FILE must be set (neither is)',
    );
  });
});

/** Runs the built `pedigree` CLI. */
function runPedigree(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(REPO_ROOT, 'tools/pedigree/bin/pedigree.js'), ...args],
      { env: { PATH: process.env.PATH ?? '' } },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('a service whose database schema is behind its build', () => {
  it('refuses to start (exit 78) and says which migration to run; `pedigree db migrate` lets it start', async () => {
    const folder = serviceMigrationsFolder('serialization');
    const journal = JSON.parse(readFileSync(path.join(folder, 'meta/_journal.json'), 'utf8')) as {
      entries: Array<{ tag: string }>;
    };
    const [previous, latest] = journal.entries.slice(-2).map((e) => e.tag);
    // The database as the previous build left it: every migration but the newest.
    const older = mkdtempSync(path.join(tmpdir(), 'pedigree-migrations-'));
    cpSync(folder, older, { recursive: true });
    writeFileSync(
      path.join(older, 'meta/_journal.json'),
      JSON.stringify({ ...journal, entries: journal.entries.slice(0, -1) }),
    );
    const databaseUrl = await createTestDatabase('serialization_behind');
    await migrateDatabase(databaseUrl, older);
    rmSync(older, { recursive: true, force: true });
    const env = { DATABASE_URL: databaseUrl, KAFKA_BROKERS: kafkaBrokers().join(','), ...issuer.env };

    const refused = await startServiceProcess('serialization', env);
    expect(await refused.exited).toBe(78);
    expect(refused.output()).toContain(
      `serialization refuses to start: database schema is at migration ${previous}, this build needs ${latest} ` +
        `(pending: ${latest}): run \`pedigree db migrate --service serialization\``,
    );

    const migrated = await runPedigree([
      'db',
      'migrate',
      '--service',
      'serialization',
      '--database-url',
      databaseUrl,
    ]);
    expect(migrated).toEqual({ code: 0, stdout: `serialization: applied ${latest}\n`, stderr: '' });
    await createTestTopics('');
    const service = await startServiceProcess('serialization', env);
    try {
      await waitForStatus(service, '/health/ready');
    } finally {
      await service.stop();
    }
  });

  it('migrates itself on start only when asked to (MIGRATE_ON_START=true, for development)', async () => {
    const databaseUrl = await createTestDatabase('recall_migrate_on_start');
    const env = { DATABASE_URL: databaseUrl, KAFKA_BROKERS: kafkaBrokers().join(','), ...issuer.env };
    const refused = await startServiceProcess('recall', env);
    expect(await refused.exited).toBe(78);
    const recallMigrations = readMigrationJournal(serviceMigrationsFolder('recall')).map((m) => m.tag);
    expect(refused.output()).toContain(
      `recall refuses to start: database schema is not migrated, this build needs ${recallMigrations.at(-1)}`,
    );
    await createTestTopics('');
    const service = await startServiceProcess('recall', { ...env, MIGRATE_ON_START: 'true' });
    try {
      await waitForStatus(service, '/health/ready');
    } finally {
      await service.stop();
    }
  });
});

describe('a service whose topics do not exist', () => {
  it('does not create them; it reports not ready naming the missing ones until they are created', async () => {
    const prefix = `t${uniqueSuffix()}.`;
    const service = await startServiceProcess('cold-chain', {
      DATABASE_URL: await createServiceDatabase('cold-chain', 'cold_chain_notopics'),
      KAFKA_BROKERS: kafkaBrokers().join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      ...issuer.env,
    });
    try {
      await waitForStatus(service, '/health/live');
      // Once connected to the broker (the first answers may come before), only the topics are down — and the
      // service's consumers, which cannot join groups on topics that do not exist.
      const notReady = await eventually(
        async () =>
          (await (await fetch(`${service.baseUrl}/health/ready`)).json()) as {
            detail?: string;
            checks?: Record<string, { status: string; message?: string; missing?: string[] }>;
          },
        (answer) => answer.detail !== 'not ready: kafka, kafka-topics, consumers are down',
        'the broker to answer',
      );
      expect(notReady.detail).toBe('not ready: kafka-topics, consumers are down');
      expect(notReady.checks!['kafka-topics']!.missing).toContain(`${prefix}epcis.events.v1`);
      expect(notReady.checks!['kafka-topics']!.missing).toContain(`${prefix}epcis.events.v1.dlq`);
      expect(notReady.checks!['kafka-topics']!.message).toMatch(
        /^missing topics: .* \(create them with `pedigree kafka ensure-topics`\)$/,
      );
      await createTestTopics(prefix);
      await waitForStatus(service, '/health/ready', 200);
    } finally {
      await service.stop();
    }
  });
});
