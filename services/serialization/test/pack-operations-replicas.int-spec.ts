import { topicsWithPrefix } from '@pedigree/contracts';
import { createKafkaClient } from '@pedigree/kafka';
import { createLogger } from '@pedigree/observability';
import { kafkaBrokers, uniqueSuffix, type RunningService } from '@pedigree/testing';
import { epcisDocument, eventually, GTIN, handover, PARTIES, SerializationUnderTest, story } from './harness';

type Operation = 'supply' | 'undo' | 'verify' | 'destroy';
type State = 'active' | 'dispensed' | 'destroyed';

interface Answer {
  status: number;
  serial: string;
  operation: Operation;
  body: {
    verificationId: string;
    verificationTimestamp: string;
    returnCode: string;
    applied: boolean;
    pack: { state?: string };
  };
}

interface Published {
  envelope: { messageId: string; payload: unknown };
  partition: number;
  offset: bigint;
  key: string;
  captureId: string;
  eventHash: string;
  bizStep: unknown;
  declared: boolean;
}

/** A small deterministic generator (mulberry32), so a failing mix can be run again. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** What an accepted operation does to the pack in the model; throws when the operation could not have been accepted. */
function apply(state: State, operation: Operation): State {
  if (operation === 'supply' && state === 'active') return 'dispensed';
  if (operation === 'destroy' && state === 'active') return 'destroyed';
  if (operation === 'undo' && state === 'dispensed') return 'active';
  throw new Error(`${operation} accepted on a ${state} pack`);
}

