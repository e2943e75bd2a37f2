import { EPCIS_CONTEXT_URI } from '@pedigree/epcis';
import { Client } from 'pg';
import { createEphemeralIssuer, type EphemeralIssuer, type Role } from '@pedigree/auth';
import { deadLetterTopicName, topicsWithPrefix } from '@pedigree/contracts';
import { migrateServiceDatabase } from '@pedigree/database';
import { createKafkaClient } from '@pedigree/kafka';
import { createLogger } from '@pedigree/observability';
import {
  createTestDatabase,
  createTestTopics,
  kafkaBrokers,
  startServiceProcess,
  uniqueSuffix,
  waitForStatus,
  type RunningService,
} from '@pedigree/testing';

export const PARTIES = {
  manufacturer: { party: '0614141000005', gcp: ['0614141'] },
  otherManufacturer: { party: '9506000000008', gcp: ['9506000'] },
  wholesaler: { party: '4012345000009', gcp: ['4012345'] },
  /** A pharmacy chain: its premises are GLNs under its company prefix. */
  pharmacy: { party: '9521321000001', gcp: ['9521321'] },
  regulator: { party: '4000001000005', gcp: [] as string[] },
} as const;

export const EPCIS_CONTEXT = EPCIS_CONTEXT_URI;

/** A serialization service process on its own database and topic namespace, with a dev token issuer. */
export class SerializationUnderTest {
  service!: RunningService;
  db!: Client;
  readonly topicPrefix = `t${uniqueSuffix()}.`;
  private databaseUrl!: string;
  private issuer!: EphemeralIssuer;

  async start(extraEnv: Record<string, string> = {}): Promise<void> {
    this.issuer ??= await createEphemeralIssuer();
    if (!this.databaseUrl) {
      // What a deployment runs before it starts the service: `pedigree db migrate`, `pedigree kafka ensure-topics`.
      this.databaseUrl = await createTestDatabase('serialization');
      await migrateServiceDatabase('serialization', this.databaseUrl);
      await createTestTopics(this.topicPrefix);
    }
    this.service = await startServiceProcess('serialization', {
      DATABASE_URL: this.databaseUrl,
      KAFKA_BROKERS: kafkaBrokers().join(','),
      KAFKA_TOPIC_PREFIX: this.topicPrefix,
      ...this.issuer.env,
      ...extraEnv,
    });
    await waitForStatus(this.service, '/health/ready');
    if (!this.db) {
      this.db = new Client({ connectionString: this.databaseUrl });
      await this.db.connect();
    }
  }

  /** Another process of the service on the same database and topics (as a second replica); the caller stops it. */
  async replica(extraEnv: Record<string, string> = {}): Promise<RunningService> {
    const replica = await startServiceProcess('serialization', {
      DATABASE_URL: this.databaseUrl,
      KAFKA_BROKERS: kafkaBrokers().join(','),
      KAFKA_TOPIC_PREFIX: this.topicPrefix,
      ...this.issuer.env,
      ...extraEnv,
    });
    await waitForStatus(replica, '/health/ready');
    return replica;
  }

  async stop(): Promise<void> {
    await this.service?.stop();
    await this.db?.end();
  }

  async token(who: keyof typeof PARTIES, roles: Role[]): Promise<string> {
    const { party, gcp } = PARTIES[who];
    return this.issuer.token({ sub: `test:${who}`, party, roles, gcp: [...gcp] });
  }

  async capture(document: unknown, token: string, contentType = 'application/ld+json'): Promise<Response> {
    return fetch(`${this.service.baseUrl}/capture`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
      body: typeof document === 'string' ? document : JSON.stringify(document),
    });
  }

  async get(
    urlPath: string,
    token: string,
    accept = 'application/ld+json',
    headers: Record<string, string> = {},
  ): Promise<Response> {
    return fetch(`${this.service.baseUrl}${urlPath}`, {
      headers: { authorization: `Bearer ${token}`, accept, ...headers },
    });
  }

  /** Sum of the high-water marks of the service's event topic: grows by one per published event. */
  publishedEventCount(): Promise<number> {
    return this.messagesWritten(topicsWithPrefix(this.topicPrefix).epcisEvents.name);
  }

  /** How many event messages a consumer of this service sent to the event topic's dead-letter twin. */
  deadLetteredEventCount(): Promise<number> {
    return this.messagesWritten(deadLetterTopicName(topicsWithPrefix(this.topicPrefix).epcisEvents.name));
  }

  private async messagesWritten(topic: string): Promise<number> {
    const kafka = createKafkaClient({
      brokers: kafkaBrokers(),
      clientId: 'test-offsets',
      logger: createLogger('t', 'silent'),
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets.reduce((sum, p) => sum + Number(p.high), 0);
    } finally {
      await admin.disconnect();
    }
  }

  /** A connection of its own to the service's database (the caller ends it). */
  async connect(): Promise<Client> {
    const client = new Client({ connectionString: this.databaseUrl });
    await client.connect();
    return client;
  }

  /** The events of every page of a query, following its `Link: rel="next"`; each page must answer 200. */
  async eventPages(first: string, token: string): Promise<Array<Array<Record<string, unknown>>>> {
    const pages: Array<Array<Record<string, unknown>>> = [];
    let next: string | null = first;
    while (next) {
      const response = await this.get(next, token);
      if (response.status !== 200)
        throw new Error(`${next} answered ${response.status}: ${await response.text()}`);
      const body = (await response.json()) as {
        epcisBody: { queryResults: { resultsBody: { eventList: Array<Record<string, unknown>> } } };
      };
      pages.push(body.epcisBody.queryResults.resultsBody.eventList);
      next = /<([^>]+)>; rel="next"/.exec(response.headers.get('link') ?? '')?.[1] ?? null;
    }
    return pages;
  }

  async count(sql: string, params: unknown[] = []): Promise<number> {
    const { rows } = await this.db.query<{ n: string }>(sql, params);
    return Number(rows[0]!.n);
  }

  async serial(gtin: string, serial: string) {
    const { rows } = await this.db.query(
      `SELECT key, kind, gtin, serial, lot, expiry::text, commissioned, status, parent_key, owner, location, recall_id
       FROM serials WHERE gtin = $1 AND serial = $2`,
      [gtin, serial],
    );
    return rows[0] as Record<string, unknown> | undefined;
  }
}

