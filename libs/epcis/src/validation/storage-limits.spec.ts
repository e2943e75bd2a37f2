import { daysInMonth, gs1StandardsPath } from '@pedigree/gs1';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { parseEpcisXml } from '../xml';
import { STORAGE_LIMITS } from './storage-limits';
import { MAX_REPORTED_PROBLEMS, validateEpcisDocument } from './validate';

/**
 * The limits of the event store (docs/epcis-validation-rules.md, S1–S7): documents with values the store cannot hold
 * are refused, naming the value; documents within the limits pass.
 */
type Json = Record<string, unknown>;

const E0 = '/epcisBody/eventList/0';
const CONTEXT = [
  'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
  { example: 'https://example.com/epcis/' },
];

function event(): Json {
  return {
    type: 'ObjectEvent',
    eventTime: '2024-05-01T10:00:00.000+02:00',
    eventTimeZoneOffset: '+02:00',
    recordTime: '2024-05-01T10:00:05Z',
    action: 'OBSERVE',
    bizStep: 'shipping',
    epcList: ['urn:epc:id:sgtin:0614141.107346.2018'],
    quantityList: [{ epcClass: 'urn:epc:class:lgtin:4012345.012345.998877', quantity: 200, uom: 'KGM' }],
    readPoint: { id: 'urn:epc:id:sgln:0614141.07346.1234' },
    errorDeclaration: { declarationTime: '2024-05-02T10:00:00Z', reason: 'incorrect_data' },
    'example:note': 'a string',
  };
}

function documentWith(eventValue: Json): Json {
  return {
    '@context': CONTEXT,
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2024-05-01T11:00:00Z',
    epcisBody: { eventList: [eventValue] },
  };
}

/** Sets the value at `pointer` (below the first event) of a fresh document and returns the document. */
function documentSetting(pointer: string, value: unknown): Json {
  const doc = documentWith(event());
  const segments = pointer.split('/').slice(1);
  let holder = doc as Record<string | number, unknown>;
  for (const segment of segments.slice(0, -1)) holder = holder[segment] as Record<string | number, unknown>;
  holder[segments.at(-1)!] = value;
  return doc;
}

const pointersOf = (doc: Json) => validateEpcisDocument(doc).problems.map((p) => p.pointer);

const STRING_FIELDS = [
  `${E0}/epcList/0`,
  `${E0}/bizStep`,
  `${E0}/readPoint/id`,
  `${E0}/quantityList/0/epcClass`,
  `${E0}/example:note`,
];
const DATE_TIME_FIELDS = [
  '/creationDate',
  `${E0}/eventTime`,
  `${E0}/recordTime`,
  `${E0}/errorDeclaration/declarationTime`,
];

const iso = (year: number, month: number, day: number) =>
  `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T00:00:00Z`;

