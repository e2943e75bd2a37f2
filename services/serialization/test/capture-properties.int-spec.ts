import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { documentEventHashes, eventHash, namespacesFromJsonLdContext, STORAGE_LIMITS } from '@pedigree/epcis';
import { uniqueSuffix } from '@pedigree/testing';
import { eventually, SerializationUnderTest } from './harness';

// Properties of capture against a real serialization service process (real Kafka and PostgreSQL): every document it
// accepts is stored and queryable, unchanged; every document it refuses is answered with a 4xx EPCIS problem and leaves
// nothing behind (no message on the event topic, no capture job, no event, nothing on its EPCs). fast-check generates
// EPCIS 2.0 JSON-LD documents of every event type, valid or with one fault each. The run is bounded (RUNS documents,
// no shrinking) and seeded: a failure reports fast-check's seed and path; PEDIGREE_PROPERTY_SEED=<seed> replays it.

const RUNS = 40;
const SEED = Number(process.env.PEDIGREE_PROPERTY_SEED ?? 20261205);
const LIMITS = { events: 8, eventBytes: 20_000, documentBytes: 100_000 };
const CONTEXT = [
  'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
  { example: 'https://example.com/epcis/' },
];
const SITE = 'urn:epc:id:sgln:0614141.00000.0';
const OWN_PARTY = 'urn:epc:id:pgln:0614141.00000';
const OTHER_PARTY = 'urn:epc:id:pgln:4012345.00000';

type Json = Record<string, unknown>;

const EVENT_KINDS = [
  'commissioning',
  'observation',
  'packing',
  'repackaging',
  'association',
  'transaction',
] as const;

/** An event to generate, before it is given identifiers of its own (fresh on every run, shrunk or replayed). */
interface EventShape {
  kind: (typeof EVENT_KINDS)[number];
  items: number;
  time: Date;
  offset: string;
  withEventId: boolean;
  lot: string;
  bizStep: string;
  disposition: string;
  note: string | null;
  quantity: number | null;
  parties: boolean;
}

const eventShape: fc.Arbitrary<EventShape> = fc.record({
  kind: fc.constantFrom(...EVENT_KINDS),
  items: fc.integer({ min: 1, max: 3 }),
  time: fc.date({
    min: new Date('1990-01-01T00:00:00Z'),
    max: new Date('2090-12-31T23:59:59Z'),
    noInvalidDate: true,
  }),
  offset: fc.constantFrom('+00:00', '+01:00', '-05:00', '+05:30', '+14:00', '-12:00', '-00:00'),
  withEventId: fc.boolean(),
  lot: fc.stringMatching(/^[A-Z0-9]{1,20}$/),
  bizStep: fc.constantFrom('shipping', 'receiving', 'inspecting', 'storing', 'holding'),
  disposition: fc.constantFrom('in_transit', 'in_progress', 'sellable_accessible', 'container_closed'),
  // Any Unicode text (control characters, astral planes, non-characters) but the NUL the store cannot hold.
  note: fc.option(
    fc.string({ unit: 'binary', maxLength: 60 }).filter((s) => !s.includes('\u0000')),
    { nil: null },
  ),
  quantity: fc.option(
    fc.oneof(
      fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
      fc.double({ min: 0.001, max: 1e9, noNaN: true, noDefaultInfinity: true }),
    ),
    { nil: null },
  ),
  parties: fc.boolean(),
});

/** One fault put into a valid document, and the answer capture owes it. */
type Fault =
  | { kind: 'impossible-date'; value: string }
  | { kind: 'nul'; field: 'epc' | 'note' | 'lot'; at: number }
  | { kind: 'long-identifier'; length: number }
  | { kind: 'unknown-event-type'; type: string }
  | { kind: 'absurd-quantity'; raw: string }
  | { kind: 'bad-action'; action: string }
  | { kind: 'no-offset' }
  | { kind: 'malformed-epc'; epc: string }
  | { kind: 'foreign-commissioning' }
  | { kind: 'too-many-events' }
  | { kind: 'oversized-event' }
  | { kind: 'oversized-document' }
  | { kind: 'too-deep' }
  | { kind: 'truncated-json'; at: number }
  | { kind: 'unsupported-media-type' };

