import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** How a client of one peer organisation reaches the Fabric network through its peer's Gateway service. */
export interface FabricOrgConnection {
  mspId: string;
  /** host:port of the organisation's peer (Gateway service). */
  peerEndpoint: string;
  /** The peer's name in its TLS certificate (the certificate also names 127.0.0.1 and localhost). */
  peerHostAlias: string;
  tlsCaCertPath: string;
  /** PEM certificate and private key of a client user of the organisation. */
  userCertPath: string;
  userKeyPath: string;
}

/** The local Fabric network: channel, chaincode and one connection per peer organisation. */
export interface FabricNetwork {
  channel: string;
  chaincode: string;
  orderer: { endpoint: string; tlsCaCertPath: string };
  orgs: { manufacturer: FabricOrgConnection; regulator: FabricOrgConnection };
}

/** Where the real infrastructure of a test run listens. */
export interface TestInfrastructure {
  postgres: { host: string; port: number; user: string; password: string };
  kafkaBrokers: string[];
  /** Only the local stack runs Fabric; with testcontainers it is absent. */
  fabric?: FabricNetwork;
}

export interface InfrastructureProvider {
  readonly name: string;
  start(): Promise<TestInfrastructure>;
}

export const REPO_ROOT = path.resolve(__dirname, '../../..');

/**
 * The project's own local stack (scripts/stack.sh, profile `test`): PostgreSQL and Kafka as local processes.
 * This is the provider that runs on machines without Docker, CI included.
 */
export class LocalProcessProvider implements InfrastructureProvider {
  readonly name = 'local processes (scripts/stack.sh --profile test)';

  async start(): Promise<TestInfrastructure> {
    const script = path.join(REPO_ROOT, 'scripts/stack.sh');
    execFileSync('bash', [script, 'start', '--profile', 'test'], { stdio: ['ignore', 'inherit', 'inherit'] });
    const env = Object.fromEntries(
      execFileSync('bash', [script, 'env', '--profile', 'test'], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .map((line) => line.split('=', 2) as [string, string]),
    );
    return {
      postgres: { host: env.PGHOST!, port: Number(env.PGPORT), user: env.PGUSER!, password: '' },
      kafkaBrokers: env.KAFKA_BROKERS!.split(','),
      fabric: fabricNetworkFromEnv(env),
    };
  }
}

/** Reads the FABRIC_* lines of `stack.sh env`. */
export function fabricNetworkFromEnv(env: Record<string, string | undefined>): FabricNetwork {
  const required = (name: string): string => {
    const value = env[name];
    if (!value) throw new Error(`stack.sh env did not print ${name}`);
    return value;
  };
  const org = (prefix: string): FabricOrgConnection => ({
    mspId: required(`${prefix}_MSP_ID`),
    peerEndpoint: required(`${prefix}_PEER_ENDPOINT`),
    peerHostAlias: required(`${prefix}_PEER_HOST_ALIAS`),
    tlsCaCertPath: required(`${prefix}_TLS_CA_CERT`),
    userCertPath: required(`${prefix}_USER_CERT`),
    userKeyPath: required(`${prefix}_USER_KEY`),
  });
  return {
    channel: required('FABRIC_CHANNEL'),
    chaincode: required('FABRIC_CHAINCODE'),
    orderer: {
      endpoint: required('FABRIC_ORDERER_ENDPOINT'),
      tlsCaCertPath: required('FABRIC_ORDERER_TLS_CA_CERT'),
    },
    orgs: { manufacturer: org('FABRIC_MANUFACTURER'), regulator: org('FABRIC_REGULATOR') },
  };
}

/** PostgreSQL and Kafka in containers, for developers who have a Docker engine and ask for it. */
export class TestcontainersProvider implements InfrastructureProvider {
  readonly name = 'testcontainers (Docker)';

  async start(): Promise<TestInfrastructure> {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const { KafkaContainer } = await import('@testcontainers/kafka');
    const [postgres, kafka] = await Promise.all([
      new PostgreSqlContainer('postgres:16-alpine').withUsername('pedigree').withPassword('pedigree').start(),
      new KafkaContainer('apache/kafka:4.1.1').withKraft().start(),
    ]);
    return {
      postgres: {
        host: postgres.getHost(),
        port: postgres.getPort(),
        user: 'pedigree',
        password: 'pedigree',
      },
      kafkaBrokers: [`${kafka.getHost()}:${kafka.getMappedPort(9093)}`],
    };
  }
}

export function dockerIsReachable(): boolean {
  try {
    execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

/** PEDIGREE_TEST_INFRA=local (default) | testcontainers | auto (testcontainers when Docker answers, else local). */
export function selectProvider(choice = process.env.PEDIGREE_TEST_INFRA ?? 'local'): InfrastructureProvider {
  switch (choice) {
    case 'local':
      return new LocalProcessProvider();
    case 'testcontainers':
      if (!dockerIsReachable())
        throw new Error('PEDIGREE_TEST_INFRA=testcontainers but no Docker engine answers');
      return new TestcontainersProvider();
    case 'auto':
      return dockerIsReachable() ? new TestcontainersProvider() : new LocalProcessProvider();
    default:
      throw new Error(`PEDIGREE_TEST_INFRA must be local, testcontainers or auto (got "${choice}")`);
  }
}

/** The infrastructure the global set-up started, as published to test workers through the environment. */
export function testInfrastructure(): TestInfrastructure {
  const raw = process.env.PEDIGREE_TEST_INFRASTRUCTURE;
  if (!raw)
    throw new Error('integration tests need the jest global set-up (run them with the integration project)');
  return JSON.parse(raw) as TestInfrastructure;
}

/** The Fabric network of the test run; fails clearly where the infrastructure has none (testcontainers). */
export function testFabricNetwork(): FabricNetwork {
  const { fabric } = testInfrastructure();
  if (!fabric)
    throw new Error('this test needs Fabric, which only the local stack runs (PEDIGREE_TEST_INFRA=local)');
  return fabric;
}
