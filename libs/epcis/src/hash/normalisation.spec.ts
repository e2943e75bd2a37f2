import fc from 'fast-check';
import { CanonicalValues } from './canonical-value';
import { constrainedCanonicalDigitalLink } from './digital-link';
import { expandCompactIri, namespacesFromJsonLdContext } from './namespaces';
import { canonicalNumber, canonicalNumericString } from './number';
import { compareCodePoints } from './pre-hash';
import { canonicalTimestamp } from './timestamp';
import { cbvUrnToWebUri } from './vocabulary';

describe('canonicalTimestamp', () => {
  it.each([
    ['2020-03-04T11:00:30.000+01:00', '2020-03-04T10:00:30.000Z'],
    ['2020-03-04T11:00:30+01:00', '2020-03-04T10:00:30.000Z'],
    ['2022-02-16T20:33:31.116000-06:00', '2022-02-17T02:33:31.116Z'],
    ['2019-10-21T00:05:00-06:00', '2019-10-21T06:05:00.000Z'],
    ['2022-02-17T11:30:47.0Z', '2022-02-17T11:30:47.000Z'],
    ['2023-01-01T00:30:00+05:45', '2022-12-31T18:45:00.000Z'],
    ['2023-02-02T11:04:03.1415Z', '2023-02-02T11:04:03.142Z'],
    ['2023-02-02T11:04:03.1414Z', '2023-02-02T11:04:03.141Z'],
    ['2023-02-02T11:04:03.1425Z', '2023-02-02T11:04:03.143Z'],
    ['2023-12-31T23:59:59.9995Z', '2024-01-01T00:00:00.000Z'],
    ['2023-02-02T11:04:03.5Z', '2023-02-02T11:04:03.500Z'],
    ['2024-02-28T23:59:59.999Z', '2024-02-28T23:59:59.999Z'],
    ['  2024-01-31T10:00:00.000Z ', '2024-01-31T10:00:00.000Z'],
    ['2024-02-29T12:00:00.000Z', '2024-02-29T12:00:00.000Z'],
    ['0999-01-01T00:00:00.000Z', '0999-01-01T00:00:00.000Z'],
    ['2024-06-30T24:00:00.000Z', '2024-07-01T00:00:00.000Z'],
    ['2024-06-30T23:30:00.000-00:30', '2024-07-01T00:00:00.000Z'],
    ['2024-01-31T10:00:00+01:00', '2024-01-31T09:00:00.000Z'],
    ['2024-03-01T00:59:59.9996+01:00', '2024-03-01T00:00:00.000Z'],
  ])('%s → %s', (input, expected) => {
    expect(canonicalTimestamp(input)).toBe(expected);
  });

  it.each(['2020-03-04T11:00:30', '2020-03-04', 'yesterday', '2020-13-04T11:00:30Z', '2020-03-04 11:00:30Z'])(
    'rejects %s',
    (input) => {
      expect(canonicalTimestamp(input)).toBeUndefined();
    },
  );
});

describe('canonical numbers', () => {
  it.each([
    [1, '1'],
    [1.5, '1.5'],
    [-0, '0'],
    [0.3434, '0.3434'],
    [12.1, '12.1'],
    [1e21, '1000000000000000000000'],
    [2 ** 53, '9007199254740992'],
    [-(2 ** 53 - 1), '-9007199254740991'],
    [0.00005, '5e-05'],
    [1.25e-7, '1.25e-07'],
  ])('number %s → %s', (input, expected) => {
    expect(canonicalNumber(input)).toBe(expected);
  });

  it.each([
    ['1', '1'],
    ['1.0', '1'],
    ['1.', '1'],
    ['1e0', '1'],
    ['+1', '1'],
    ['01', '1'],
    ['-0.0', '0'],
    ['.5', '0.5'],
    ['0.34340', '0.3434'],
    ['26.00', '26'],
    ['1.5E2', '150'],
    ['111100001111000011110000', '111100001111000011110000'],
  ])('string %s → %s', (input, expected) => {
    expect(canonicalNumericString(input)).toBe(expected);
  });

  it.each(['', 'abc', '1-2', '0x10', 'Infinity', 'NaN', '1e', '2019-10-21', '1 2', '1_000'])(
    '%s is not a number',
    (input) => {
      expect(canonicalNumericString(input)).toBeUndefined();
    },
  );
});