describe('limits of the event store', () => {
  it('the base document is valid', () => {
    expect(validateEpcisDocument(documentWith(event())).problems).toEqual([]);
  });

  it('refuses a NUL character anywhere in a string, naming the field', () => {
    fc.assert(
      fc.property(fc.constantFrom(...STRING_FIELDS), fc.nat(), (pointer, at) => {
        const original = String(
          pointer
            .split('/')
            .slice(1)
            .reduce<unknown>((v, s) => (v as Record<string, unknown>)[s], documentWith(event())),
        );
        const position = at % (original.length + 1);
        const doc = documentSetting(
          pointer,
          `${original.slice(0, position)}\u0000${original.slice(position)}`,
        );
        const result = validateEpcisDocument(doc);
        expect(result.valid).toBe(false);
        expect(result.problems).toContainEqual({
          pointer,
          message: 'must not contain the NUL character (U+0000), which the store cannot hold',
        });
      }),
    );
  });

  it('refuses a NUL character in a field name', () => {
    const doc = documentWith({ ...event(), 'example:a\u0000b': 1 });
    expect(pointersOf(doc)).toContain(`${E0}/example:a\u0000b`);
  });

  it('refuses impossible dates and years outside 0001-9999 in every date-time field', () => {
    const impossibleDay = fc
      .record({ year: fc.integer({ min: 1, max: 9999 }), month: fc.integer({ min: 1, max: 12 }) })
      .chain(({ year, month }) =>
        fc.integer({ min: daysInMonth(year, month) + 1, max: 99 }).map((day) => iso(year, month, day)),
      );
    const badValue = fc.oneof(
      impossibleDay,
      fc.integer({ min: 13, max: 99 }).map((month) => iso(2030, month, 1)),
      fc.constantFrom(
        'not-a-date',
        '0000-01-01T00:00:00Z',
        '0001-01-01T00:00:00+01:00',
        '9999-12-31T23:00:00-14:00',
        '10000-01-01T00:00:00Z',
        '-0001-01-01T00:00:00Z',
        '2030-02-31T00:00:00Z',
        '2030-01-01T23:60:00Z',
        '2030-01-01T10:00:00+15:00',
      ),
    );
    fc.assert(
      fc.property(fc.constantFrom(...DATE_TIME_FIELDS), badValue, (pointer, value) => {
        expect(pointersOf(documentSetting(pointer, value))).toContain(pointer);
      }),
    );
  });

  it('accepts every date-time of the years 0001-9999', () => {
    const instant = fc.date({
      min: new Date('0001-01-01T00:00:00Z'),
      max: new Date('9999-12-31T23:59:59.999Z'),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(fc.constantFrom(...DATE_TIME_FIELDS), instant, (pointer, date) => {
        expect(validateEpcisDocument(documentSetting(pointer, date.toISOString())).problems).toEqual([]);
      }),
    );
  });

  it('refuses identifiers and vocabulary values longer than the index holds', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(`${E0}/epcList/0`, `${E0}/bizStep`, `${E0}/readPoint/id`, `${E0}/eventID`),
        fc.integer({ min: STORAGE_LIMITS.maxIdentifierLength + 1, max: 20_000 }),
        (pointer, length) => {
          const value = `urn:example:${'x'.repeat(length)}`;
          expect(validateEpcisDocument(documentSetting(pointer, value)).problems).toContainEqual({
            pointer,
            message: `has ${value.length} characters; the store holds at most ${STORAGE_LIMITS.maxIdentifierLength} in an identifier or vocabulary value`,
          });
        },
      ),
      { numRuns: 20 },
    );
  });

  it('refuses a 1 MB identifier and a string over the string limit', () => {
    expect(pointersOf(documentSetting(`${E0}/bizStep`, 'x'.repeat(1 << 20)))).toContain(`${E0}/bizStep`);
    const note = `${E0}/example:note`;
    expect(pointersOf(documentSetting(note, 'x'.repeat(STORAGE_LIMITS.maxStringLength + 1)))).toContain(note);
    expect(pointersOf(documentSetting(note, 'x'.repeat(STORAGE_LIMITS.maxStringLength)))).toEqual([]);
  });

  it('refuses non-finite and absurd numbers: quantities, sensor values, extensions', () => {
    const absurd = fc.oneof(
      fc.constantFrom(Infinity, -Infinity, NaN, JSON.parse('1e400') as number, Number('1'.repeat(60))),
      fc.double({ min: Number.MAX_SAFE_INTEGER + 2, noNaN: true }),
      fc.double({ max: -(Number.MAX_SAFE_INTEGER + 2), noNaN: true }),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(`${E0}/quantityList/0/quantity`, `${E0}/example:note`),
        absurd,
        (pointer, value) => {
          expect(pointersOf(documentSetting(pointer, value))).toContain(pointer);
        },
      ),
    );
    const sensor = documentWith({
      ...event(),
      sensorElementList: [{ sensorReport: [{ type: 'Temperature', value: Infinity, uom: 'CEL' }] }],
    });
    expect(pointersOf(sensor)).toContain(`${E0}/sensorElementList/0/sensorReport/0/value`);
  });

  it('accepts generated documents within the limits', () => {
    const text = fc.string({ maxLength: 200 }).filter((s) => !s.includes('\u0000'));
    fc.assert(
      fc.property(
        text,
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.double({ min: -1e15, max: 1e15, noNaN: true }),
        fc.date({
          min: new Date('0001-01-01T00:00:00Z'),
          max: new Date('9999-12-31T23:59:59Z'),
          noInvalidDate: true,
        }),
        (note, quantity, measured, when) => {
          const doc = documentWith({
            ...event(),
            eventTime: when.toISOString(),
            quantityList: [{ epcClass: 'urn:epc:class:lgtin:4012345.012345.998877', quantity }],
            'example:note': note,
            'example:measured': measured,
          });
          expect(validateEpcisDocument(doc).problems).toEqual([]);
        },
      ),
    );
  });

  it('refuses 10,000 levels of nesting with one problem, without a stack overflow', () => {
    let nested: unknown = 'leaf';
    for (let i = 0; i < 10_000; i++) nested = { 'example:n': nested };
    const result = validateEpcisDocument(documentWith({ ...event(), 'example:deep': nested }));
    expect(result.valid).toBe(false);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]!.message).toBe(
      `nests deeper than ${STORAGE_LIMITS.maxDepth} levels, the most the store accepts`,
    );
  });

  it('refuses an object with more fields than the limit, with one problem', () => {
    const fields = Object.fromEntries(Array.from({ length: 30_000 }, (_, i) => [`f${i}`, i]));
    const result = validateEpcisDocument(documentWith({ ...event(), ...fields }));
    expect(result.problems).toEqual([
      {
        pointer: E0,
        message: `has 30011 fields; the store accepts at most ${STORAGE_LIMITS.maxMembers} in one object`,
      },
    ]);
  });

  it(`reports at most ${MAX_REPORTED_PROBLEMS} problems, then how many more`, () => {
    const epcList = Array.from({ length: 500 }, (_, i) => `urn:example:bad\u0000${i}`);
    const { problems } = validateEpcisDocument(documentWith({ ...event(), epcList }));
    expect(problems).toHaveLength(MAX_REPORTED_PROBLEMS + 1);
    expect(problems.at(-1)!.message).toMatch(/^…and \d+ more$/);
  });

  it('XML: a character reference to NUL is refused by the parser', async () => {
    const examples = gs1StandardsPath('gs1-epcis/examples/xml');
    const text = readFileSync(`${examples}/Example_9.6.1-ObjectEvent-2020_06_18a.xml`, 'utf8').replace(
      /(<epc>[^<]*)</,
      '$1&#0;<',
    );
    await expect(parseEpcisXml(text)).rejects.toThrow(/invalid xmlChar value 0/);
  });
});
