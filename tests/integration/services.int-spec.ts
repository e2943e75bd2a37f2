import { Client } from 'pg';
import {
  createTestDatabase,
  freePort,
  kafkaBrokers,
  startServiceProcess,
  waitForStatus,
  type RunningService,
} from '@pedigree/testing';

const SERVICES = ['serialization', 'cold-chain', 'recall', 'ledger-writer'] as const;

describe.each(SERVICES)('the %s service, started as a process against the real stack', (name) => {
  let databaseUrl: string;
  let service: RunningService;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase(name.replace('-', '_'));
    service = await startServiceProcess(name, { DATABASE_URL: databaseUrl, KAFKA_BROKERS: kafkaBrokers().join(',') });
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
    const { rows } = await db.query(`SELECT to_regclass('processed_messages') AS t`);
    await db.end();
    expect(rows[0].t).toBe('processed_messages');
  });

  it('is live, echoes the caller’s request id and answers unknown routes with problem+json', async () => {
    const live = await fetch(`${service.baseUrl}/health/live`, { headers: { 'x-request-id': 'trace-me-42' } });
    expect(live.status).toBe(200);
    expect(live.headers.get('x-request-id')).toBe('trace-me-42');

    const missing = await fetch(`${service.baseUrl}/no-such-route`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await missing.json()).toMatchObject({ status: 404, title: 'Not Found', instance: '/no-such-route' });
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
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [dbName]);
      const notReady = await waitForStatus(service, '/health/ready', 503);
      expect(notReady).toMatchObject({ status: 503, detail: 'not ready: postgres is down', checks: { postgres: { status: 'down' } } });
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
    });
    try {
      await waitForStatus(service, '/health/live', 200);
      const notReady = await waitForStatus(service, '/health/ready', 503);
      expect(notReady).toMatchObject({ detail: 'not ready: kafka is down', checks: { postgres: { status: 'up' }, kafka: { status: 'down' } } });
    } finally {
      await service.stop();
    }
  });
});

describe('a service started with a bad configuration', () => {
  it('stops at once with a message that names each bad setting', async () => {
    const service = await startServiceProcess('serialization', { DATABASE_URL: 'mysql://nope', KAFKA_BROKERS: '' });
    expect(await service.exited).toBe(78);
    expect(service.output()).toContain('DATABASE_URL: must be a postgres:// connection URL (got "mysql://nope")');
    expect(service.output()).toContain('KAFKA_BROKERS: must be a comma-separated host:port list (got "")');
  });
});
