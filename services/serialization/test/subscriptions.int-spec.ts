import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { topicsWithPrefix, verifyGs1Signature } from '@pedigree/contracts';
import { createKafkaClient, groupHasPassed, topicEnds } from '@pedigree/kafka';
import { createLogger } from '@pedigree/observability';
import { kafkaBrokers, uniqueSuffix, type RunningService } from '@pedigree/testing';
import { SUBSCRIPTION_MATCHER_GROUP } from '../src/subscriptions/subscriptions.service';
import { epcisDocument, eventually, pack, PARTIES, SerializationUnderTest } from './harness';

interface Delivery {
  status: number;
  signed: boolean;
  subscriptionID: string;
  eventIds: string[];
}

/** A subscriber's webhook: records every delivery, answers what `answer` says, checks GS1-Signature. */
class Receiver {
  readonly deliveries: Delivery[] = [];
  answer: (delivery: Omit<Delivery, 'status'>) => number = () => 204;
  private server!: Server;

  constructor(private readonly signatureToken: string) {}

  async start(): Promise<void> {
    this.server = createServer((request: IncomingMessage, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks);
        const signature = request.headers['gs1-signature'];
        const document = JSON.parse(body.toString('utf8')) as {
          epcisBody: {
            queryResults: { subscriptionID: string; resultsBody: { eventList: Array<{ eventID: string }> } };
          };
        };
        const delivery = {
          signed: typeof signature === 'string' && verifyGs1Signature(body, this.signatureToken, signature),
          subscriptionID: document.epcisBody.queryResults.subscriptionID,
          eventIds: document.epcisBody.queryResults.resultsBody.eventList.map((e) => e.eventID),
        };
        const status = this.answer(delivery);
        this.deliveries.push({ ...delivery, status });
        response.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/epcis`;
  }

  /** The eventIDs the receiver acknowledged (2xx), as often as each was. */
  acknowledged(): string[] {
    return this.deliveries.filter((d) => d.status < 300).flatMap((d) => d.eventIds);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const gln = (party: string) => `${party.slice(0, 7)}.${party.slice(7, 12)}`;

/** A shipping of one pack from the manufacturer to `to`, with an eventID of its own. */
function shipping(serial: string, to: keyof typeof PARTIES, bizStep = 'shipping') {
  return {
    type: 'ObjectEvent',
    action: 'OBSERVE',
    eventID: `urn:uuid:${crypto.randomUUID()}`,
    eventTime: '2026-03-02T10:00:00+01:00',
    eventTimeZoneOffset: '+01:00',
    epcList: [pack(serial)],
    bizStep,
    disposition: 'in_transit',
    destinationList: [{ type: 'owning_party', destination: `urn:epc:id:pgln:${gln(PARTIES[to].party)}` }],
  };
}

// Subscriptions driven by Kafka on a real service process: deliveries at least once with a cursor that moves only
// after a 2xx, retries, 413 → smaller batches, restarts, two replicas, the subscriber's visibility, WebSockets.
describe('serialization service: query subscriptions (real Kafka and PostgreSQL)', () => {
  const sut = new SerializationUnderTest();
  const env = { SUBSCRIPTION_MAX_BACKOFF_SECONDS: '1', SUBSCRIPTION_POLL_MS: '200' };
  const run = uniqueSuffix();
  let manufacturer: string;
  let wholesaler: string;

  const post = (path: string, token: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${sut.service.baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const get = async <T>(path: string, token: string) =>
    (await (
      await fetch(`${sut.service.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as T;

  async function subscribe(token: string, name: string, query: object, subscription: object) {
    expect((await post('/queries', token, { name, query })).status).toBe(201);
    const response = await post(`/queries/${name}/subscriptions`, token, subscription);
    expect(response.status).toBe(201);
    const body = (await response.json()) as { subscriptionID: string };
    expect(response.headers.get('location')).toBe(`/queries/${name}/subscriptions/${body.subscriptionID}`);
    expect(body).not.toHaveProperty('signatureToken');
    return body.subscriptionID;
  }

  beforeAll(async () => {
    await sut.start(env);
    manufacturer = await sut.token('manufacturer', ['manufacturer']);
    wholesaler = await sut.token('wholesaler', ['distributor']);
  });
  afterAll(() => sut.stop());

  it('delivers each matching event the subscriber may see once: through two replicas, a receiver failing twice and a restart', async () => {
    const receiver = new Receiver(`secret-${run}`);
    await receiver.start();
    let failuresLeft = 2;
    receiver.answer = () => (failuresLeft-- > 0 ? 500 : 200);
    const name = `shipments-${run}`;
    const id = await subscribe(
      wholesaler,
      name,
      { EQ_bizStep: 'shipping' },
      {
        dest: receiver.url,
        signatureToken: `secret-${run}`,
        stream: true,
      },
    );
    let replica: RunningService | undefined = await sut.replica(env);
    try {
      const toWholesaler = [1, 2, 3].map((n) => shipping(`S${run}-${n}`, 'wholesaler'));
      const notVisible = shipping(`S${run}-4`, 'pharmacy');
      const notMatching = shipping(`S${run}-5`, 'wholesaler', 'departing');
      expect(
        (await sut.capture(epcisDocument([toWholesaler[0]!, notVisible, notMatching]), manufacturer)).status,
      ).toBe(202);
      expect((await sut.capture(epcisDocument(toWholesaler.slice(1)), manufacturer)).status).toBe(202);
      await eventually(
        async () => receiver.acknowledged().length,
        (n) => n >= 3,
        'three shippings acknowledged',
        60_000,
      );
      expect(receiver.deliveries.filter((d) => d.status === 500)).toHaveLength(2);
      // The failed deliveries are visible on the subscription.
      const state = await get<{ failures: Array<{ status: number }>; pendingEvents: number }>(
        `/queries/${name}/subscriptions/${id}`,
        wholesaler,
      );
      expect(state.failures.map((f) => f.status)).toEqual([500, 500]);

      await replica.stop();
      replica = undefined;
      // Pending across a restart: the receiver refuses while the service goes down and comes back.
      receiver.answer = () => 503;
      const later = shipping(`S${run}-6`, 'wholesaler');
      expect((await sut.capture(epcisDocument([later]), manufacturer)).status).toBe(202);
      await eventually(
        async () => receiver.deliveries.filter((d) => d.status === 503).length,
        (n) => n >= 1,
        'a refused delivery of the later shipping',
        60_000,
      );
      await sut.service.stop();
      receiver.answer = () => 200;
      await sut.start(env);
      await eventually(
        async () => receiver.acknowledged().length,
        (n) => n >= 4,
        'the later shipping delivered after the restart',
        60_000,
      );
      const expected = [...toWholesaler, later].map((e) => e.eventID).sort();
      expect(receiver.acknowledged().sort()).toEqual(expected);
      expect(receiver.deliveries.every((d) => d.signed && d.subscriptionID === id)).toBe(true);
      await eventually(
        () =>
          get<{ pendingEvents: number; failedAttempts: number }>(
            `/queries/${name}/subscriptions/${id}`,
            wholesaler,
          ),
        (s) => s.pendingEvents === 0 && s.failedAttempts === 0,
        'cursor past every event',
      );
    } finally {
      await replica?.stop();
      await receiver.stop();
    }
  });

  it('gives each party subscribed to the same query what that party may see', async () => {
    const pharmacy = await sut.token('pharmacy', ['dispenser']);
    const regulator = await sut.token('regulator', ['regulator']);
    const name = `handover-${run}`;
    const subscribers = { wholesaler, pharmacy, regulator };
    const receivers = new Map<string, Receiver>();
    try {
      for (const [who, token] of Object.entries(subscribers)) {
        const receiver = new Receiver(`secret-${who}`);
        await receiver.start();
        receivers.set(who, receiver);
        await subscribe(
          token,
          name,
          { EQ_bizStep: 'loading' },
          { dest: receiver.url, signatureToken: `secret-${who}`, stream: true },
        );
      }
      // One feed per view: the wholesaler's, the pharmacy's, every party's (the regulator).
      expect(
        await sut.count('SELECT count(DISTINCT feed_id) AS n FROM subscriptions WHERE query_name = $1', [
          name,
        ]),
      ).toBe(3);
      const toWholesaler = shipping(`V${run}-1`, 'wholesaler', 'loading');
      const toPharmacy = shipping(`V${run}-2`, 'pharmacy', 'loading');
      expect((await sut.capture(epcisDocument([toWholesaler, toPharmacy]), manufacturer)).status).toBe(202);
      await eventually(
        async () => receivers.get('regulator')!.acknowledged().length,
        (n) => n >= 2,
        'both shippings delivered to the regulator',
        60_000,
      );
      await eventually(
        async () => [...receivers.values()].map((r) => r.acknowledged().length),
        (counts) => counts.every((n) => n >= 1),
        'every subscriber served',
        60_000,
      );
      expect(receivers.get('wholesaler')!.acknowledged()).toEqual([toWholesaler.eventID]);
      expect(receivers.get('pharmacy')!.acknowledged()).toEqual([toPharmacy.eventID]);
      expect(receivers.get('regulator')!.acknowledged().sort()).toEqual(
        [toWholesaler.eventID, toPharmacy.eventID].sort(),
      );
      expect([...receivers.values()].every((r) => r.deliveries.every((d) => d.signed))).toBe(true);
    } finally {
      for (const receiver of receivers.values()) await receiver.stop();
    }
  });

  it('keeps serving a healthy receiver while another subscription to the same query fails', async () => {
    const healthy = new Receiver('healthy');
    const failing = new Receiver('failing');
    await healthy.start();
    await failing.start();
    failing.answer = () => 500;
    const name = `pair-${run}`;
    try {
      const healthyId = await subscribe(
        manufacturer,
        name,
        { EQ_bizStep: 'picking' },
        { dest: healthy.url, signatureToken: 'healthy', stream: true },
      );
      const created = await post(`/queries/${name}/subscriptions`, manufacturer, {
        dest: failing.url,
        signatureToken: 'failing',
        stream: true,
      });
      expect(created.status).toBe(201);
      const failingId = ((await created.json()) as { subscriptionID: string }).subscriptionID;
      // Both read one feed, each with its own cursor.
      expect(
        await sut.count('SELECT count(DISTINCT feed_id) AS n FROM subscriptions WHERE query_name = $1', [
          name,
        ]),
      ).toBe(1);
      const first = [1, 2, 3].map((n) => shipping(`P${run}-${n}`, 'wholesaler', 'picking'));
      const second = [4, 5].map((n) => shipping(`P${run}-${n}`, 'wholesaler', 'picking'));
      expect((await sut.capture(epcisDocument(first), manufacturer)).status).toBe(202);
      await eventually(
        async () => failing.deliveries.length,
        (n) => n >= 1,
        'a refused delivery',
        60_000,
      );
      expect((await sut.capture(epcisDocument(second), manufacturer)).status).toBe(202);
      const all = [...first, ...second].map((e) => e.eventID).sort();
      await eventually(
        async () => healthy.acknowledged().sort(),
        (ids) => ids.length >= 5,
        'every event delivered to the healthy receiver',
        60_000,
      );
      expect(healthy.acknowledged().sort()).toEqual(all);
      const state = (id: string) =>
        get<{ pendingEvents: number; failures: Array<{ status: number }> }>(
          `/queries/${name}/subscriptions/${id}`,
          manufacturer,
        );
      expect(await state(healthyId)).toMatchObject({ pendingEvents: 0, failures: [] });
      const failed = await state(failingId);
      expect(failed.pendingEvents).toBe(5);
      expect(failed.failures.length).toBeGreaterThan(0);
      expect(failed.failures.every((f) => f.status === 500)).toBe(true);
      expect(failing.acknowledged()).toEqual([]);
      // Once it answers, it receives what it missed, from its own cursor.
      failing.answer = () => 200;
      await eventually(
        async () => failing.acknowledged().length,
        (n) => n >= 5,
        'the recovered receiver caught up',
        60_000,
      );
      expect(failing.acknowledged().sort()).toEqual(all);
    } finally {
      await healthy.stop();
      await failing.stop();
    }
  });

  it('sends smaller batches after a 413, down to one event', async () => {
    const receiver = new Receiver('t');
    await receiver.start();
    receiver.answer = (d) => (d.eventIds.length > 1 ? 413 : 200);
    const name = `small-${run}`;
    const id = await subscribe(
      manufacturer,
      name,
      { EQ_bizStep: 'inspecting' },
      { dest: receiver.url, stream: true },
    );
    try {
      const events = [1, 2, 3, 4].map((n) => shipping(`B${run}-${n}`, 'wholesaler', 'inspecting'));
      // Captured before the deliverer looks, in one document: one queue, four events.
      expect((await sut.capture(epcisDocument(events), manufacturer)).status).toBe(202);
      await eventually(
        async () => receiver.acknowledged().length,
        (n) => n >= 4,
        'four events delivered',
        60_000,
      );
      expect(receiver.acknowledged().sort()).toEqual(events.map((e) => e.eventID).sort());
      const state = await get<{ failures: Array<{ status: number }> }>(
        `/queries/${name}/subscriptions/${id}`,
        manufacturer,
      );
      expect(receiver.deliveries.some((d) => d.status === 413)).toBe(true);
      expect(receiver.deliveries.every((d) => d.status === 200 || d.eventIds.length > 1)).toBe(true);
      expect(state.failures.every((f) => f.status === 413)).toBe(true);
    } finally {
      await receiver.stop();
    }
  });

  it('refuses subscriptions without stream or schedule, with both, or with a bad schedule; unsubscribes', async () => {
    const name = `controls-${run}`;
    expect((await post('/queries', manufacturer, { name, query: { EQ_bizStep: 'receiving' } })).status).toBe(
      201,
    );
    const dest = 'http://127.0.0.1:9/none';
    for (const body of [
      { dest },
      { dest, stream: true, schedule: { minute: '5' } },
      { dest, schedule: { minute: '75' } },
    ]) {
      const response = await post(`/queries/${name}/subscriptions`, manufacturer, body);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ type: 'epcisException:SubscriptionControlsException' });
    }
    expect((await post(`/queries/${name}/subscriptions`, manufacturer, { stream: true })).status).toBe(400);
    expect(
      (await post(`/queries/none-${run}/subscriptions`, manufacturer, { dest, stream: true })).status,
    ).toBe(404);
    const created = await post(`/queries/${name}/subscriptions`, manufacturer, {
      dest,
      schedule: { hour: '1', minute: '5' },
      reportIfEmpty: true,
    });
    expect(created.status).toBe(201);
    const { subscriptionID } = (await created.json()) as { subscriptionID: string };
    expect(await get<unknown[]>(`/queries/${name}/subscriptions`, manufacturer)).toEqual([
      expect.objectContaining({ subscriptionID, schedule: { hour: '1', minute: '5' }, reportIfEmpty: true }),
    ]);
    // Another party cannot see or end it.
    expect(
      (
        await fetch(`${sut.service.baseUrl}/queries/${name}/subscriptions/${subscriptionID}`, {
          method: 'DELETE',
          headers: { authorization: `Bearer ${wholesaler}` },
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await fetch(`${sut.service.baseUrl}/queries/${name}/subscriptions/${subscriptionID}`, {
          method: 'DELETE',
          headers: { authorization: `Bearer ${manufacturer}` },
        })
      ).status,
    ).toBe(204);
    expect(await get<unknown[]>(`/queries/${name}/subscriptions`, manufacturer)).toEqual([]);
    // Deleting the query deletes its subscriptions.
    expect((await post(`/queries/${name}/subscriptions`, manufacturer, { dest, stream: true })).status).toBe(
      201,
    );
    expect(
      (
        await fetch(`${sut.service.baseUrl}/queries/${name}`, {
          method: 'DELETE',
          headers: { authorization: `Bearer ${manufacturer}` },
        })
      ).status,
    ).toBe(204);
    expect(await sut.count('SELECT count(*) AS n FROM subscriptions WHERE query_name = $1', [name])).toBe(0);
  });

  it('delivers a scheduled subscription on its schedule, with the stored events since initialRecordTime', async () => {
    const receiver = new Receiver('t');
    await receiver.start();
    const name = `scheduled-${run}`;
    const earlier = shipping(`C${run}-1`, 'wholesaler', 'storing');
    expect((await sut.capture(epcisDocument([earlier]), manufacturer)).status).toBe(202);
    await eventually(
      () => sut.count('SELECT count(*) AS n FROM events WHERE event_id = $1', [earlier.eventID]),
      (n) => n === 1,
      'the earlier event stored',
    );
    try {
      await subscribe(
        manufacturer,
        name,
        { EQ_bizStep: 'storing' },
        {
          dest: receiver.url,
          schedule: { second: '0-59' },
          initialRecordTime: '2020-01-01T00:00:00Z',
        },
      );
      const after = shipping(`C${run}-2`, 'wholesaler', 'storing');
      expect((await sut.capture(epcisDocument([after]), manufacturer)).status).toBe(202);
      await eventually(
        async () => receiver.acknowledged().length,
        (n) => n >= 2,
        'both delivered',
        60_000,
      );
      expect(receiver.acknowledged().sort()).toEqual([earlier.eventID, after.eventID].sort());
    } finally {
      await receiver.stop();
    }
  });

  it('delivers an event captured before a subscription starting in the past that the projector had not stored yet', async () => {
    const receiver = new Receiver('t');
    await receiver.start();
    const name = `late-projection-${run}`;
    expect((await post('/queries', manufacturer, { name, query: { EQ_bizStep: 'holding' } })).status).toBe(
      201,
    );
    const topic = topicsWithPrefix(sut.topicPrefix).epcisEvents.name;
    const kafka = createKafkaClient({
      brokers: kafkaBrokers(),
      clientId: 'test',
      logger: createLogger('t', 'silent'),
    });
    const admin = kafka.admin();
    await admin.connect();
    // The projector cannot store events while this transaction holds the table; the matcher goes on.
    const blocker = await sut.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE events IN SHARE MODE');
    try {
      const published = await sut.publishedEventCount();
      const earlier = shipping(`L${run}-1`, 'wholesaler', 'holding');
      expect((await sut.capture(epcisDocument([earlier]), manufacturer)).status).toBe(202);
      await eventually(sut.publishedEventCount.bind(sut), (n) => n === published + 1, 'the event published');
      const ends = await topicEnds(admin, topic);
      await eventually(
        () => groupHasPassed(admin, sut.topicPrefix + SUBSCRIPTION_MATCHER_GROUP, topic, ends),
        (passed) => passed,
        'the subscription matcher past the event',
      );
      expect(await sut.count('SELECT count(*) AS n FROM events WHERE event_id = $1', [earlier.eventID])).toBe(
        0,
      );

      const response = await post(`/queries/${name}/subscriptions`, manufacturer, {
        dest: receiver.url,
        stream: true,
        initialRecordTime: '2020-01-01T00:00:00Z',
      });
      expect(response.status).toBe(201);
      const { subscriptionID } = (await response.json()) as { subscriptionID: string };
      expect(
        await sut.count('SELECT count(*) AS n FROM subscriptions WHERE id = $1 AND backfill_pending', [
          subscriptionID,
        ]),
      ).toBe(1);
      const later = shipping(`L${run}-2`, 'wholesaler', 'holding');
      expect((await sut.capture(epcisDocument([later]), manufacturer)).status).toBe(202);
      // Nothing is delivered while the backfill waits for the projector.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(receiver.deliveries).toEqual([]);

      await blocker.query('COMMIT');
      await eventually(
        async () => receiver.acknowledged().length,
        (n) => n >= 2,
        'both delivered',
        60_000,
      );
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(receiver.acknowledged().sort()).toEqual([earlier.eventID, later.eventID].sort());
      expect(
        await sut.count('SELECT count(*) AS n FROM subscriptions WHERE id = $1 AND backfill_pending', [
          subscriptionID,
        ]),
      ).toBe(0);
    } finally {
      await blocker.end();
      await admin.disconnect();
      await receiver.stop();
    }
  });

  it('streams over a WebSocket (GET /queries/{name}/events?stream=true) what the subscriber may see', async () => {
    const name = `socket-${run}`;
    expect((await post('/queries', wholesaler, { name, query: { EQ_bizStep: 'arriving' } })).status).toBe(
      201,
    );
    const socket = new WebSocket(
      `${sut.service.baseUrl.replace('http', 'ws')}/queries/${name}/events?stream=true`,
      {
        headers: { authorization: `Bearer ${wholesaler}`, 'GS1-EPC-Format': 'Always_GS1_Digital_Link' },
      },
    );
    const received: Array<{ epcList: string[]; eventID: string }> = [];
    socket.on('message', (data: Buffer) => {
      const document = JSON.parse(data.toString('utf8')) as {
        epcisBody: {
          queryResults: { resultsBody: { eventList: Array<{ epcList: string[]; eventID: string }> } };
        };
      };
      received.push(...document.epcisBody.queryResults.resultsBody.eventList);
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    try {
      const visible = shipping(`W${run}-1`, 'wholesaler', 'arriving');
      const hidden = shipping(`W${run}-2`, 'pharmacy', 'arriving');
      expect((await sut.capture(epcisDocument([hidden, visible]), manufacturer)).status).toBe(202);
      await eventually(
        async () => received.length,
        (n) => n >= 1,
        'a streamed event',
        60_000,
      );
      expect(received.map((e) => e.eventID)).toEqual([visible.eventID]);
      expect(received[0]!.epcList).toEqual([`https://id.gs1.org/01/10614141073464/21/W${run}-1`]);
    } finally {
      socket.close();
    }
    await eventually(
      () => sut.count('SELECT count(*) AS n FROM subscriptions WHERE query_name = $1', [name]),
      (n) => n === 0,
      'the socket subscription dropped once closed',
    );
    // A socket starting in the past gets the stored events since then first; identifiers as Digital Links by default.
    const replay = new WebSocket(
      `${sut.service.baseUrl.replace('http', 'ws')}/queries/${name}/events?stream=true&initialRecordTime=2020-01-01T00:00:00Z`,
      { headers: { authorization: `Bearer ${wholesaler}` } },
    );
    const replayed: Array<{ epcList: string[]; eventID: string }> = [];
    replay.on('message', (data: Buffer) => {
      const document = JSON.parse(data.toString('utf8')) as {
        epcisBody: {
          queryResults: { resultsBody: { eventList: Array<{ epcList: string[]; eventID: string }> } };
        };
      };
      replayed.push(...document.epcisBody.queryResults.resultsBody.eventList);
    });
    try {
      await eventually(
        async () => replayed.length,
        (n) => n >= 1,
        'the stored event replayed',
        60_000,
      );
      expect(replayed.map((e) => [e.eventID, e.epcList])).toEqual([
        [received[0]!.eventID, [`https://id.gs1.org/01/10614141073464/21/W${run}-1`]],
      ]);
    } finally {
      replay.close();
    }
    const refused = new WebSocket(
      `${sut.service.baseUrl.replace('http', 'ws')}/queries/${name}/events?stream=true`,
    );
    const status = await new Promise<number>((resolve) =>
      refused.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0)),
    );
    expect(status).toBe(401);
  });
});
