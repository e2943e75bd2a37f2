import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { EpcisException } from '../errors';
import {
  documentEventHashes,
  errorDeclarationHash,
  errorDeclarationPreHashString,
  eventHash,
  eventPreHashString,
} from './event-hash';
import { JsonLdNamespaces } from './namespaces';

type Json = Record<string, unknown>;

const EXAMPLE_NS = 'https://ns.example.com/epcis/';
const namespaces = { example: EXAMPLE_NS };

/** A shipping event written with EPC URIs, bare CBV words, an offset time and a user extension. */
function shippingEvent(): Json {
  return {
    type: 'ObjectEvent',
    eventTime: '2024-03-01T10:15:30.123+01:00',
    eventTimeZoneOffset: '+01:00',
    epcList: ['urn:epc:id:sgtin:4012345.011111.9876', 'urn:epc:id:sgtin:4012345.011111.1234'],
    quantityList: [
      { epcClass: 'urn:epc:class:lgtin:4012345.011111.LOT1', quantity: 10, uom: 'KGM' },
      { epcClass: 'urn:epc:idpat:sgtin:4012345.011111.*', quantity: 3 },
    ],
    action: 'OBSERVE',
    bizStep: 'shipping',
    disposition: 'in_transit',
    readPoint: { id: 'urn:epc:id:sgln:4012345.00005.0' },
    bizTransactionList: [{ type: 'po', bizTransaction: 'urn:epcglobal:cbv:bt:4012345000009:PO-1' }],
    sourceList: [{ type: 'owning_party', source: 'urn:epc:id:pgln:4012345.00000' }],
    destinationList: [{ type: 'owning_party', destination: 'urn:epc:id:pgln:0614141.00000' }],
    'example:temperature': { 'example:max': '8', 'example:min': '2' },
  };
}

const SHIPPING_PRE_HASH =
  'eventType=ObjectEvent' +
  'eventTime=2024-03-01T09:15:30.123Z' +
  'eventTimeZoneOffset=+01:00' +
  'epcListepc=https://id.gs1.org/01/04012345111118/21/1234epc=https://id.gs1.org/01/04012345111118/21/9876' +
  'quantityList' +
  'quantityElementepcClass=https://id.gs1.org/01/04012345111118/10/LOT1quantity=10uom=KGM' +
  'quantityElementepcClass=https://id.gs1.org/01/04012345111118quantity=3' +
  'action=OBSERVE' +
  'bizStep=https://ref.gs1.org/cbv/BizStep-shipping' +
  'disposition=https://ref.gs1.org/cbv/Disp-in_transit' +
  'readPointid=https://id.gs1.org/414/4012345000054' +
  'bizTransactionListtype=https://ref.gs1.org/cbv/BTT-pobizTransaction=urn:epcglobal:cbv:bt:4012345000009:PO-1' +
  'destinationListtype=https://ref.gs1.org/cbv/SDT-owning_partydestination=https://id.gs1.org/417/0614141000005' +
  'sourceListtype=https://ref.gs1.org/cbv/SDT-owning_partysource=https://id.gs1.org/417/4012345000009' +
  `{${EXAMPLE_NS}}temperature{${EXAMPLE_NS}}max=8{${EXAMPLE_NS}}min=2`;

const hashOf = (event: Json, ns: JsonLdNamespaces = namespaces) => eventHash(event, ns);
const reference = hashOf(shippingEvent());

function withChanges(changes: Json): Json {
  return { ...shippingEvent(), ...changes };
}

function thrown(action: () => unknown): EpcisException {
  try {
    action();
  } catch (error) {
    if (error instanceof EpcisException) return error;
    throw error;
  }
  throw new Error('expected an EpcisException');
}

