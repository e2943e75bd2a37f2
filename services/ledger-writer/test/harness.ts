import { execFile, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Client } from 'pg';
import { createEphemeralIssuer, type EphemeralIssuer } from '@pedigree/auth';
import { topicsWithPrefix, type PayloadOf, type Topics } from '@pedigree/contracts';
import { migrateServiceDatabase } from '@pedigree/database';
import { eventHash, type EpcisEvent } from '@pedigree/epcis';
import { AnchorClient, type AnchorHeadRecord } from '@pedigree/fabric';
import { createKafkaClient, EnvelopeProducer } from '@pedigree/kafka';
import { createLogger } from '@pedigree/observability';
import {
  connectFabricGateway,
  createTestDatabase,
  createTestTopics,
  kafkaBrokers,
  REPO_ROOT,
  startServiceProcess,
  testFabricNetwork,
  uniqueSuffix,
  waitForStatus,
  type FabricOrgConnection,
  type RunningService,
} from '@pedigree/testing';

export const GLN = '0614141000005';

/** The FABRIC_* settings of one organisation's user, as the service and the CLI take them. */
export function fabricEnv(org: FabricOrgConnection, chaincode: string): Record<string, string> {
  return {
    FABRIC_PEER_ENDPOINT: org.peerEndpoint,
    FABRIC_PEER_HOST_ALIAS: org.peerHostAlias,
    FABRIC_TLS_CA_CERT: org.tlsCaCertPath,
    FABRIC_MSP_ID: org.mspId,
    FABRIC_USER_CERT: org.userCertPath,
    FABRIC_USER_KEY: org.userKeyPath,
    FABRIC_CHANNEL: testFabricNetwork().channel,
    FABRIC_CHAINCODE: chaincode,
  };
}

