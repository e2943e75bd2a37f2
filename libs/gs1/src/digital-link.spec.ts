import fc from 'fast-check';
import { canonicalDigitalLink, formatDigitalLink, isDigitalLink, parseDigitalLink } from './digital-link';
import { Gs1Error } from './errors';
import { encodeDigitalLinkValue } from './uri-escaping';
import { arbitraryIdentifiers, text82 } from '../test/arbitraries';

const now = new Date('2025-06-15T00:00:00Z');

describe('parseDigitalLink', () => {
  it('parses a GTIN with its qualifiers on id.gs1.org', () => {
    const parsed = parseDigitalLink('https://id.gs1.org/01/09506000134352/10/ABC/21/XYZ');
    expect(parsed).toMatchObject({
      origin: 'https://id.gs1.org',
      pathPrefix: '',
      primaryKey: { ai: '01', value: '09506000134352' },
      qualifiers: [
        { ai: '10', value: 'ABC' },
        { ai: '21', value: 'XYZ' },
      ],
      attributes: [],
    });
  });

  it('accepts any domain and path prefix', () => {
    const parsed = parseDigitalLink('https://example.com/some/prefix/01/09506000134352/21/XYZ');
    expect(parsed.origin).toBe('https://example.com');
    expect(parsed.pathPrefix).toBe('/some/prefix');
    expect(parsed.elements.map((e) => e.ai)).toEqual(['01', '21']);
  });

  it('does not mistake a prefix segment that looks like an AI for the key', () => {
    const parsed = parseDigitalLink('http://example.com/01/shop/01/09506000134352');
    expect(parsed.pathPrefix).toBe('/01/shop');
    expect(parsed.primaryKey.value).toBe('09506000134352');
  });

  it('reads data attributes and keeps other query parameters', () => {
    const parsed = parseDigitalLink(
      'https://id.gs1.org/01/09506000134352/10/ABC?17=261231&3103=000189&linkType=gs1:pip',
      { now },
    );
    expect(parsed.attributes).toEqual([
      { ai: '17', value: '261231' },
      { ai: '3103', value: '000189' },
    ]);
    expect(parsed.otherQueryParameters).toEqual([['linkType', 'gs1:pip']]);
  });

  it('normalises GTIN-8, -12 and -13 to 14 digits', () => {
    expect(parseDigitalLink('https://id.gs1.org/01/96385074').primaryKey.value).toBe('00000096385074');
    expect(parseDigitalLink('https://id.gs1.org/01/036000291452').primaryKey.value).toBe('00036000291452');
    expect(parseDigitalLink('https://id.gs1.org/01/4006381333931').primaryKey.value).toBe('04006381333931');
  });

  it('decodes percent-encoded values', () => {
    const parsed = parseDigitalLink('https://id.gs1.org/01/09506000134352/21/A%2FB%25C%26%3F%21');
    expect(parsed.qualifiers[0].value).toBe('A/B%C&?!');
  });

  it.each([
    ['https://id.gs1.org/01/09506000134352/21/XYZ/10/ABC', 'SYNTAX'], // qualifiers out of order
    ['https://id.gs1.org/01/09506000134352/254/1', 'SYNTAX'], // 254 is no GTIN qualifier
    ['https://id.gs1.org/10/ABC', 'SYNTAX'], // no primary key
    ['urn:epc:id:sgtin:0614141.107346.2017', 'SYNTAX'],
    ['https://id.gs1.org/01/09506000134353', 'CHECK_DIGIT'],
    ['https://id.gs1.org/01/09506000134352?17=261331', 'DATE'],
    ['https://id.gs1.org/01/09506000134352?0599=1', 'UNKNOWN_AI'],
    ['https://id.gs1.org/01/09506000134352/21/A%2', 'SYNTAX'],
    ['https://id.gs1.org/01/09506000134352/21/A%20B', 'CHARSET'], // a space is not in set 82
    ['https://id.gs1.org/01/09506000134352/10/A?10=B', 'SYNTAX'], // duplicate AI
  ])('rejects %s with %s', (uri, code) => {
    expect(() => parseDigitalLink(uri, { now })).toThrow(expect.objectContaining({ code }) as Gs1Error);
    expect(isDigitalLink(uri)).toBe(false);
  });

  it('parses the other primary keys and their qualifiers', () => {
    expect(parseDigitalLink('https://id.gs1.org/414/4012345000115/254/987').elements).toEqual([
      { ai: '414', value: '4012345000115' },
      { ai: '254', value: '987' },
    ]);
    expect(parseDigitalLink('https://id.gs1.org/8010/4012345A-1/8011/99').qualifiers).toEqual([
      { ai: '8011', value: '99' },
    ]);
    expect(parseDigitalLink('https://id.gs1.org/8018/952520840000000010/8019/12').qualifiers).toHaveLength(1);
    expect(
      parseDigitalLink('https://id.gs1.org/8006/095060001343520102/22/V1/10/L1/21/S1').qualifiers,
    ).toHaveLength(3);
    expect(parseDigitalLink('https://id.gs1.org/01/09506000134352/235/TPX1').qualifiers).toEqual([
      { ai: '235', value: 'TPX1' },
    ]);
    expect(parseDigitalLink('https://id.gs1.org/00/106141412345678908').primaryKey.ai).toBe('00');
  });
});