const fault: fc.Arbitrary<Fault> = fc.oneof(
  fc.record({
    kind: fc.constant('impossible-date' as const),
    value: fc.constantFrom(
      '2030-02-31T00:00:00Z',
      '2030-13-01T00:00:00Z',
      '0000-01-01T00:00:00Z',
      '2030-01-01T24:30:00Z',
      '2030-01-01T10:00:00+15:00',
      '2030-01-01T10:00:00',
      'yesterday',
    ),
  }),
  fc.record({
    kind: fc.constant('nul' as const),
    field: fc.constantFrom('epc' as const, 'note' as const, 'lot' as const),
    at: fc.nat(),
  }),
  fc.record({
    kind: fc.constant('long-identifier' as const),
    length: fc.integer({ min: STORAGE_LIMITS.maxIdentifierLength + 1, max: 10_000 }),
  }),
  fc.record({
    kind: fc.constant('unknown-event-type' as const),
    type: fc.constantFrom('PackingEvent', 'objectEvent', 'QuantityEvent', 'Event'),
  }),
  fc.record({
    kind: fc.constant('absurd-quantity' as const),
    raw: fc.constantFrom('1e400', '-1e400', '123456789012345678901234567890', '9007199254740993'),
  }),
  fc.record({ kind: fc.constant('bad-action' as const), action: fc.constantFrom('MAYBE', 'add', '') }),
  fc.constant({ kind: 'no-offset' as const }),
  fc.record({
    kind: fc.constant('malformed-epc' as const),
    epc: fc.constantFrom(
      'urn:epc:id:sgtin:0614141.107346',
      'urn:epc:id:sgtin:061414.107346.1',
      'urn:epc:id:sscc:0614141.123',
      'https://id.gs1.org/01/10614141073465/21/1',
    ),
  }),
  fc.constant({ kind: 'foreign-commissioning' as const }),
  fc.constant({ kind: 'too-many-events' as const }),
  fc.constant({ kind: 'oversized-event' as const }),
  fc.constant({ kind: 'oversized-document' as const }),
  fc.constant({ kind: 'too-deep' as const }),
  fc.record({ kind: fc.constant('truncated-json' as const), at: fc.nat() }),
  fc.constant({ kind: 'unsupported-media-type' as const }),
);

const EXPECTED: Record<Fault['kind'], { status: number; type: string }> = {
  'impossible-date': { status: 400, type: 'ValidationException' },
  nul: { status: 400, type: 'ValidationException' },
  'long-identifier': { status: 400, type: 'ValidationException' },
  'unknown-event-type': { status: 400, type: 'ValidationException' },
  'absurd-quantity': { status: 400, type: 'ValidationException' },
  'bad-action': { status: 400, type: 'ValidationException' },
  'no-offset': { status: 400, type: 'ValidationException' },
  'malformed-epc': { status: 400, type: 'ValidationException' },
  'foreign-commissioning': { status: 403, type: 'SecurityException' },
  'too-many-events': { status: 413, type: 'CaptureLimitExceededException' },
  'oversized-event': { status: 413, type: 'CaptureLimitExceededException' },
  'oversized-document': { status: 413, type: 'CaptureLimitExceededException' },
  'too-deep': { status: 400, type: 'ValidationException' },
  'truncated-json': { status: 400, type: 'ValidationException' },
  'unsupported-media-type': { status: 415, type: 'UnsupportedMediaTypeException' },
};

const documentCase = fc.record({
  events: fc.array(eventShape, { minLength: 1, maxLength: 5 }),
  target: fc.nat(),
  fault: fc.option(fault, { freq: 2, nil: null }),
});