describe('pack operations on two processes of the service (real PostgreSQL and Kafka)', () => {
  const sut = new SerializationUnderTest();
  const run = uniqueSuffix().slice(-6);
  let replica: RunningService;
  let pharmacy: string;

  async function commission(serials: string[]): Promise<void> {
    const manufacturer = await sut.token('manufacturer', ['manufacturer']);
    const response = await sut.capture(epcisDocument([story(serials, 1).commission]), manufacturer);
    expect(response.status).toBe(202);
    // Handed to the pharmacy that operates on them: only the holder changes a pack.
    const { shipping, receiving } = handover(serials, 'pharmacy');
    expect((await sut.capture(epcisDocument([shipping]), manufacturer)).status).toBe(202);
    expect((await sut.capture(epcisDocument([receiving]), pharmacy)).status).toBe(202);
    await eventually(
      async () => {
        for (const serial of serials) {
          const row = await sut.serial(GTIN, serial);
          if (row?.status !== 'active' || row.owner !== PARTIES.pharmacy.party) return false;
        }
        return true;
      },
      (all) => all,
      'the packs commissioned and received by the pharmacy',
      30000,
    );
  }

  function operate(base: string, operation: Operation, serial: string, token = pharmacy): Promise<Answer> {
    return fetch(`${base}/packs/${operation}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ gtin: GTIN, serial, lot: 'LOT-A1', expiry: '2028-02-29' }),
    }).then(async (response) => ({
      status: response.status,
      serial,
      operation,
      body: (await response.json()) as Answer['body'],
    }));
  }

  beforeAll(async () => {
    await sut.start();
    replica = await sut.replica();
    pharmacy = await sut.token('pharmacy', ['dispenser']);
  }, 120000);

  afterAll(async () => {
    await replica?.stop();
    await sut.stop();
  });

  it('applies concurrent operations on the same packs one at a time, and publishes each accepted one exactly once', async () => {
    const serials = [1, 2, 3, 4].map((n) => `R${run}-${n}`);
    await commission(serials);

    // Supply, undo and verify, and now and then a destruction, aimed at four packs through both processes at once.
    const next = random(20261203);
    const bases = [sut.service.baseUrl, replica.baseUrl];
    const requests = Array.from({ length: 400 }, () => {
      const roll = next();
      const operation: Operation =
        roll < 0.4 ? 'supply' : roll < 0.75 ? 'undo' : roll < 0.98 ? 'verify' : 'destroy';
      return {
        operation,
        serial: serials[Math.floor(next() * serials.length)]!,
        base: bases[Math.floor(next() * 2)]!,
      };
    });
    const started = Date.now();
    const answers = await Promise.all(
      requests.map(({ operation, serial, base }) => operate(base, operation, serial)),
    );
    const elapsed = Date.now() - started;
    const accepted = answers.filter((a) => a.operation !== 'verify' && a.body.applied);
    console.log(
      JSON.stringify({
        requests: answers.length,
        accepted: accepted.length,
        byOperation: Object.fromEntries(
          (['supply', 'undo', 'verify', 'destroy'] as const).map((op) => [
            op,
            `${accepted.filter((a) => a.operation === op).length}/${answers.filter((a) => a.operation === op).length}`,
          ]),
        ),
        statuses: answers.reduce<Record<number, number>>(
          (counts, a) => ({ ...counts, [a.status]: (counts[a.status] ?? 0) + 1 }),
          {},
        ),
        elapsedMs: elapsed,
      }),
    );
    expect(
      answers.filter((a) => a.status !== (a.body.applied || a.operation === 'verify' ? 200 : 409)),
    ).toEqual([]);

    // Replaying the accepted operations of each pack one at a time, in the order of their times, gives every
    // accepted answer's state and the pack's end state; a supply is accepted only on an active pack.
    const expected = new Map<string, State>();
    const order = new Map<string, string[]>();
    for (const serial of serials) {
      const mine = accepted
        .filter((a) => a.serial === serial)
        .sort((a, b) => a.body.verificationTimestamp.localeCompare(b.body.verificationTimestamp));
      const times = mine.map((a) => a.body.verificationTimestamp);
      expect(new Set(times).size).toBe(times.length);
      let state: State = 'active';
      for (const answer of mine) {
        state = apply(state, answer.operation);
        expect(answer.body.pack.state).toBe(state);
      }
      expected.set(serial, state);
      order.set(
        serial,
        mine.map((a) => a.body.verificationId),
      );
    }
    const distributor = await sut.token('wholesaler', ['distributor']);
    for (const serial of serials) {
      const answer = await operate(sut.service.baseUrl, 'verify', serial, distributor);
      expect(answer.body.pack.state).toBe(expected.get(serial));
    }

    // What is stored: one operation row per accepted state change, marked undone once per accepted undo.
    const operations = accepted.filter((a) => a.operation !== 'undo');
    const undos = accepted.filter((a) => a.operation === 'undo');
    const mine = `%/21/R${run}-%`;
    expect(await sut.count(`SELECT count(*) AS n FROM pack_operations WHERE key LIKE $1`, [mine])).toBe(
      operations.length,
    );
    expect(
      await sut.count(
        `SELECT count(*) AS n FROM pack_operations WHERE key LIKE $1 AND undone_at IS NOT NULL`,
        [mine],
      ),
    ).toBe(undos.length);

    // Every accepted operation's event on the topic exactly once (named by the operation's id), a pack's events on
    // one partition in the order of the operations; the outbox empties.
    await eventually(
      () => sut.count(`SELECT count(*) AS n FROM outbox`),
      (n) => n === 0,
      'the outbox published',
      30000,
    );
    const published = await readTopic(sut.topicPrefix, await sut.publishedEventCount());
    const ours = published.filter((m) => m.bizStep !== 'commissioning' && m.key.includes(`/21/R${run}-`));
    const captureIds = ours.map((m) => m.captureId);
    expect(captureIds.length).toBe(accepted.length);
    expect(new Set(captureIds)).toEqual(new Set(accepted.map((a) => a.body.verificationId)));
    expect(ours.filter((m) => m.declared).length).toBe(undos.length);
    for (const serial of serials) {
      const key = `https://id.gs1.org/01/${GTIN}/21/${serial}`;
      const events = ours.filter((m) => m.key === key);
      expect(new Set(events.map((m) => m.partition)).size).toBeLessThanOrEqual(1);
      expect(events.sort((a, b) => (a.offset < b.offset ? -1 : 1)).map((m) => m.captureId)).toEqual(
        order.get(serial),
      );
    }

    // The registry catches up through the projector (events and undos folded) to the same end state.
    await eventually(
      async () => {
        for (const serial of serials) {
          if ((await sut.serial(GTIN, serial))?.status !== expected.get(serial)) return false;
        }
        return true;
      },
      (same) => same,
      'the registry equal to the replayed operations',
      60000,
    );
  }, 240000);

  it('a message published again after a relay crash (published, not yet deleted) changes nothing downstream', async () => {
    const serial = `K${run}`;
    await commission([serial]);
    const supplied = await operate(sut.service.baseUrl, 'supply', serial);
    expect(supplied.body.applied).toBe(true);
    await eventually(
      () => sut.count(`SELECT count(*) AS n FROM outbox`),
      (n) => n === 0,
      'the supply published',
      30000,
    );
    const first = (await readTopic(sut.topicPrefix, await sut.publishedEventCount())).find(
      (m) => m.captureId === supplied.body.verificationId,
    )!;

    // What a relay that died between Kafka's acknowledgement and its commit leaves: the row, already published.
    await sut.db.query(`INSERT INTO outbox (topic, key, envelope) VALUES ($1, $2, $3)`, [
      topicsWithPrefix(sut.topicPrefix).epcisEvents.name,
      first.key,
      first.envelope,
    ]);
    await eventually(
      () => sut.count(`SELECT count(*) AS n FROM outbox`),
      (n) => n === 0,
      'the row published again',
      30000,
    );
    const undone = await operate(replica.baseUrl, 'undo', serial);
    expect(undone.body.applied).toBe(true);
    await eventually(
      () =>
        sut.count(
          `SELECT count(*) AS n FROM events WHERE event_hash = $1 AND error_declared_at IS NOT NULL`,
          [first.eventHash],
        ),
      (n) => n === 1,
      'the undo folded (it follows the copy on the pack’s partition)',
      60000,
    );
    expect((await sut.serial(GTIN, serial))?.status).toBe('active');

    const copies = (await readTopic(sut.topicPrefix, await sut.publishedEventCount())).filter(
      (m) => m.captureId === supplied.body.verificationId,
    );
    expect(copies).toHaveLength(2);
    expect(new Set(copies.map((m) => m.envelope.messageId)).size).toBe(1);
    expect(new Set(copies.map((m) => m.partition)).size).toBe(1);
    expect(await sut.count(`SELECT count(*) AS n FROM events WHERE event_hash = $1`, [first.eventHash])).toBe(
      1,
    );
    expect(await sut.deadLetteredEventCount()).toBe(0);
  }, 120000);
});

/** Every message of the event topic, read from the beginning by a consumer group of its own. */
async function readTopic(prefix: string, atLeast: number): Promise<Published[]> {
  const kafka = createKafkaClient({
    brokers: kafkaBrokers(),
    clientId: 'test-reader',
    logger: createLogger('t', 'silent'),
  });
  const consumer = kafka.consumer({ groupId: `test-reader-${uniqueSuffix()}` });
  const seen: Published[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topicsWithPrefix(prefix).epcisEvents.name], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const envelope = JSON.parse(message.value!.toString()) as {
          messageId: string;
          payload: { captureId: string; eventHash: string; event: Record<string, unknown> };
        };
        seen.push({
          envelope,
          partition,
          offset: BigInt(message.offset),
          key: message.key?.toString() ?? '',
          captureId: envelope.payload.captureId,
          eventHash: envelope.payload.eventHash,
          bizStep: envelope.payload.event.bizStep,
          declared: envelope.payload.event.errorDeclaration !== undefined,
        });
      },
    });
    await eventually(
      async () => seen.length,
      (n) => n >= atLeast,
      'the topic read',
      30000,
    );
    // Anything published twice would arrive with the rest: give it a moment.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    return [...seen];
  } finally {
    await consumer.disconnect();
  }
}