describe('constrainedCanonicalDigitalLink', () => {
  it.each([
    ['https://id.gs1.org/01/04012345111118/21/9876', 'https://id.gs1.org/01/04012345111118/21/9876'],
    [
      'https://brand.example.com/01/04012345111118/21/9876?linkType=gs1:pip#x',
      'https://id.gs1.org/01/04012345111118/21/9876',
    ],
    [
      'https://example.com/gtin/09780345418913/ser/765tz?abc=211121',
      'https://id.gs1.org/01/09780345418913/21/765tz',
    ],
    ['https://example.com/some/prefix/01/9780345418913', 'https://id.gs1.org/01/09780345418913'],
    ['https://id.gs1.org/01/12345670', 'https://id.gs1.org/01/00000012345670'],
    [
      'https://id.gs1.org/01/04012345111118/22/2A/10/LOT1/21/S1',
      'https://id.gs1.org/01/04012345111118/21/S1',
    ],
    ['https://id.gs1.org/01/04012345111118/10/LOT1', 'https://id.gs1.org/01/04012345111118/10/LOT1'],
    ['https://id.gs1.org/01/04012345111118/22/2A', 'https://id.gs1.org/01/04012345111118'],
    ['https://id.gs1.de/414/4012345000115/', 'https://id.gs1.org/414/4012345000115'],
    ['https://id.example.com/gln/4012345000115/glnx/7', 'https://id.gs1.org/414/4012345000115/254/7'],
    ['https://id.example.org/8004/401234599999', 'https://id.gs1.org/8004/401234599999'],
    ['https://id.gs1.org/00/040123451111111110', 'https://id.gs1.org/00/040123451111111110'],
    ['http://id.gs1.org/417/4012345000009', 'https://id.gs1.org/417/4012345000009'],
    ['https://id.gs1.org/8018/401234598765400000/8019/12', 'https://id.gs1.org/8018/401234598765400000'],
    [
      'https://id.gs1.org/8010/061414111111111111111-A%23%2F/8011/1234',
      'https://id.gs1.org/8010/061414111111111111111-A%23%2F/8011/1234',
    ],
  ])('%s → %s', (input, expected) => {
    expect(constrainedCanonicalDigitalLink(input)).toBe(expected);
  });

  it('writes one percent-encoding for the same serial, however it was encoded', () => {
    const forms = [
      'https://id.gs1.org/01/04012345111118/21/A!(b)*',
      'https://id.gs1.org/01/04012345111118/21/A%21%28b%29%2A',
      'https://id.gs1.org/01/04012345111118/21/A%21%28b%29%2a',
    ];
    const canonical = forms.map(constrainedCanonicalDigitalLink);
    expect(new Set(canonical)).toEqual(new Set(['https://id.gs1.org/01/04012345111118/21/A%21%28b%29%2A']));
  });

  it.each([
    'http://transaction.acme.com/po/12345678',
    'https://accreditation-council.example.org/certificate/ABC12345',
    'http://www.opengis.net/def/crs/EPSG/0/27700',
    'https://id.gs1.org/01/ABC',
    'https://id.gs1.org/01/04012345111118/17/201225',
    'urn:epcglobal:cbv:bt:4012345000009:ASN1099',
    'geo:47.506694,11.104301',
  ])('leaves %s alone (not a GS1 Digital Link URI)', (input) => {
    expect(constrainedCanonicalDigitalLink(input)).toBeUndefined();
  });
});