describe('eventPreHashString', () => {
  it('writes the canonical pre-hash string: property order, normalised values, sorted lists, extensions last', () => {
    expect(eventPreHashString(shippingEvent(), namespaces)).toBe(SHIPPING_PRE_HASH);
  });

  it('writes extension fields of readPoint after its id, and sorts repeated extension values', () => {
    const event = withChanges({
      readPoint: { 'example:dock': '7', id: 'urn:epc:id:sgln:4012345.00005.0' },
      'example:temperature': undefined,
      'example:tags': ['b', 'a'],
    });
    expect(eventPreHashString(event, namespaces)).toContain(
      `readPointid=https://id.gs1.org/414/4012345000054{${EXAMPLE_NS}}dock=7bizTransactionList`,
    );
    expect(eventPreHashString(event, namespaces)).toMatch(
      new RegExp(`\\{${EXAMPLE_NS}\\}tags=a\\{${EXAMPLE_NS}\\}tags=b$`.replace(/\//g, '\\/')),
    );
  });

  it('writes sensor data: metadata first, then reports sorted, elements sorted, bare types as GS1 vocabulary', () => {
    const event: Json = {
      type: 'ObjectEvent',
      eventTime: '2022-02-16T15:00:00.000+01:00',
      eventTimeZoneOffset: '+01:00',
      action: 'OBSERVE',
      sensorElementList: [
        {
          sensorReport: [
            { type: 'Temperature', value: 26.1, uom: 'CEL' },
            { type: 'gs1:AbsoluteHumidity', value: 12, uom: 'A93', component: 'x' },
          ],
          sensorMetadata: { time: '2022-02-16T14:05:00+01:00', deviceID: 'urn:epc:id:giai:4000001.111' },
        },
      ],
      ilmd: { 'example:bestBefore': '2025-01-31' },
    };
    expect(eventPreHashString(event, namespaces)).toBe(
      'eventType=ObjectEventeventTime=2022-02-16T14:00:00.000ZeventTimeZoneOffset=+01:00action=OBSERVE' +
        'sensorElementListsensorElement' +
        'sensorMetadatatime=2022-02-16T13:05:00.000ZdeviceID=https://id.gs1.org/8004/4000001111' +
        'sensorReporttype=https://gs1.org/voc/AbsoluteHumidityvalue=12component=https://ref.gs1.org/cbv/Comp-xuom=A93' +
        'sensorReporttype=https://gs1.org/voc/Temperaturevalue=26.1uom=CEL' +
        `ilmd{${EXAMPLE_NS}}bestBefore=2025-01-31`,
    );
  });

  it('writes an extension element that has text and children (XML) as name=text followed by its children', () => {
    const event = withChanges({
      'example:temperature': {
        '#text': '5.0',
        'example:unit': 'CEL',
        'example:at': '2024-03-01T10:00:00+01:00',
      },
    });
    expect(eventPreHashString(event, namespaces)).toMatch(
      new RegExp(
        `\\{${EXAMPLE_NS}\\}temperature=5\\{${EXAMPLE_NS}\\}at=2024-03-01T09:00:00.000Z\\{${EXAMPLE_NS}\\}unit=CEL$`,
      ),
    );
  });

  it('writes cpi and upui patterns as the key they leave open only the serial of: CPID and GTIN', () => {
    const event = withChanges({
      quantityList: [
        { epcClass: 'urn:epc:idpat:cpi:0614141.5PQ7%2FZ43.*', quantity: 2 },
        { epcClass: 'urn:epc:idpat:upui:4012345.011111.*', quantity: 3 },
      ],
    });
    expect(eventPreHashString(event, namespaces)).toContain(
      'quantityList' +
        'quantityElementepcClass=https://id.gs1.org/01/04012345111118quantity=3' +
        'quantityElementepcClass=https://id.gs1.org/8010/06141415PQ7%2FZ43quantity=2' +
        'action=',
    );
    const sameClasses = withChanges({
      quantityList: [
        { epcClass: 'https://id.gs1.org/8010/06141415PQ7%2FZ43', quantity: 2 },
        { epcClass: 'urn:epc:idpat:sgtin:4012345.011111.*', quantity: 3 },
      ],
    });
    expect(eventHash(event, namespaces)).toBe(eventHash(sameClasses, namespaces));
  });

  it('writes a field named like a JavaScript object member as any other field', () => {
    const event = withChanges({ constructor: 'x', toString: ['b', 'a'] });
    expect(eventPreHashString(event, namespaces)).toContain('constructor=x');
    expect(eventPreHashString(event, namespaces)).toContain('toString=atoString=b');
  });

  it('omits empty lists and empty values', () => {
    const event = withChanges({ childEPCs: [], inputQuantityList: [], disposition: '  ' });
    expect(eventPreHashString(event, namespaces)).toBe(
      SHIPPING_PRE_HASH.replace('disposition=https://ref.gs1.org/cbv/Disp-in_transit', ''),
    );
  });
});

describe('eventHash', () => {
  it('is the RFC 6920 ni URI of the SHA-256 of the pre-hash string, version CBV2.0', () => {
    const digest = createHash('sha256').update(SHIPPING_PRE_HASH, 'utf8').digest('hex');
    expect(reference).toBe(`ni:///sha-256;${digest}?ver=CBV2.0`);
  });

  describe('is the same whatever the representation', () => {
    it.each([
      ['UTC instant', '2024-03-01T09:15:30.123Z'],
      ['another offset', '2024-03-01T04:15:30.123-05:00'],
      ['more fraction digits', '2024-03-01T10:15:30.12300+01:00'],
      ['fraction rounded', '2024-03-01T09:15:30.1229Z'],
    ])('eventTime in %s', (_label, eventTime) => {
      expect(hashOf(withChanges({ eventTime }))).toBe(reference);
    });

    it('for any time zone notation of the same instant', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2100, 0, 1) }),
          fc.integer({ min: -14 * 60, max: 14 * 60 }),
          (instant, offsetMinutes) => {
            const local = new Date(instant + offsetMinutes * 60_000).toISOString().slice(0, -1);
            const sign = offsetMinutes < 0 ? '-' : '+';
            const abs = Math.abs(offsetMinutes);
            const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
            const utc = new Date(instant).toISOString();
            expect(hashOf(withChanges({ eventTime: `${local}${offset}` }))).toBe(
              hashOf(withChanges({ eventTime: utc })),
            );
          },
        ),
      );
    });

    it('EPC URIs or GS1 Digital Link URIs (any domain, with query string, short names)', () => {
      const digitalLinks = withChanges({
        epcList: [
          'https://id.gs1.org/01/04012345111118/21/9876',
          'https://brand.example.com/gtin/04012345111118/ser/1234?linkType=gs1:pip',
        ],
        quantityList: [
          { epcClass: 'https://id.gs1.org/01/04012345111118/10/LOT1', quantity: 10, uom: 'KGM' },
          { epcClass: 'https://example.com/01/4012345111118', quantity: 3 },
        ],
        readPoint: { id: 'https://id.gs1.org/414/4012345000054' },
        sourceList: [{ type: 'owning_party', source: 'https://id.gs1.org/417/4012345000009' }],
        destinationList: [{ type: 'owning_party', destination: 'https://example.org/party/0614141000005' }],
      });
      expect(hashOf(digitalLinks)).toBe(reference);
    });

    it.each([
      [
        'full URIs',
        'https://ref.gs1.org/cbv/BizStep-shipping',
        'https://ref.gs1.org/cbv/Disp-in_transit',
        'https://ref.gs1.org/cbv/BTT-po',
        'https://ref.gs1.org/cbv/SDT-owning_party',
      ],
      ['CURIEs', 'cbv:BizStep-shipping', 'cbv:Disp-in_transit', 'cbv:BTT-po', 'cbv:SDT-owning_party'],
      [
        'CBV 1.x URNs',
        'urn:epcglobal:cbv:bizstep:shipping',
        'urn:epcglobal:cbv:disp:in_transit',
        'urn:epcglobal:cbv:btt:po',
        'urn:epcglobal:cbv:sdt:owning_party',
      ],
    ])('vocabulary as %s instead of bare words', (_label, bizStep, disposition, btt, sdt) => {
      const event = withChanges({
        bizStep,
        disposition,
        bizTransactionList: [{ type: btt, bizTransaction: 'urn:epcglobal:cbv:bt:4012345000009:PO-1' }],
        sourceList: [{ type: sdt, source: 'urn:epc:id:pgln:4012345.00000' }],
        destinationList: [{ type: sdt, destination: 'urn:epc:id:pgln:0614141.00000' }],
      });
      expect(hashOf(event)).toBe(reference);
    });

    it('any order of fields, list entries and extension members', () => {
      fc.assert(
        fc.property(fc.integer(), (seed) => {
          expect(hashOf(shuffledDeep(shippingEvent(), seed) as Json)).toBe(reference);
        }),
      );
    });

    it('another prefix for the same extension namespace', () => {
      const event = withChanges({
        'example:temperature': undefined,
        'acme:temperature': { 'acme:min': '2', 'acme:max': '8' },
      });
      expect(hashOf(event, { acme: EXAMPLE_NS })).toBe(reference);
      expect(
        hashOf(
          withChanges({
            'example:temperature': undefined,
            [`${EXAMPLE_NS}temperature`]: { [`${EXAMPLE_NS}max`]: '8', [`${EXAMPLE_NS}min`]: '2' },
          }),
        ),
      ).toBe(reference);
    });

    it.each([
      ['1', 1],
      ['1.0', 1],
      ['1e0', 1],
      ['+1', 1],
      ['1.50', 1.5],
      ['15e-1', 1.5],
    ])('number written %s', (written, value) => {
      const asString = withChanges({ 'example:reading': written });
      const asNumber = withChanges({ 'example:reading': value });
      expect(hashOf(asString)).toBe(hashOf(asNumber));
    });

    it('quantity 10 as 10.0 or "10"', () => {
      const quantity = (q: unknown) =>
        withChanges({
          quantityList: [
            { epcClass: 'urn:epc:class:lgtin:4012345.011111.LOT1', quantity: q, uom: 'KGM' },
            { epcClass: 'urn:epc:idpat:sgtin:4012345.011111.*', quantity: 3 },
          ],
        });
      expect(hashOf(quantity(JSON.parse('10.0')))).toBe(reference);
      expect(hashOf(quantity('10.0'))).toBe(reference);
      expect(hashOf(quantity(' 1e1 '))).toBe(reference);
    });

    it('with or without recordTime, eventID, errorDeclaration or rdfs:comment', () => {
      const annotated = withChanges({
        recordTime: '2024-03-02T00:00:00Z',
        eventID: 'urn:uuid:374d95fc-9457-4a51-bd6a-0bba133845a8',
        errorDeclaration: { declarationTime: '2024-03-03T00:00:00Z', reason: 'incorrect_data' },
        'rdfs:comment': 'a note',
        readPoint: { id: 'urn:epc:id:sgln:4012345.00005.0', 'rdfs:comment': 'dock 5' },
      });
      expect(hashOf(annotated)).toBe(reference);
    });

    it('the same event in documents with different prefixes', () => {
      const doc = (prefix: string, event: Json): Json => ({
        '@context': [
          'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
          { [prefix]: EXAMPLE_NS },
        ],
        type: 'EPCISDocument',
        epcisBody: { eventList: [event] },
      });
      const renamed = withChanges({
        'example:temperature': undefined,
        'x:temperature': { 'x:max': '8', 'x:min': '2' },
      });
      expect(documentEventHashes(doc('x', renamed))).toEqual([reference]);
      expect(documentEventHashes(doc('example', shippingEvent()))).toEqual([reference]);
    });
  });

  describe('changes with any real change of the event', () => {
    it.each<[string, Json]>([
      [
        'an EPC',
        { epcList: ['urn:epc:id:sgtin:4012345.011111.9877', 'urn:epc:id:sgtin:4012345.011111.1234'] },
      ],
      ['one EPC fewer', { epcList: ['urn:epc:id:sgtin:4012345.011111.9876'] }],
      ['the action', { action: 'ADD' }],
      [
        'a quantity',
        {
          quantityList: [
            { epcClass: 'urn:epc:class:lgtin:4012345.011111.LOT1', quantity: 11, uom: 'KGM' },
            { epcClass: 'urn:epc:idpat:sgtin:4012345.011111.*', quantity: 3 },
          ],
        },
      ],
      [
        'a unit of measure',
        {
          quantityList: [
            { epcClass: 'urn:epc:class:lgtin:4012345.011111.LOT1', quantity: 10, uom: 'KGX' },
            { epcClass: 'urn:epc:idpat:sgtin:4012345.011111.*', quantity: 3 },
          ],
        },
      ],
      ['the event time by 1 ms', { eventTime: '2024-03-01T10:15:30.124+01:00' }],
      ['the time zone offset field', { eventTimeZoneOffset: '+02:00' }],
      ['the business step', { bizStep: 'receiving' }],
      ['the read point', { readPoint: { id: 'urn:epc:id:sgln:4012345.00005.1' } }],
      [
        'a business transaction type',
        { bizTransactionList: [{ type: 'inv', bizTransaction: 'urn:epcglobal:cbv:bt:4012345000009:PO-1' }] },
      ],
      [
        'source and destination swapped',
        {
          sourceList: [{ type: 'owning_party', source: 'urn:epc:id:pgln:0614141.00000' }],
          destinationList: [{ type: 'owning_party', destination: 'urn:epc:id:pgln:4012345.00000' }],
        },
      ],
      ['an extension value', { 'example:temperature': { 'example:max': '9', 'example:min': '2' } }],
      [
        'an extension namespace',
        { 'example:temperature': undefined, 'other:temperature': { 'example:max': '8', 'example:min': '2' } },
      ],
      ['an added field', { transformationID: 'urn:epc:id:gdti:4012345.55555.1234' }],
      ['an added ILMD', { ilmd: { 'example:lot': 'LOT1' } }],
      ['the event type', { type: 'TransactionEvent' }],
    ])('%s', (_label, changes) => {
      expect(hashOf(withChanges(changes), { ...namespaces, other: 'https://ns.other.example/' })).not.toBe(
        reference,
      );
    });
  });
});

