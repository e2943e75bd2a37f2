import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyGs1Signature } from '@pedigree/contracts';
import { createLogger } from '@pedigree/observability';
import { SubscriptionDeliverer } from './subscription-deliverer';
import type {
  Acknowledgement,
  FeedEvent,
  Subscription,
  SubscriptionRepository,
} from './subscription.repository';

const CREATED = new Date('2026-12-01T00:00:00Z');

function subscription(id: string, overrides: Partial<Subscription> = {}): Subscription {
  return {
    id,
    queryName: 'q',
    party: '0614141000005',
    roles: ['manufacturer'],
    dest: null,
    socketOwner: 'this-process',
    signatureToken: null,
    stream: true,
    schedule: null,
    reportIfEmpty: false,
    initialRecordTime: null,
    epcFormat: 'No_Preference',
    createdAt: CREATED,
    feedId: 1,
    cursor: 10,
    batchSize: 500,
    nextAttemptAt: CREATED,
    nextRunAt: null,
    failedAttempts: 0,
    lastNotifiedAt: null,
    ...overrides,
  };
}

function feedEvent(position: number, recordTime: string): FeedEvent {
  return {
    position,
    recordTime: new Date(recordTime),
    entryKey: `e${position}`,
    eventJson: JSON.stringify({ type: 'ObjectEvent', eventID: `urn:uuid:e${position}` }),
    namespaces: {},
    capturerGcps: [],
  };
}

/** The repository calls a delivery makes, recorded; the feed holds `events` after any cursor. */
function fakeRepository(events: FeedEvent[]) {
  const reads: Array<{ feedId: number; after: number; limit: number }> = [];
  const acknowledgements: Acknowledgement[][] = [];
  const repository = {
    read: async (feedId: number, after: number, limit: number) => {
      reads.push({ feedId, after, limit });
      return events.filter((e) => e.position > after).slice(0, limit);
    },
    acknowledge: async (_owner: string, acks: Acknowledgement[]) => {
      acknowledgements.push(acks);
      // A statement takes a while: deliveries finishing meanwhile wait for the next one.
      await new Promise((resolve) => setTimeout(resolve, 20));
      return acks.map((a) => a.id);
    },
    fail: async () => undefined,
    delete: async () => true,
  };
  return { repository: repository as unknown as SubscriptionRepository, reads, acknowledgements };
}

const options = {
  owner: 'this-process',
  timeoutMs: 1000,
  maxBackoffSeconds: 1,
  pollMs: 1000,
  concurrency: 16,
};
const logger = createLogger('subscription-deliverer-spec', 'silent');

type Document = {
  epcisBody: {
    queryResults: { subscriptionID: string; resultsBody: { eventList: Array<{ eventID: string }> } };
  };
};

describe('SubscriptionDeliverer', () => {
  it('reads a batch once for every subscription at the same position and moves their cursors together', async () => {
    const { repository, reads, acknowledgements } = fakeRepository([
      feedEvent(11, '2026-12-02T00:00:00Z'),
      feedEvent(12, '2026-12-02T00:00:01Z'),
    ]);
    const sent = new Map<string, Document>();
    const deliverer = new SubscriptionDeliverer(
      repository,
      {
        send: async (id, body) => {
          sent.set(id, JSON.parse(body.toString('utf8')) as Document);
          return true;
        },
      },
      logger,
      options,
    );
    await Promise.all(['a', 'b', 'c'].map((id) => deliverer.deliver(subscription(id))));
    expect(reads).toHaveLength(1);
    for (const id of ['a', 'b', 'c']) {
      expect(sent.get(id)!.epcisBody.queryResults.subscriptionID).toBe(id);
      expect(sent.get(id)!.epcisBody.queryResults.resultsBody.eventList.map((e) => e.eventID)).toEqual([
        'urn:uuid:e11',
        'urn:uuid:e12',
      ]);
    }
    const acked = acknowledgements.flat();
    expect(acked.map((a) => [a.id, a.cursor]).sort()).toEqual([
      ['a', 12],
      ['b', 12],
      ['c', 12],
    ]);
    // Finishing together: fewer statements than deliveries.
    expect(acknowledgements.length).toBeLessThan(3);
  });

  it("sends a subscription only the events from its start on, and passes the others' positions", async () => {
    const { repository, acknowledgements } = fakeRepository([
      feedEvent(11, '2026-12-02T00:00:00Z'),
      feedEvent(12, '2026-12-03T00:00:00Z'),
    ]);
    const sent: Document[] = [];
    const deliverer = new SubscriptionDeliverer(
      repository,
      {
        send: async (_id, body) => {
          sent.push(JSON.parse(body.toString('utf8')) as Document);
          return true;
        },
      },
      logger,
      options,
    );
    await deliverer.deliver(subscription('late', { createdAt: new Date('2026-12-02T12:00:00Z') }));
    expect(sent.map((d) => d.epcisBody.queryResults.resultsBody.eventList.map((e) => e.eventID))).toEqual([
      ['urn:uuid:e12'],
    ]);
    await deliverer.deliver(subscription('later', { createdAt: new Date('2026-12-04T00:00:00Z') }));
    expect(sent).toHaveLength(1);
    expect(acknowledgements.flat().map((a) => [a.id, a.cursor])).toEqual([
      ['late', 12],
      ['later', 12],
    ]);
  });

  describe('webhooks', () => {
    let server: Server;
    let answer = 204;
    const bodies: Array<{ body: Buffer; signature: string | undefined }> = [];

    beforeAll(async () => {
      server = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          bodies.push({ body: Buffer.concat(chunks), signature: request.headers['gs1-signature'] as string });
          response.writeHead(answer).end();
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('signs each body with its subscription token, and records a refused delivery instead of moving the cursor', async () => {
      const { repository, acknowledgements } = fakeRepository([feedEvent(11, '2026-12-02T00:00:00Z')]);
      const failures: unknown[][] = [];
      (repository as unknown as { fail: (...args: unknown[]) => Promise<void> }).fail = async (...args) => {
        failures.push(args);
      };
      const deliverer = new SubscriptionDeliverer(repository, { send: async () => false }, logger, options);
      const dest = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      const webhook = (id: string) =>
        subscription(id, { socketOwner: null, dest, signatureToken: `token-${id}` });
      await deliverer.deliver(webhook('x'));
      await deliverer.deliver(webhook('y'));
      expect(bodies).toHaveLength(2);
      expect(verifyGs1Signature(bodies[0]!.body, 'token-x', bodies[0]!.signature!)).toBe(true);
      expect(verifyGs1Signature(bodies[1]!.body, 'token-y', bodies[1]!.signature!)).toBe(true);
      expect(acknowledgements.flat().map((a) => a.id)).toEqual(['x', 'y']);
      answer = 413;
      await deliverer.deliver(webhook('z'));
      expect(acknowledgements.flat().map((a) => a.id)).toEqual(['x', 'y']);
      // Retried at once with half the batch (one event stays one).
      expect(failures).toEqual([
        ['z', 'this-process', { status: 413, error: 'the receiver answered 413', events: 1 }, 1, undefined],
      ]);
      await deliverer.stop();
    });
  });
});
