import { readdirSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { createEphemeralIssuer, type EphemeralIssuer } from '@pedigree/auth';
import {
  createTestDatabase,
  freePort,
  kafkaBrokers,
  startServiceProcess,
  testFabricNetwork,
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

let issuer: EphemeralIssuer;
beforeAll(async () => {
  issuer = await createEphemeralIssuer();
});

describe.each(SERVICES)('the %s service, started as a process against the real stack', (name) => {
  let databaseUrl: string;
  let service: RunningService;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase(name.replace('-', '_'));
    service = await startServiceProcess(name, {
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: kafkaBrokers().join(','),
      ...serviceSpecificEnv(name),
      ...issuer.env,
    });
  });
  afterAll(() => service.stop());

  it('migrates its database and reports ready with PostgreSQL and Kafka up', async () => {
    const ready = await waitForStatus(service, '/health/ready');
    expect(ready).toMatchObject({
      status: 'ok',
      details: { postgres: { status: 'up' }, kafka: { status: 'up', brokers: 1 } },
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
      DATABASE_URL: await createTestDatabase('recall_nokafka'),
      KAFKA_BROKERS: `127.0.0.1:${await freePort()}`,
      ...issuer.env,
    });
    try {
      await waitForStatus(service, '/health/live', 200);
      const notReady = await waitForStatus(service, '/health/ready', 503);
      expect(notReady).toMatchObject({
        detail: 'not ready: kafka, kafka-topics are down',
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