describe('vocabulary and namespaces', () => {
  it.each([
    ['urn:epcglobal:cbv:bizstep:receiving', 'https://ref.gs1.org/cbv/BizStep-receiving'],
    ['urn:epcglobal:cbv:disp:in_transit', 'https://ref.gs1.org/cbv/Disp-in_transit'],
    ['urn:epcglobal:cbv:btt:po', 'https://ref.gs1.org/cbv/BTT-po'],
    ['urn:epcglobal:cbv:sdt:owning_party', 'https://ref.gs1.org/cbv/SDT-owning_party'],
    ['urn:epcglobal:cbv:er:incorrect_data', 'https://ref.gs1.org/cbv/ER-incorrect_data'],
    ['urn:epcglobal:cbv:bt:4012345000009:ASN1099', 'urn:epcglobal:cbv:bt:4012345000009:ASN1099'],
  ])('CBV URN %s → %s', (input, expected) => {
    expect(cbvUrnToWebUri(input)).toBe(expected);
  });

  it('collects the prefixes declared in a JSON-LD @context', () => {
    const context = [
      'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
      { example: 'https://ns.example.com/epcis/', id: '@id' },
      { ext: { '@id': 'https://ns.ext.de/epcis/', '@prefix': true }, '@vocab': 'https://ignored/' },
    ];
    expect(namespacesFromJsonLdContext(context)).toEqual({
      example: 'https://ns.example.com/epcis/',
      ext: 'https://ns.ext.de/epcis/',
    });
    expect(
      namespacesFromJsonLdContext('https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'),
    ).toEqual({});
  });

  it('expands compact IRIs with declared prefixes only', () => {
    const namespaces = { cbv: 'https://ref.gs1.org/cbv/' };
    expect(expandCompactIri('cbv:BizStep-shipping', namespaces)).toBe(
      'https://ref.gs1.org/cbv/BizStep-shipping',
    );
    expect(expandCompactIri('https://ref.gs1.org/cbv/BizStep-shipping', { https: 'x' })).toBe(
      'https://ref.gs1.org/cbv/BizStep-shipping',
    );
    expect(expandCompactIri('example:x', namespaces)).toBe('example:x');
  });
});

describe('CanonicalValues.fieldName', () => {
  const values = new CanonicalValues({
    example: 'https://ns.example.com/epcis/',
    mda: 'urn:epcglobal:cbv:mda:',
  });

  it.each([
    ['example:myField', '{https://ns.example.com/epcis/}myField'],
    ['mda:bestBeforeDate', '{urn:epcglobal:cbv:mda:}bestBeforeDate'],
    ['https://ns.example.com/epcis/myField', '{https://ns.example.com/epcis/}myField'],
    ['http://www.w3.org/2000/01/rdf-schema#comment', '{http://www.w3.org/2000/01/rdf-schema#}comment'],
    ['urn:example:ext:myField', '{urn:example:ext:}myField'],
    ['undeclared:myField', 'undeclared:myField'],
    ['plainField', 'plainField'],
  ])('%s → %s', (key, expected) => {
    expect(values.fieldName(key)).toBe(expected);
  });
});

describe('compareCodePoints (order of list entries)', () => {
  const order = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0);
  const utf8Order = (a: string, b: string) =>
    order(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));

  it.each([
    ['epc=a', 'epc=b', -1],
    ['B', 'a', -1],
    ['epc=a', 'epc=a', 0],
    ['epc=a', 'epc=ab', -1],
    ['\uffff', '\u{1f600}', -1], // U+FFFF is below U+1F600, although its UTF-16 code unit is above D83D
    ['\ue000x', '\u{10000}', -1],
    ['x\u{1f600}', 'x\u{1f601}', -1],
    ['x\ud800', 'x\ud800\udc00', -1], // a lone surrogate is written as U+FFFD
    ['x\ud800', 'x\ufffd', 0],
  ])('orders %j against %j as %d (UTF-8 byte order)', (a, b, expected) => {
    expect(order(compareCodePoints(a, b))).toBe(expected);
    expect(order(compareCodePoints(b, a))).toBe(order(-expected));
    expect(utf8Order(a, b)).toBe(expected);
  });

  it('agrees with the order of the UTF-8 bytes for any strings', () => {
    const text = fc.string({
      unit: fc.constantFrom('a', 'b', '\u00e9', '\ud83d', '\ude00', '\uffff', '\ue000', '\ud800'),
    });
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(order(compareCodePoints(a, b))).toBe(utf8Order(a, b));
      }),
      { numRuns: 2000 },
    );
  });
});