/** A fresh definition of the anchor chaincode: an empty ledger log of its own (the channel's `anchor` is shared). */
export function defineChaincode(name: string): void {
  execFileSync(
    'bash',
    [path.join(REPO_ROOT, 'scripts/stack.sh'), 'fabric-chaincode', name, '--profile', 'test'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
}

export function fabricPeer(action: 'stop' | 'start', org: 'manufacturer' | 'regulator'): void {
  execFileSync(
    'bash',
    [path.join(REPO_ROOT, 'scripts/stack.sh'), 'fabric-peer', action, org, '--profile', 'test'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
}

/** A distinct ObjectEvent (a commissioning of one pack) and its GS1 event hash. */
export function commissioning(serial: string): { event: EpcisEvent; hash: string } {
  const event: EpcisEvent = {
    type: 'ObjectEvent',
    eventTime: '2026-03-01T08:00:00.000+01:00',
    eventTimeZoneOffset: '+01:00',
    epcList: [`urn:epc:id:sgtin:0614141.107346.${serial}`],
    action: 'ADD',
    bizStep: 'commissioning',
    disposition: 'active',
    readPoint: { id: 'urn:epc:id:sgln:0614141.00000.0' },
  };
  return { event, hash: eventHash(event) };
}

/** A ledger-writer process on its own database, topic prefix and anchor chaincode definition. */
export class LedgerWriterUnderTest {
  service!: RunningService;
  db!: Client;
  readonly chaincode = `lw${uniqueSuffix()
    .replace(/[^a-z0-9]/gi, '')
    .toLowerCase()}`;
  readonly topics: Topics;
  private databaseUrl!: string;
  private issuer!: EphemeralIssuer;
  private producer?: EnvelopeProducer;
  private readonly replicas: RunningService[] = [];

  /** `topicPrefix`: another test's topics (e.g. a serialization service's, to log what it captures). */
  constructor(
    private readonly settings: Record<string, string> = {},
    readonly topicPrefix = `t${uniqueSuffix()}.`,
  ) {
    this.topics = topicsWithPrefix(topicPrefix);
  }

  async start(extraEnv: Record<string, string> = {}): Promise<void> {
    this.service = await this.startProcess(extraEnv);
    if (!this.db) {
      this.db = new Client({ connectionString: this.databaseUrl });
      await this.db.connect();
    }
  }

  /** Another ledger-writer process on the same database, topics and chaincode (a replica); stopped with the rest. */
  async startReplica(extraEnv: Record<string, string> = {}): Promise<RunningService> {
    const replica = await this.startProcess(extraEnv);
    this.replicas.push(replica);
    return replica;
  }

  async stop(): Promise<void> {
    for (const replica of this.replicas) await replica.stop();
    await this.service?.stop();
    await this.producer?.disconnect();
    await this.db?.end();
  }

  private async startProcess(extraEnv: Record<string, string>): Promise<RunningService> {
    if (!this.databaseUrl) {
      defineChaincode(this.chaincode);
      this.issuer = await createEphemeralIssuer();
      // What a deployment runs before it starts the service: `pedigree db migrate`, `pedigree kafka ensure-topics`.
      this.databaseUrl = await createTestDatabase('ledger_writer');
      await migrateServiceDatabase('ledger-writer', this.databaseUrl);
      await createTestTopics(this.topicPrefix);
    }
    const service = await startServiceProcess('ledger-writer', {
      DATABASE_URL: this.databaseUrl,
      KAFKA_BROKERS: kafkaBrokers().join(','),
      KAFKA_TOPIC_PREFIX: this.topicPrefix,
      ANCHOR_MAX_LEAVES: '50',
      ANCHOR_MAX_DELAY_MS: '200',
      ANCHOR_RETRY_INITIAL_MS: '200',
      ANCHOR_RETRY_MAX_MS: '1000',
      ...fabricEnv(testFabricNetwork().orgs.manufacturer, this.chaincode),
      ...this.issuer.env,
      ...this.settings,
      ...extraEnv,
    });
    await waitForStatus(service, '/health/ready');
    return service;
  }

  async token(): Promise<string> {
    return this.issuer.token({ sub: 'test:auditor', party: '4000001000005', roles: ['regulator'], gcp: [] });
  }

  async get(urlPath: string, token?: string, service: RunningService = this.service): Promise<Response> {
    return fetch(`${service.baseUrl}${urlPath}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
  }

  private async envelopes(): Promise<EnvelopeProducer> {
    if (!this.producer) {
      const kafka = createKafkaClient({
        brokers: kafkaBrokers(),
        clientId: 'ledger-test',
        logger: createLogger('t', 'silent'),
      });
      this.producer = new EnvelopeProducer(kafka, 'serialization');
    }
    return this.producer;
  }

  /** Publishes captured events the way the serialization service does (one epcis.events.v1 message each). */
  async publishEvents(events: EpcisEvent[]): Promise<string[]> {
    const producer = await this.envelopes();
    const hashes = events.map((event) => eventHash(event));
    const captureId = randomUUID();
    const recordTime = new Date().toISOString();
    for (let i = 0; i < events.length; i += 500) {
      await producer.publish(
        this.topics.epcisEvents,
        events.slice(i, i + 500).map((event, j) => ({
          key: hashes[i + j]!,
          payload: {
            eventHash: hashes[i + j]!,
            captureId,
            capturedBy: GLN,
            recordTime,
            namespaces: {},
            event,
          },
        })),
      );
    }
    return hashes;
  }

  async publishRecall(notice: PayloadOf<Topics['recallNotices']>): Promise<void> {
    await (
      await this.envelopes()
    ).publish(this.topics.recallNotices, [{ key: notice.recallId, payload: notice }]);
  }

  async count(sql: string, params: unknown[] = []): Promise<number> {
    const { rows } = await this.db.query<{ n: string }>(sql, params);
    return Number(rows[0]!.n);
  }

  /** The ledger's current head of this test's chaincode, read with the regulator's own identity. */
  async ledgerCurrentHead(): Promise<AnchorHeadRecord | null> {
    const regulator = await connectFabricGateway(testFabricNetwork().orgs.regulator);
    try {
      const network = regulator.gateway.getNetwork(testFabricNetwork().channel);
      return await new AnchorClient(network, this.chaincode).currentHead();
    } finally {
      regulator.close();
    }
  }
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built `pedigree` CLI as a regulator would, with the regulator organisation's Fabric identity. */
export function runPedigree(args: string[], chaincode: string): Promise<CliResult> {
  const env = { PATH: process.env.PATH ?? '', ...fabricEnv(testFabricNetwork().orgs.regulator, chaincode) };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(REPO_ROOT, 'tools/pedigree/bin/pedigree.js'), ...args],
      { env },
      (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

export { eventually } from '@pedigree/testing';

export const leafCount = (sut: LedgerWriterUnderTest) => sut.count('SELECT count(*) AS n FROM log_leaves');
export const anchoredSize = (sut: LedgerWriterUnderTest) =>
  sut.count(`SELECT coalesce(max(tree_size), 0) AS n FROM log_heads WHERE status = 'anchored'`);

/** Every leaf once, no gap, and the ledger's head is the log's newest head. */
export async function expectCompleteLog(sut: LedgerWriterUnderTest, hashes: string[]): Promise<void> {
  const total = hashes.length;
  await expect(sut.count('SELECT count(*) AS n FROM log_leaves')).resolves.toBe(total);
  await expect(sut.count('SELECT coalesce(max(leaf_index) + 1, 0) AS n FROM log_leaves')).resolves.toBe(
    total,
  );
  await expect(
    sut.count('SELECT count(DISTINCT event_hash) AS n FROM log_leaves WHERE event_hash = ANY($1)', [hashes]),
  ).resolves.toBe(total);
  await expect(sut.count('SELECT size AS n FROM log_state')).resolves.toBe(total);
  const { rows } = await sut.db.query<{ root_hash: string }>(
    `SELECT root_hash FROM log_heads WHERE tree_size = $1`,
    [total],
  );
  await expect(sut.ledgerCurrentHead()).resolves.toMatchObject({
    treeSize: total,
    rootHash: rows[0]!.root_hash,
  });
}
