import fc from 'fast-check';
import { fullFormats } from 'ajv-formats/dist/formats';
import { compileEpcisSchema, PLAIN_DATE_TIME, PLAIN_URI } from './schema-validator';

/** The checks of ajv-formats that the plain forms stand in for. */
function fullCheck(name: 'uri' | 'date-time'): (value: string) => boolean {
  const format = fullFormats[name];
  if (typeof format === 'function') return format as (value: string) => boolean;
  if (typeof format === 'object' && !(format instanceof RegExp) && typeof format.validate === 'function') {
    return format.validate as (value: string) => boolean;
  }
  throw new Error(`no validating function for ${name}`);
}

describe('plain forms of uri and date-time', () => {
  /** Strings matching `plain`; a case-insensitive pattern is matched in lower case, then letters change case. */
  function plainValues(plain: RegExp): fc.Arbitrary<string> {
    const lowerCase = fc.stringMatching(new RegExp(plain.source));
    if (!plain.flags.includes('i')) return lowerCase;
    return fc
      .tuple(lowerCase, fc.infiniteStream(fc.boolean()))
      .map(([value, upper]) => [...value].map((ch) => (upper.next().value ? ch.toUpperCase() : ch)).join(''));
  }

  it.each([
    ['uri', PLAIN_URI],
    ['date-time', PLAIN_DATE_TIME],
  ] as const)('every %s the plain form accepts, the full ajv-formats check accepts', (name, plain) => {
    const full = fullCheck(name);
    fc.assert(
      fc.property(plainValues(plain), (value) => {
        expect(plain.test(value)).toBe(true);
        expect(full(value)).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it.each([
    'urn:epc:id:sgtin:0614141.107346.2017',
    'https://id.gs1.org/01/09521234543213/21/abc',
    'http://transaction.acme.com/po/12345678',
    'urn:epcglobal:cbv:bt:0614141073467:1152',
  ])('recognises %s as a plain URI', (value) => {
    expect(PLAIN_URI.test(value)).toBe(true);
  });

  it.each(['urn:epc:id:sgtin:0614141.107346.%2F1', 'https://example.com:8443/a', 'urn:', 'https:/x'])(
    'leaves %s to the full check',
    (value) => {
      expect(PLAIN_URI.test(value)).toBe(false);
    },
  );

  it.each(['2005-04-03T20:33:31.116-06:00', '2019-10-21T11:00:00Z', '2024-02-28T23:59:59.999+14:00'])(
    'recognises %s as a plain date-time',
    (value) => {
      expect(PLAIN_DATE_TIME.test(value)).toBe(true);
    },
  );
});

describe('compileEpcisSchema format checks', () => {
  const check = compileEpcisSchema();
  const documentWith = (eventTime: string, readPoint: string) => ({
    '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2024-01-01T00:00:00Z',
    epcisBody: {
      eventList: [
        {
          type: 'ObjectEvent',
          eventTime,
          eventTimeZoneOffset: '+00:00',
          epcList: ['urn:epc:id:sgtin:0614141.107346.2017'],
          action: 'OBSERVE',
          readPoint: { id: readPoint },
        },
      ],
    },
  });
  const E0 = '/epcisBody/eventList/0';

  it('still checks values that are not in a plain form in full', () => {
    expect(
      check(documentWith('2024-02-29T10:00:00z', 'https://id.example.com:8443/414/4012345000009')),
    ).toEqual([]);
    expect(check(documentWith('2023-02-29T10:00:00Z', 'urn:epc:id:sgln:0614141.00777.0'))).toEqual([
      expect.objectContaining({ pointer: `${E0}/eventTime`, message: 'must be a valid date-time' }),
    ]);
    expect(check(documentWith('2024-01-01T10:00:00Z', 'https://id.example.com/a b'))).toEqual([
      expect.objectContaining({ pointer: `${E0}/readPoint/id`, message: 'must be a valid uri' }),
    ]);
  });
});

describe('compileEpcisSchema uniqueItems', () => {
  const check = compileEpcisSchema();
  const documentWith = (event: Record<string, unknown>) => ({
    '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2024-01-01T00:00:00Z',
    epcisBody: {
      eventList: [
        {
          type: 'ObjectEvent',
          eventTime: '2024-01-01T00:00:00Z',
          eventTimeZoneOffset: '+00:00',
          action: 'OBSERVE',
          ...event,
        },
      ],
    },
  });
  const epc = (n: number) => `urn:epc:id:sgtin:0614141.107346.${n}`;

  it('still refuses duplicate EPCs and dispositions (checked by hash: bench/src/validation-scaling.ts)', () => {
    const epcList = Array.from({ length: 20_000 }, (_, i) => epc(i));
    expect(check(documentWith({ epcList }))).toEqual([]);
    expect(check(documentWith({ epcList: [...epcList, epc(7)] }))).toEqual([
      expect.objectContaining({
        pointer: '/epcisBody/eventList/0/epcList',
        message: expect.stringMatching(/^must NOT have duplicate items/),
      }),
    ]);
    expect(
      check(documentWith({ epcList: [epc(1)], persistentDisposition: { set: ['damaged', 'damaged'] } })),
    ).toEqual([
      expect.objectContaining({
        pointer: '/epcisBody/eventList/0/persistentDisposition/set',
        message: expect.stringMatching(/^must NOT have duplicate items/),
      }),
    ]);
  });
});