export { eventually } from '@pedigree/testing';

export function epcisDocument(events: object[], context: unknown = EPCIS_CONTEXT) {
  return {
    '@context': context,
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2026-01-01T00:00:00Z',
    epcisBody: { eventList: events },
  };
}

/** A pack of the manufacturer (company prefix 0614141, item reference 107346 → GTIN 10614141073464). */
export const pack = (serial: string | number) => `urn:epc:id:sgtin:0614141.107346.${serial}`;
export const GTIN = '10614141073464';
export const caseOf = (n: number) => `urn:epc:id:sscc:0614141.${String(1000000000 + n)}`;

/** The supply-chain story of a few packs: commission → pack → ship → receive → unpack → dispense. */
export function story(serials: string[], caseNumber: number) {
  const site = (gln: string) => `urn:epc:id:sgln:${gln.slice(0, 7)}.${gln.slice(7, 12)}.0`;
  const party = (gln: string) => `urn:epc:id:pgln:${gln.slice(0, 7)}.${gln.slice(7, 12)}`;
  const base = { eventTimeZoneOffset: '+01:00' };
  return {
    commission: {
      ...base,
      type: 'ObjectEvent',
      action: 'ADD',
      eventTime: '2026-03-01T08:00:00+01:00',
      epcList: serials.map(pack),
      bizStep: 'commissioning',
      disposition: 'active',
      readPoint: { id: site(PARTIES.manufacturer.party) },
      bizLocation: { id: site(PARTIES.manufacturer.party) },
      ilmd: { 'cbvmda:lotNumber': 'LOT-A1', 'cbvmda:itemExpirationDate': '2028-02-29' },
    },
    packing: {
      ...base,
      type: 'AggregationEvent',
      action: 'ADD',
      eventTime: '2026-03-01T09:00:00+01:00',
      parentID: caseOf(caseNumber),
      childEPCs: serials.map(pack),
      bizStep: 'packing',
      disposition: 'in_progress',
      bizLocation: { id: site(PARTIES.manufacturer.party) },
    },
    shipping: {
      ...base,
      type: 'ObjectEvent',
      action: 'OBSERVE',
      eventTime: '2026-03-02T10:00:00+01:00',
      epcList: [caseOf(caseNumber)],
      bizStep: 'shipping',
      disposition: 'in_transit',
      sourceList: [{ type: 'owning_party', source: party(PARTIES.manufacturer.party) }],
      destinationList: [{ type: 'owning_party', destination: party(PARTIES.wholesaler.party) }],
    },
    receiving: {
      ...base,
      type: 'ObjectEvent',
      action: 'OBSERVE',
      eventTime: '2026-03-03T10:00:00+01:00',
      epcList: [caseOf(caseNumber)],
      bizStep: 'receiving',
      disposition: 'in_progress',
      bizLocation: { id: site(PARTIES.wholesaler.party) },
      sourceList: [{ type: 'owning_party', source: party(PARTIES.manufacturer.party) }],
      destinationList: [{ type: 'owning_party', destination: party(PARTIES.wholesaler.party) }],
    },
    unpacking: {
      ...base,
      type: 'AggregationEvent',
      action: 'DELETE',
      eventTime: '2026-03-03T11:00:00+01:00',
      parentID: caseOf(caseNumber),
      bizStep: 'unpacking',
      bizLocation: { id: site(PARTIES.wholesaler.party) },
    },
    dispensing: {
      ...base,
      type: 'ObjectEvent',
      action: 'OBSERVE',
      eventTime: '2026-03-10T15:00:00+01:00',
      epcList: [pack(serials[0]!)],
      bizStep: 'dispensing',
      disposition: 'dispensed',
      bizLocation: { id: site(PARTIES.pharmacy.party) },
    },
  };
}

/**
 * The manufacturer ships packs to `holder`, which receives them (captured by each in turn): only the holder changes a
 * pack (docs/authorisation.md), so a test that operates on packs as another party hands them over first.
 */
export function handover(serials: string[], holder: keyof typeof PARTIES) {
  const gln = PARTIES[holder].party;
  const to = [
    { type: 'owning_party', destination: `urn:epc:id:pgln:${gln.slice(0, 7)}.${gln.slice(7, 12)}` },
  ];
  const base = {
    type: 'ObjectEvent',
    action: 'OBSERVE',
    eventTimeZoneOffset: '+01:00',
    epcList: serials.map(pack),
    destinationList: to,
  };
  return {
    shipping: {
      ...base,
      eventTime: '2026-03-01T12:00:00+01:00',
      bizStep: 'shipping',
      disposition: 'in_transit',
    },
    receiving: {
      ...base,
      eventTime: '2026-03-01T14:00:00+01:00',
      bizStep: 'receiving',
      disposition: 'sellable_accessible',
      bizLocation: { id: `urn:epc:id:sgln:${gln.slice(0, 7)}.${gln.slice(7, 12)}.0` },
    },
  };
}