describe('documentEventHashes', () => {
  it('hashes the events of an EPCISQueryDocument in document order', () => {
    const second = withChanges({ action: 'DELETE' });
    const doc: Json = {
      '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld', { example: EXAMPLE_NS }],
      type: 'EPCISQueryDocument',
      epcisBody: {
        queryResults: {
          queryName: 'SimpleEventQuery',
          resultsBody: { eventList: [shippingEvent(), second] },
        },
      },
    };
    expect(documentEventHashes(doc)).toEqual([reference, hashOf(second)]);
  });

  it('gives an empty list for an empty event list', () => {
    expect(documentEventHashes({ type: 'EPCISDocument', epcisBody: { eventList: [] } })).toEqual([]);
  });

  it('rejects a document without an event list', () => {
    const error = thrown(() => documentEventHashes({ type: 'EPCISDocument', epcisBody: {} }));
    expect(error.exceptionType).toBe('ValidationException');
    expect(error.problems.map((p) => p.pointer)).toEqual(['/epcisBody']);
  });

  it('points at the offending field of the offending event', () => {
    const events = [
      shippingEvent(),
      withChanges({ eventTime: '2024-03-01T10:15:30' }),
      withChanges({ type: undefined }),
    ];
    const badTime = thrown(() => documentEventHashes({ epcisBody: { eventList: events.slice(0, 2) } }));
    expect(badTime.problems.map((p) => p.pointer)).toEqual(['/epcisBody/eventList/1/eventTime']);
    const noType = thrown(() => documentEventHashes({ epcisBody: { eventList: [events[0], events[2]] } }));
    expect(noType.problems.map((p) => p.pointer)).toEqual(['/epcisBody/eventList/1/type']);
    const badList = thrown(() => eventHash(withChanges({ epcList: 'urn:epc:id:sgtin:4012345.011111.9876' })));
    expect(badList.problems.map((p) => p.pointer)).toEqual(['/epcList']);
    const nestedValue = thrown(() => eventHash(withChanges({ readPoint: { id: { id: 'x' } } })));
    expect(nestedValue.problems.map((p) => p.pointer)).toEqual(['/readPoint/id']);
  });
});