/** The instant written in the given offset, with milliseconds (as a capture client writes local time). */
function timeIn(instant: Date, offset: string): string {
  const minutes =
    (offset[0] === '-' ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
  return new Date(instant.getTime() + minutes * 60_000).toISOString().replace('Z', offset);
}

/** Identifiers no other run uses: serials, SSCCs, GRAIs and GDTIs of this test's service. */
class Identifiers {
  private next = 0;
  private readonly tag = uniqueSuffix().slice(-10);

  private serial(): string {
    this.next += 1;
    return `${this.tag}${this.next}`;
  }

  pack(prefix = '0614141.107346'): string {
    return `urn:epc:id:sgtin:${prefix}.${this.serial()}`;
  }

  sscc(): string {
    this.next += 1;
    return `urn:epc:id:sscc:0614141.${String(1_000_000_000 + this.next)}`;
  }

  grai(): string {
    return `urn:epc:id:grai:0614141.12345.${this.serial()}`;
  }

  gdti(): string {
    return `urn:epc:id:gdti:0614141.00001.${this.serial()}`;
  }
}

/** The EPCIS event of a shape, with fresh identifiers; `packs` lists every SGTIN it names. */
function materialise(shape: EventShape, ids: Identifiers, faulty: boolean): { event: Json; packs: string[] } {
  const packs = Array.from({ length: shape.items }, () => ids.pack());
  const common: Json = {
    eventTime: timeIn(shape.time, shape.offset),
    eventTimeZoneOffset: shape.offset,
    // A faulty document's events all get an ID: its fault may leave an event without a hash to look it up by.
    ...(shape.withEventId || faulty ? { eventID: `urn:uuid:${randomUUID()}` } : {}),
    ...(shape.note === null ? {} : { 'example:note': shape.note }),
  };
  const parties = shape.parties
    ? {
        sourceList: [{ type: 'owning_party', source: OWN_PARTY }],
        destinationList: [{ type: 'owning_party', destination: OTHER_PARTY }],
      }
    : {};
  switch (shape.kind) {
    case 'commissioning':
      return {
        packs,
        event: {
          type: 'ObjectEvent',
          ...common,
          action: 'ADD',
          epcList: packs,
          bizStep: 'commissioning',
          disposition: 'active',
          readPoint: { id: SITE },
          bizLocation: { id: SITE },
          ilmd: { 'cbvmda:lotNumber': shape.lot, 'cbvmda:itemExpirationDate': '2030-12-31' },
        },
      };
    case 'observation':
      return {
        packs,
        event: {
          type: 'ObjectEvent',
          ...common,
          action: 'OBSERVE',
          epcList: packs,
          ...(shape.quantity === null
            ? {}
            : {
                quantityList: [
                  {
                    epcClass: `urn:epc:class:lgtin:0614141.107346.${shape.lot}`,
                    quantity: shape.quantity,
                    uom: 'KGM',
                  },
                ],
              }),
          bizStep: shape.bizStep,
          disposition: shape.disposition,
          readPoint: { id: SITE },
          ...parties,
        },
      };
    case 'packing':
      return {
        packs,
        event: {
          type: 'AggregationEvent',
          ...common,
          action: 'ADD',
          parentID: ids.sscc(),
          childEPCs: packs,
          bizStep: 'packing',
          disposition: 'in_progress',
          bizLocation: { id: SITE },
        },
      };
    case 'repackaging': {
      const output = ids.pack();
      return {
        packs: [...packs, output],
        event: {
          type: 'TransformationEvent',
          ...common,
          inputEPCList: packs,
          outputEPCList: [output],
          bizStep: 'repackaging',
          bizLocation: { id: SITE },
          ilmd: { 'cbvmda:lotNumber': shape.lot },
        },
      };
    }
    case 'association':
      return {
        packs,
        event: {
          type: 'AssociationEvent',
          ...common,
          action: 'ADD',
          parentID: ids.grai(),
          childEPCs: packs,
          bizStep: 'assembling',
          bizLocation: { id: SITE },
        },
      };
    case 'transaction':
      return {
        packs,
        event: {
          type: 'TransactionEvent',
          ...common,
          action: 'ADD',
          bizTransactionList: [{ type: 'po', bizTransaction: ids.gdti() }],
          epcList: packs,
          bizStep: shape.bizStep,
          disposition: shape.disposition,
          ...parties,
        },
      };
  }
}

const QUANTITY_PLACEHOLDER = '"__absurd_quantity__"';

/** Puts the fault into the document (or its text, or its content type); `events` are the document's own objects. */
function applyFault(
  fault: Fault,
  document: Json,
  events: Json[],
  target: number,
  ids: Identifiers,
): { text: string; contentType: string; packs: string[] } {
  const event = events[target % events.length]!;
  const packs: string[] = [];
  const add = (extra: Json) => events.push(extra);
  const observation = (extra: Json = {}): Json => {
    const pack = ids.pack();
    packs.push(pack);
    return {
      type: 'ObjectEvent',
      eventTime: '2026-03-01T08:00:00.000+01:00',
      eventTimeZoneOffset: '+01:00',
      eventID: `urn:uuid:${randomUUID()}`,
      action: 'OBSERVE',
      epcList: [pack],
      ...extra,
    };
  };
  let text: string | undefined;
  let contentType = 'application/ld+json';
  switch (fault.kind) {
    case 'impossible-date':
      event.eventTime = fault.value;
      break;
    case 'nul': {
      const insert = (value: string) => {
        const at = fault.at % (value.length + 1);
        return `${value.slice(0, at)}\u0000${value.slice(at)}`;
      };
      if (fault.field === 'note') event['example:note'] = insert(String(event['example:note'] ?? ''));
      else if (fault.field === 'lot') add(observation({ 'example:lot': insert('LOT1') }));
      else add(observation({ epcList: [insert(ids.pack())] }));
      break;
    }
    case 'long-identifier':
      event.readPoint = { id: `https://example.com/location/${'x'.repeat(fault.length)}` };
      break;
    case 'unknown-event-type':
      event.type = fault.type;
      break;
    case 'absurd-quantity':
      add(
        observation({
          quantityList: [
            {
              epcClass: 'urn:epc:class:lgtin:0614141.107346.LOT1',
              quantity: JSON.parse(QUANTITY_PLACEHOLDER),
            },
          ],
        }),
      );
      break;
    case 'bad-action':
      add(observation({ action: fault.action }));
      break;
    case 'no-offset':
      delete event.eventTimeZoneOffset;
      break;
    case 'malformed-epc':
      add(observation({ epcList: [fault.epc] }));
      break;
    case 'foreign-commissioning': {
      const foreign = ids.pack('9506000.107346');
      packs.push(foreign);
      add(
        observation({ action: 'ADD', epcList: [foreign], bizStep: 'commissioning', disposition: 'active' }),
      );
      break;
    }
    case 'too-many-events':
      while (events.length <= LIMITS.events) add(observation());
      break;
    case 'oversized-event':
      event['example:note'] = 'x'.repeat(LIMITS.eventBytes);
      break;
    case 'oversized-document':
      // Within every other limit: each string and each event is allowed, the whole body is too large.
      document['example:padding'] = ['a', 'b'].map((c) => c.repeat(LIMITS.documentBytes / 2 + 1));
      break;
    case 'too-deep': {
      let nested: unknown = 'leaf';
      for (let i = 0; i < STORAGE_LIMITS.maxDepth + 5; i++) nested = { 'example:n': nested };
      event['example:deep'] = nested;
      break;
    }
    case 'truncated-json': {
      const full = JSON.stringify(document);
      text = full.slice(0, 1 + (fault.at % (full.length - 1)));
      break;
    }
    case 'unsupported-media-type':
      contentType = 'text/plain';
      break;
  }
  text ??= JSON.stringify(document);
  // JSON.stringify cannot write 1e400 (it writes Infinity as null) nor keep more digits than a double holds.
  if (fault.kind === 'absurd-quantity') text = text.replace(QUANTITY_PLACEHOLDER, fault.raw);
  return { text, contentType, packs };
}

interface Problem {
  type?: string;
  status?: number;
}

describe('serialization service: what capture accepts is stored, what it refuses leaves nothing (property)', () => {
  const sut = new SerializationUnderTest();
  let manufacturer: string;
  const refused = { eventIds: [] as string[], hashes: [] as string[], packs: [] as string[] };

  beforeAll(async () => {
    await sut.start({
      CAPTURE_MAX_EVENTS: String(LIMITS.events),
      CAPTURE_MAX_EVENT_BYTES: String(LIMITS.eventBytes),
      CAPTURE_MAX_BYTES: String(LIMITS.documentBytes),
    });
    manufacturer = await sut.token('manufacturer', ['manufacturer']);
  });
  afterAll(() => sut.stop());

  const statusOf = async (path: string) => (await sut.get(path, manufacturer)).status;
  const eventsOn = async (epc: string) => {
    const response = await sut.get(`/epcs/${encodeURIComponent(epc)}/events`, manufacturer);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      epcisBody: { queryResults: { resultsBody: { eventList: unknown[] } } };
    };
    return body.epcisBody.queryResults.resultsBody.eventList.length;
  };

  async function expectStored(document: Json, events: Json[], location: string | null): Promise<void> {
    expect(location).toMatch(/^\/capture\/[0-9a-f-]{36}$/);
    const job = (await (await sut.get(location!, manufacturer, 'application/json')).json()) as Json;
    expect(job).toMatchObject({ running: false, success: true, errors: [] });
    const hashes = documentEventHashes(document);
    for (const [i, event] of events.entries()) {
      const id = typeof event.eventID === 'string' ? event.eventID : hashes[i]!;
      const response = await eventually(
        () => sut.get(`/events/${encodeURIComponent(id)}`, manufacturer),
        (r) => r.status !== 404,
        `event ${i} (${id}) queryable`,
      );
      expect(response.status).toBe(200);
      const stored = (await response.json()) as Json;
      // Stored unchanged: the event read back has the hash of the event sent.
      expect(eventHash(stored, namespacesFromJsonLdContext(stored['@context']))).toBe(hashes[i]);
      expect(stored.eventID).toBe(id);
      if (id !== hashes[i]) expect(await statusOf(`/events/${encodeURIComponent(hashes[i]!)}`)).toBe(200);
    }
  }

  async function expectNothingStored(
    response: Response,
    expected: { status: number; type: string },
    before: { published: number; jobs: number },
    left: { eventIds: string[]; hashes: string[]; packs: string[] },
  ): Promise<void> {
    expect(response.status).toBe(expected.status);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.headers.get('location')).toBeNull();
    const problem = (await response.json()) as Problem;
    expect(problem).toMatchObject({ type: `epcisException:${expected.type}`, status: expected.status });
    await expect(sut.publishedEventCount()).resolves.toBe(before.published);
    await expect(sut.count('SELECT count(*) AS n FROM capture_jobs')).resolves.toBe(before.jobs);
    for (const id of [...left.eventIds, ...left.hashes])
      expect(await statusOf(`/events/${encodeURIComponent(id)}`)).toBe(404);
    for (const pack of left.packs) expect(await eventsOn(pack)).toBe(0);
    refused.eventIds.push(...left.eventIds);
    refused.hashes.push(...left.hashes);
    refused.packs.push(...left.packs);
  }

  it('refuses a body over CAPTURE_MAX_BYTES, though below the limit of other requests, on both capture routes', async () => {
    // The limit was once the larger of the two: CAPTURE_MAX_BYTES below HTTP_BODY_LIMIT_BYTES (10 MiB) did nothing.
    const padding = 'x'.repeat(LIMITS.documentBytes);
    const requests = [
      sut.capture({ '@context': CONTEXT, type: 'EPCISDocument', 'example:padding': padding }, manufacturer),
      fetch(`${sut.service.baseUrl}/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${manufacturer}`, 'content-type': 'application/ld+json' },
        body: JSON.stringify({ type: 'ObjectEvent', 'example:padding': padding }),
      }),
    ];
    for (const response of await Promise.all(requests)) {
      expect(response.status).toBe(413);
      expect(await response.json()).toMatchObject({
        type: 'epcisException:CaptureLimitExceededException',
        detail: expect.stringContaining(`the body exceeds ${LIMITS.documentBytes} bytes`),
      });
    }
  });

  it(`holds for ${RUNS} generated documents (seed ${SEED})`, async () => {
    const ids = new Identifiers();
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(documentCase, async ({ events: shapes, target, fault }) => {
        const made = shapes.map((shape) => materialise(shape, ids, fault !== null));
        const events = made.map((m) => m.event);
        const document: Json = {
          '@context': CONTEXT,
          type: 'EPCISDocument',
          schemaVersion: '2.0',
          creationDate: '2026-03-01T00:00:00Z',
          epcisBody: { eventList: events },
        };
        if (fault === null) {
          const response = await sut.capture(document, manufacturer);
          expect({
            status: response.status,
            body: response.status === 202 ? '' : await response.text(),
          }).toEqual({
            status: 202,
            body: '',
          });
          await expectStored(document, events, response.headers.get('location'));
          accepted += 1;
          return;
        }
        // What the document would have stored without its fault: none of it may be found after the refusal.
        const soundHashes = documentEventHashes(document);
        const before = {
          published: await sut.publishedEventCount(),
          jobs: await sut.count('SELECT count(*) AS n FROM capture_jobs'),
        };
        const { text, contentType, packs } = applyFault(fault, document, events, target, ids);
        const response = await sut.capture(text, manufacturer, contentType);
        await expectNothingStored(response, EXPECTED[fault.kind], before, {
          eventIds: events.flatMap((e) => (typeof e.eventID === 'string' ? [e.eventID] : [])),
          hashes: soundHashes,
          packs: [...made.flatMap((m) => m.packs), ...packs],
        });
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    // Both sides were exercised.
    expect(accepted).toBeGreaterThan(5);
    expect(refused.eventIds.length).toBeGreaterThan(5);
    // Once everything accepted has been projected, still nothing of the refused documents.
    for (const id of [...refused.eventIds, ...refused.hashes])
      expect(await statusOf(`/events/${encodeURIComponent(id)}`)).toBe(404);
    for (const pack of refused.packs) expect(await eventsOn(pack)).toBe(0);
  }, 900_000);
});