describe('formatDigitalLink', () => {
  it('puts the key and its qualifiers in the standard order in the path, the rest in the query', () => {
    const elements = [
      { ai: '21', value: 'XYZ' },
      { ai: '17', value: '261231' },
      { ai: '10', value: 'ABC' },
      { ai: '01', value: '09506000134352' },
      { ai: '22', value: 'V' },
    ];
    expect(formatDigitalLink(elements)).toBe(
      'https://id.gs1.org/01/09506000134352/22/V/10/ABC/21/XYZ?17=261231',
    );
    expect(formatDigitalLink(elements, { includeAttributes: false })).toBe(
      'https://id.gs1.org/01/09506000134352/22/V/10/ABC/21/XYZ',
    );
  });

  it('uses a custom domain and path prefix', () => {
    expect(
      formatDigitalLink([{ ai: '00', value: '106141412345678908' }], {
        domain: 'https://example.com/prefix/',
      }),
    ).toBe('https://example.com/prefix/00/106141412345678908');
  });

  it('percent-encodes every character that is not URI-unreserved', () => {
    expect(encodeDigitalLinkValue('A-Z._!"%&\'()*+,/:;<=>?')).toBe(
      'A-Z._%21%22%25%26%27%28%29%2A%2B%2C%2F%3A%3B%3C%3D%3E%3F',
    );
  });

  it('refuses elements without a primary key', () => {
    expect(() => formatDigitalLink([{ ai: '10', value: 'ABC' }])).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED' }) as Error,
    );
  });

  it('gives the canonical form', () => {
    expect(
      canonicalDigitalLink('https://example.com/x/01/4006381333931/21/1?17=261231&linkType=all', { now }),
    ).toBe('https://id.gs1.org/01/04006381333931/21/1?17=261231');
  });

  it('round-trips any value of set 82 and any identifier', () => {
    const anyIdentifier = fc.oneof(...Object.values(arbitraryIdentifiers));
    fc.assert(
      fc.property(
        anyIdentifier,
        text82(1, 30),
        fc.constantFrom('https://id.gs1.org', 'https://example.com/a/b'),
        ({ elements }, order, domain) => {
          const withAttribute = [...elements, { ai: '400', value: order }];
          const uri = formatDigitalLink(withAttribute, { domain });
          expect(uri.slice(domain.length)).toMatch(/^[A-Za-z0-9\-._~%/?=&]*$/);
          const parsed = parseDigitalLink(uri);
          expect(new Set(parsed.elements)).toEqual(new Set(withAttribute));
          expect(parsed.attributes).toEqual([{ ai: '400', value: order }]);
        },
      ),
    );
  });
});