describe('errorDeclarationHash', () => {
  const declaration = {
    declarationTime: '2024-03-03T01:00:00+01:00',
    reason: 'incorrect_data',
    correctiveEventIDs: [
      'urn:uuid:b0000000-0000-4000-8000-000000000002',
      'urn:uuid:a0000000-0000-4000-8000-000000000001',
    ],
    'example:ticket': 'T-17',
  };

  it('hashes the event hash ID, then the declaration written by the event hash rules', () => {
    const preHash = errorDeclarationPreHashString(reference, declaration, namespaces);
    expect(preHash).toBe(
      `${reference}errorDeclaration` +
        'declarationTime=2024-03-03T00:00:00.000Z' +
        'reason=https://ref.gs1.org/cbv/ER-incorrect_data' +
        'correctiveEventIDs=urn:uuid:a0000000-0000-4000-8000-000000000001' +
        'correctiveEventIDs=urn:uuid:b0000000-0000-4000-8000-000000000002' +
        `{${EXAMPLE_NS}}ticket=T-17`,
    );
    expect(errorDeclarationHash(reference, declaration, namespaces)).toBe(
      `ni:///sha-256;${createHash('sha256').update(preHash).digest('hex')}`,
    );
  });

  it('is the same whatever the representation of the declaration', () => {
    const written = {
      'example:ticket': 'T-17',
      correctiveEventIDs: [...declaration.correctiveEventIDs].reverse(),
      reason: 'urn:epcglobal:cbv:er:incorrect_data',
      declarationTime: '2024-03-03T00:00:00.000Z',
      'rdfs:comment': 'a note',
    };
    expect(errorDeclarationHash(reference, written, namespaces)).toBe(
      errorDeclarationHash(reference, declaration, namespaces),
    );
  });

  it('differs from the event hash, for another event, and for any change of the declaration', () => {
    const original = errorDeclarationHash(reference, declaration, namespaces);
    expect(original).not.toBe(reference);
    expect(original).toMatch(/^ni:\/\/\/sha-256;[0-9a-f]{64}$/);
    const other = hashOf(withChanges({ action: 'DELETE' }));
    expect(errorDeclarationHash(other, declaration, namespaces)).not.toBe(original);
    for (const change of [
      { declarationTime: '2024-03-03T00:00:00.001Z' },
      { reason: 'did_not_occur' },
      { correctiveEventIDs: declaration.correctiveEventIDs.slice(1) },
      { 'example:ticket': 'T-18' },
    ]) {
      expect(errorDeclarationHash(reference, { ...declaration, ...change }, namespaces)).not.toBe(original);
    }
    expect(errorDeclarationHash(reference, {}, namespaces)).toBe(
      `ni:///sha-256;${createHash('sha256').update(`${reference}errorDeclaration`).digest('hex')}`,
    );
  });

  it('refuses a declaration time that is no timestamp', () => {
    const error = thrown(() => errorDeclarationHash(reference, { declarationTime: 'yesterday' }));
    expect(error.problems.map((p) => p.pointer)).toEqual(['/declarationTime']);
  });
});

/** A deterministic deep shuffle of object keys and array entries (mulberry32 PRNG). */
function shuffledDeep(value: unknown, seed: number): unknown {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const shuffle = <T>(items: T[]): T[] => {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      [copy[i], copy[j]] = [copy[j], copy[i]];
    }
    return copy;
  };
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return shuffle(node.map(visit));
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(shuffle(Object.entries(node as Json)).map(([k, v]) => [k, visit(v)]));
    }
    return node;
  };
  return visit(value);
}
