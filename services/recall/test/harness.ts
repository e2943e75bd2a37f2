import ExcelJS from 'exceljs';
import { Client } from 'pg';
import { createEphemeralIssuer, type EphemeralIssuer, type Role } from '@pedigree/auth';
import { topicsWithPrefix, type PayloadOf, type TopicContract } from '@pedigree/contracts';
import { migrateServiceDatabase } from '@pedigree/database';
import { EPCIS_CONTEXT_URI } from '@pedigree/epcis';
import { withCheckDigit } from '@pedigree/gs1';
import { createKafkaClient, EnvelopeProducer } from '@pedigree/kafka';
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

/** The one worksheet of an .xlsx file, read by ExcelJS (a reader independent of the service's own writer). */
export async function readWorksheet(file: Buffer): Promise<ExcelJS.Worksheet> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(file as unknown as ArrayBuffer);
  if (workbook.worksheets.length !== 1) throw new Error(`${workbook.worksheets.length} worksheets, not one`);
  return workbook.worksheets[0]!;
}

/** The values of a worksheet row (1-based cells), without ExcelJS's empty slot 0. */
export function rowValues(sheet: ExcelJS.Worksheet, row: number): unknown[] {
  const values = sheet.getRow(row).values as unknown[];
  return Array.from({ length: sheet.columnCount }, (_, i) => values[i + 1] ?? null);
}

/** The parties of the story: GLNs (valid check digits) and company prefixes. */
export const PARTIES = {
  manufacturer: { party: '0614141000005', gcp: ['0614141'] },
  distributor: { party: '4012345000009', gcp: ['4012345'] },
  distributor2: { party: withCheckDigit('401234600000'), gcp: ['4012346'] },
  pharmacy: { party: '9521321000001', gcp: ['9521321'] },
  pharmacy2: { party: withCheckDigit('952132200000'), gcp: ['9521322'] },
  regulator: { party: '4000001000005', gcp: [] as string[] },
} as const;
export type PartyName = keyof typeof PARTIES;

export const GTIN = '10614141073464';
export const pack = (serial: string) => `urn:epc:id:sgtin:0614141.107346.${serial}`;
export const sscc = (n: string) => `urn:epc:id:sscc:0614141.${n}`;
export const sgln = (gln: string) => `urn:epc:id:sgln:${gln.slice(0, 7)}.${gln.slice(7, 12)}.0`;
export const pgln = (gln: string) => `urn:epc:id:pgln:${gln.slice(0, 7)}.${gln.slice(7, 12)}`;

/** A serialization and one or more recall processes on their own databases and topic namespace, one token issuer. */
export class RecallStack {
  serialization!: RunningService;
  recalls: RunningService[] = [];
  /** The Prometheus endpoint of each recall replica (127.0.0.1). */
  metricsPorts: number[] = [];
  recallDb!: Client;
  serializationDb!: Client;
  readonly topicPrefix = `t${uniqueSuffix()}.`;
  issuer!: EphemeralIssuer;

  async start(recallReplicas = 1): Promise<void> {
    this.issuer = await createEphemeralIssuer();
    // What a deployment runs first: `pedigree db migrate` for each database, `pedigree kafka ensure-topics`.
    const serializationUrl = await createTestDatabase('serialization');
    const recallUrl = await createTestDatabase('recall');
    await migrateServiceDatabase('serialization', serializationUrl);
    await migrateServiceDatabase('recall', recallUrl);
    await createTestTopics(this.topicPrefix);
    this.metricsPorts = await Promise.all(Array.from({ length: recallReplicas }, () => freePort()));
    const common = {
      KAFKA_BROKERS: kafkaBrokers().join(','),
      KAFKA_TOPIC_PREFIX: this.topicPrefix,
      ...this.issuer.env,
    };
    const starting = [
      startServiceProcess('serialization', {
        ...common,
        DATABASE_URL: serializationUrl,
        VRS_RESPONDER_GLN: PARTIES.manufacturer.party,
      }),
      ...this.metricsPorts.map((port) =>
        startServiceProcess('recall', { ...common, DATABASE_URL: recallUrl, ...prometheusEnv(port) }),
      ),
    ];
    const [serialization, ...recalls] = await Promise.all(starting);
    this.serialization = serialization!;
    this.recalls = recalls;
    await Promise.all([serialization!, ...recalls].map((s) => waitForStatus(s, '/health/ready')));
    this.recallDb = new Client({ connectionString: recallUrl });
    this.serializationDb = new Client({ connectionString: serializationUrl });
    await Promise.all([this.recallDb.connect(), this.serializationDb.connect()]);
  }

  async stop(): Promise<void> {
    await Promise.all([this.serialization, ...this.recalls].map((s) => s?.stop()));
    await Promise.all([this.recallDb?.end(), this.serializationDb?.end()]);
  }

  /** A token of `who` for user `sub` (two users of one party differ by `sub`). */
  token(who: PartyName, roles: Role[], sub = `test:${who}`): Promise<string> {
    const { party, gcp } = PARTIES[who];
    return this.issuer.token({ sub, party, roles, gcp: [...gcp] });
  }

  /** Captures events through the serialization service as `token`; expects 202. */
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

  /** A request to recall replica `replica` (0 by default). */
  async call(
    method: 'GET' | 'POST',
    path: string,
    token: string,
    body?: unknown,
    replica = 0,
    // The answers' shapes are the OpenAPI description's, checked by the assertions that read them.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
  ): Promise<{ status: number; headers: Headers; text: string; json: () => any }> {
    const response = await fetch(`${this.recalls[replica]!.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
  }

  /** A GET of a file (an export) from recall replica 0: its status, headers and bytes. */
  async download(path: string, token: string): Promise<{ status: number; headers: Headers; body: Buffer }> {
    const response = await fetch(`${this.recalls[0]!.baseUrl}${path}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return {
      status: response.status,
      headers: response.headers,
      body: Buffer.from(await response.arrayBuffer()),
    };
  }

  /** Publishes typed messages to one of the stack's topics, as another service would. */
  async publish<T extends TopicContract>(
    pick: (topics: ReturnType<typeof topicsWithPrefix>) => T,
    key: string,
    payload: PayloadOf<T>,
  ) {
    const kafka = createKafkaClient({
      brokers: kafkaBrokers(),
      clientId: 'recall-test',
      logger: createLogger('t', 'silent'),
    });
    const producer = new EnvelopeProducer(kafka, 'test');
    try {
      await producer.publish(pick(topicsWithPrefix(this.topicPrefix)), [{ key, payload }]);
    } finally {
      await producer.disconnect();
    }
  }

  /** How many messages the stack's topic holds (sum of its partitions' high-water marks). */
  async messagesOn(pick: (topics: ReturnType<typeof topicsWithPrefix>) => TopicContract): Promise<number> {
    const kafka = createKafkaClient({
      brokers: kafkaBrokers(),
      clientId: 'recall-test',
      logger: createLogger('t', 'silent'),
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(pick(topicsWithPrefix(this.topicPrefix)).name);
      return offsets.reduce((sum, p) => sum + Number(p.high), 0);
    } finally {
      await admin.disconnect();
    }
  }

  async count(sql: string, params: unknown[] = []): Promise<number> {
    const { rows } = await this.recallDb.query<{ n: string }>(sql, params);
    return Number(rows[0]!.n);
  }
}
