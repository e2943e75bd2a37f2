import { Client } from 'pg';
import type { Consumer } from 'kafkajs';
import { createEphemeralIssuer, type EphemeralIssuer, type Role } from '@pedigree/auth';
import {
  decodeEnvelope,
  topicsWithPrefix,
  type Envelope,
  type PayloadOf,
  type Topics,
} from '@pedigree/contracts';
import { migrateServiceDatabase } from '@pedigree/database';
import { EPCIS_CONTEXT_URI } from '@pedigree/epcis';
import { createKafkaClient } from '@pedigree/kafka';
import { createLogger } from '@pedigree/observability';
import {
  createTestDatabase,
  createTestTopics,
  freePort,
  kafkaBrokers,
  prometheusEnv,
  startServiceProcess,
  uniqueSuffix,
  waitForStatus,
  type RunningService,
} from '@pedigree/testing';

export { eventually } from '@pedigree/testing';

export const PARTIES = {
  manufacturer: { party: '0614141000005', gcp: ['0614141'] },
  otherManufacturer: { party: '9506000000008', gcp: ['9506000'] },
  wholesaler: { party: '4012345000009', gcp: ['4012345'] },
  regulator: { party: '4000001000005', gcp: [] as string[] },
} as const;

export type Excursion = PayloadOf<Topics['coldchainExcursions']>;

/**
 * The serialization service and `replicas` cold-chain processes on one topic namespace (each service on its own test
 * database), trusting one token issuer; collects what is published on coldchain.excursions.v1.
 */
export class ColdChainStack {
  readonly topicPrefix = `t${uniqueSuffix()}.`;
  readonly topics = topicsWithPrefix(this.topicPrefix);
  serialization!: RunningService;
  coldChain: RunningService[] = [];
  /** The Prometheus endpoint of each cold-chain replica (127.0.0.1). */
  metricsPorts: number[] = [];
  db!: Client;
  readonly excursions: Array<Envelope<Excursion>> = [];
  private issuer!: EphemeralIssuer;
  private consumer?: Consumer;

  async start(replicas = 2, serializationEnv: Record<string, string> = {}): Promise<void> {
    this.issuer = await createEphemeralIssuer();
    await createTestTopics(this.topicPrefix);
    const serializationDb = await createTestDatabase('serialization');
    await migrateServiceDatabase('serialization', serializationDb);
    const coldChainDb = await createTestDatabase('cold_chain');
    await migrateServiceDatabase('cold-chain', coldChainDb);
    const common = {
      KAFKA_BROKERS: kafkaBrokers().join(','),
      KAFKA_TOPIC_PREFIX: this.topicPrefix,
      ...this.issuer.env,
    };
    this.metricsPorts = await Promise.all(Array.from({ length: replicas }, () => freePort()));
    const [serialization, ...coldChain] = await Promise.all([
      startServiceProcess('serialization', { ...common, DATABASE_URL: serializationDb, ...serializationEnv }),
      ...this.metricsPorts.map((port) =>
        startServiceProcess('cold-chain', {
          ...common,
          DATABASE_URL: coldChainDb,
          EVALUATION_POLL_MS: '200',
          ...prometheusEnv(port),
        }),
      ),
    ]);
    this.serialization = serialization!;
    this.coldChain = coldChain;
    await Promise.all(
      [this.serialization, ...this.coldChain].map((s) => waitForStatus(s, '/health/ready', 200, 120_000)),
    );
    this.db = new Client({ connectionString: coldChainDb });
    await this.db.connect();
    await this.collectExcursions();
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    await Promise.all([this.serialization, ...this.coldChain].map((s) => s?.stop()));
    await this.db?.end();
  }

  token(who: keyof typeof PARTIES, roles: Role[]): Promise<string> {
    const { party, gcp } = PARTIES[who];
    return this.issuer.token({ sub: `test:${who}`, party, roles, gcp: [...gcp] });
  }

  /** A request to cold-chain replica `replica` (round robin by default). */
  async request(
    method: string,
    path: string,
    token: string,
    options: { body?: string | object; contentType?: string; accept?: string; replica?: number } = {},
  ): Promise<Response> {
    const service = this.coldChain[(options.replica ?? 0) % this.coldChain.length]!;
    const body =
      options.body === undefined || typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
    return fetch(`${service.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': options.contentType ?? 'application/json' } : {}),
        ...(options.accept ? { accept: options.accept } : {}),
      },
      ...(body !== undefined ? { body } : {}),
    });
  }

  async json<T = Record<string, unknown>>(
    path: string,
    token: string,
    replica = 0,
  ): Promise<{ status: number; body: T }> {
    const response = await this.request('GET', path, token, { replica });
    return { status: response.status, body: (await response.json()) as T };
  }

  /** Captures EPCIS events through the serialization service (202 expected). */
  async capture(events: object[], token: string): Promise<void> {
    const response = await fetch(`${this.serialization.baseUrl}/capture`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/ld+json' },
      body: JSON.stringify({
        '@context': EPCIS_CONTEXT_URI,
        type: 'EPCISDocument',
        schemaVersion: '2.0',
        creationDate: '2026-01-01T00:00:00Z',
        epcisBody: { eventList: events },
      }),
    });
    if (response.status !== 202)
      throw new Error(`capture answered ${response.status}: ${await response.text()}`);
  }

  /** A request to the serialization service. */
  async serializationRequest<T = Record<string, unknown>>(
    method: string,
    path: string,
    token: string,
    body?: object,
  ): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.serialization.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  async count(sql: string, params: unknown[] = []): Promise<number> {
    const { rows } = await this.db.query<{ n: string }>(sql, params);
    return Number(rows[0]!.n);
  }

  private async collectExcursions(): Promise<void> {
    const kafka = createKafkaClient({
      brokers: kafkaBrokers(),
      clientId: 'test-excursions',
      logger: createLogger('t', 'silent'),
    });
    this.consumer = kafka.consumer({ groupId: `${this.topicPrefix}test-excursions` });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topics.coldchainExcursions.name, fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ message }) => {
        this.excursions.push(decodeEnvelope(this.topics.coldchainExcursions, message.value));
      },
    });
  }
}
