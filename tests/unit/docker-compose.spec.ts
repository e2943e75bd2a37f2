import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { MIGRATED_SERVICES } from '@pedigree/database';
import { configSchema as coldChainConfig } from '../../services/cold-chain/src/config';
import { configSchema as ledgerWriterConfig } from '../../services/ledger-writer/src/config';
import { configSchema as recallConfig } from '../../services/recall/src/config';
import { configSchema as serializationConfig } from '../../services/serialization/src/config';

// docker-compose.yml cannot run on the project's machines (no Docker engine); these checks read it as Compose does
// (YAML with merge keys) and keep it in step with the code: services, their ports and databases, Kafka topics.

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile?: string; args?: Record<string, string> };
  environment?: Record<string, string | number>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  command?: string[];
  healthcheck?: { test: string[] };
}

interface ComposeFile {
  services: Record<string, ComposeService>;
  configs: Record<string, { content: string }>;
  volumes: Record<string, unknown>;
}

const root = path.resolve(__dirname, '../..');
const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), {
  merge: true,
}) as ComposeFile;

/** Each service with the port its configuration defaults to (what its image listens on). */
const SERVICES = {
  serialization: serializationConfig.shape.PORT.parse(undefined),
  'cold-chain': coldChainConfig.shape.PORT.parse(undefined),
  recall: recallConfig.shape.PORT.parse(undefined),
  'ledger-writer': ledgerWriterConfig.shape.PORT.parse(undefined),
};
/** PostgreSQL, Kafka and the two one-shot set-up steps (ADR 0014), which run the pedigree CLI. */
const INFRASTRUCTURE = ['postgres', 'kafka', 'migrate', 'kafka-topics'];

/** The one parameterised Dockerfile every service image is built from. */
const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');

const service = (name: string): ComposeService => {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
};

describe('Dockerfile', () => {
  it('builds the service named by SERVICE, runs it unprivileged (uid 1000, the node user) on PORT', () => {
    expect(dockerfile).toMatch(/^USER 1000:1000$/m);
    expect(dockerfile).toMatch(/^ENV .*\bPORT=\$\{PORT\} PEDIGREE_SERVICE=\$\{SERVICE\}$/m);
    expect(dockerfile).toMatch(/^EXPOSE \$\{PORT\}$/m);
    expect(dockerfile).toContain('npx tsc -b "services/$SERVICE" tools/pedigree');
    expect(dockerfile).toContain('exec node services/$PEDIGREE_SERVICE/dist/main.js');
  });
});

describe('docker-compose.yml', () => {
  it('runs PostgreSQL, Kafka, the migration and topic set-up and exactly the four services', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      [...INFRASTRUCTURE, ...Object.keys(SERVICES)].sort(),
    );
    expect(service('kafka').image).toBe('apache/kafka:4.1.1');
    expect(service('kafka-topics').depends_on).toEqual({ kafka: { condition: 'service_healthy' } });
    expect(service('migrate').depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(service('postgres').healthcheck?.test).toBeDefined();
    expect(service('kafka').healthcheck?.test).toBeDefined();
  });

  it('creates the topics of libs/contracts (and their dead-letter twins) with the pedigree CLI', () => {
    expect(service('kafka-topics').build).toEqual({
      context: '.',
      args: { SERVICE: 'serialization', PORT: String(SERVICES.serialization) },
    });
    expect(service('kafka-topics').command?.slice(0, 4)).toEqual([
      'kafka',
      'ensure-topics',
      '--brokers',
      'kafka:9092',
    ]);
  });

  it('migrates the database of each of the four services with the pedigree CLI, whose image carries them all', () => {
    expect(service('migrate').command).toEqual(['db', 'migrate']);
    const env = service('migrate').environment ?? {};
    expect(Object.keys(env).sort()).toEqual(
      MIGRATED_SERVICES.map((name) => `DATABASE_URL_${name.toUpperCase().replace('-', '_')}`).sort(),
    );
    for (const name of MIGRATED_SERVICES) {
      expect(env[`DATABASE_URL_${name.toUpperCase().replace('-', '_')}`]).toBe(
        service(name).environment?.DATABASE_URL,
      );
    }
    for (const name of MIGRATED_SERVICES)
      expect(dockerfile).toContain(
        `COPY --from=build /src/services/${name}/drizzle ./services/${name}/drizzle`,
      );
    expect(dockerfile).toContain('COPY --from=build /src/tools/pedigree/dist ./tools/pedigree/dist');
  });

  describe.each(Object.entries(SERVICES))('the %s service', (name, port) => {
    const database = `pedigree_${name.replace('-', '_')}`;

    it('is built from the one Dockerfile with its name and configured port, as image pedigree/<name>', () => {
      expect(service(name).build).toEqual({ context: '.', args: { SERVICE: name, PORT: String(port) } });
      expect(service(name).image).toBe(`pedigree/${name}`);
    });

    it('publishes its configured port', () => {
      expect(service(name).ports).toEqual([`${port}:${port}`]);
    });

    it('uses a database of its own that PostgreSQL creates, and the Kafka broker', () => {
      const env = service(name).environment ?? {};
      expect(env.DATABASE_URL).toBe(`postgres://pedigree:pedigree@postgres:5432/${database}`);
      expect(env.KAFKA_BROKERS).toBe('kafka:9092');
      expect(compose.configs['service-databases']?.content).toContain(`CREATE DATABASE ${database};`);
    });

    it('starts once PostgreSQL is healthy, its schema is migrated and the topics exist', () => {
      expect(service(name).depends_on).toEqual({
        postgres: { condition: 'service_healthy' },
        migrate: { condition: 'service_completed_successfully' },
        'kafka-topics': { condition: 'service_completed_successfully' },
      });
    });
  });
});
