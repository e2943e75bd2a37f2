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

  it('reads a zero-suppressed GTIN-8, -12 or -13 only when lenient, padded to 14 digits', () => {
    const lenient = { lenient: true };
    expect(parseDigitalLink('https://id.gs1.org/01/96385074', lenient).primaryKey.value).toBe(
      '00000096385074',
    );
    expect(parseDigitalLink('https://id.gs1.org/01/036000291452', lenient).primaryKey.value).toBe(
      '00036000291452',
    );
    expect(parseDigitalLink('https://id.gs1.org/01/4006381333931', lenient).primaryKey.value).toBe(
      '04006381333931',
    );
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
    ['https://id.gs1.org/01/9506000134352', 'LENGTH'], // GTIN-13 in the path
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

const gtin = 'https://id.gs1.org/01/09506000134352';

function refusal(uri: string, options = {}): string {
  try {
    parseDigitalLink(uri, { now, ...options });
  } catch (error) {
    if (error instanceof Gs1Error) return error.message;
    throw error;
  }
  throw new Error(`${uri} was accepted`);
}

describe('parseDigitalLink follows the GS1 Digital Link URI syntax', () => {
  describe('GTIN (01) of 14 digits (primary identification key formats: gtin-value = 14DIGIT)', () => {
    it.each([
      ['https://id.gs1.org/01/9506000134352', 'GTIN-13', '09506000134352'],
      ['https://id.gs1.org/01/036000291452', 'GTIN-12', '00036000291452'],
      ['https://id.gs1.org/01/96385074', 'GTIN-8', '00000096385074'],
      ['https://id.gs1.org/8004/9520614141234567?01=9506000134352', 'GTIN-13', '09506000134352'],
    ])('refuses %s (a %s)', (uri, kind, padded) => {
      expect(refusal(uri)).toContain(
        `the GTIN (01) must have 14 digits; a ${kind} is written with leading zeros as ${padded}`,
      );
    });

    it('accepts the 14-digit GTIN', () => {
      expect(parseDigitalLink(gtin).primaryKey).toEqual({ ai: '01', value: '09506000134352' });
    });
  });

  describe('key qualifiers only in the path (path element order; data attributes)', () => {
    it.each([
      [
        `${gtin}?22=V1`,
        'AI (22) is a key qualifier of (01) and must be in the path in the order /22/10/21 or /235',
      ],
      [`${gtin}?10=L1`, 'AI (10) is a key qualifier of (01) and must be in the path'],
      [`${gtin}?21=S1`, 'AI (21) is a key qualifier of (01) and must be in the path'],
      [`${gtin}/10/L1?21=S1`, 'AI (21) is a key qualifier of (01) and must be in the path'],
      [`${gtin}/21/S1?10=L1`, 'AI (10) is a key qualifier of (01) and must be in the path'],
      [`${gtin}?235=T1`, 'AI (235) is a key qualifier of (01) and must be in the path'],
      ['https://id.gs1.org/414/4012345000115?254=987', 'AI (254) is a key qualifier of (414)'],
      ['https://id.gs1.org/8010/4012345A-1?8011=99', 'AI (8011) is a key qualifier of (8010)'],
      ['https://id.gs1.org/8018/952520840000000010?8019=12', 'AI (8019) is a key qualifier of (8018)'],
      ['https://id.gs1.org/415/4012345000115?8020=R1', 'AI (8020) is a key qualifier of (415)'],
      ['https://id.gs1.org/417/4012345000115?7040=1ABC', 'AI (7040) is a key qualifier of (417)'],
      ['https://id.gs1.org/8006/095060001343520102?21=S1', 'AI (21) is a key qualifier of (8006)'],
      [`${gtin}/235/T1?21=S1`, 'AI (21) is not a data attribute'],
      ['https://id.gs1.org/00/106141412345678908?21=S1', 'AI (21) is not a data attribute'],
    ])('refuses %s', (uri, reason) => {
      expect(refusal(uri)).toContain(reason);
    });

    it('accepts (10) as a data attribute where no qualifier sequence of the path takes it', () => {
      expect(parseDigitalLink(`${gtin}/235/T1?10=L1`).attributes).toEqual([{ ai: '10', value: 'L1' }]);
      expect(
        parseDigitalLink('https://id.gs1.org/00/106141412345678908?02=09506000134352&37=25&10=L1').attributes,
      ).toHaveLength(3);
    });

    it('accepts a second identifier as a data attribute', () => {
      expect(
        parseDigitalLink('https://example.com/8004/9520614141234567?01=09506000134352').attributes,
      ).toEqual([{ ai: '01', value: '09506000134352' }]);
    });

    it('names qualifiers out of order or foreign to the key', () => {
      expect(refusal(`${gtin}/21/S1/10/L1`)).toContain(
        'the key qualifiers (21)(10) of (01) are not in the order /22/10/21 or /235',
      );
      expect(refusal(`${gtin}/254/1`)).toContain('(254) is not a key qualifier of (01)');
      expect(refusal('https://id.gs1.org/00/106141412345678908/21/1')).toContain(
        'the primary key (00) takes no key qualifiers',
      );
      expect(refusal('https://id.gs1.org/10/ABC')).toContain('the path holds no GS1 primary key AI');
    });
  });

  describe('scheme (http or https)', () => {
    it.each(['Https', 'hTTp', 'HTTPs'])('refuses the mixed-case scheme %s', (scheme) => {
      expect(refusal(`${scheme}://id.gs1.org/01/09506000134352`)).toContain(
        `the scheme "${scheme}" must be "http" or "https" (or all upper case "HTTP", "HTTPS"), not in mixed case`,
      );
    });

    it.each(['http', 'https', 'HTTP', 'HTTPS'])('accepts %s, as GS1 syntax engine does', (scheme) => {
      expect(parseDigitalLink(`${scheme}://id.gs1.org/01/09506000134352`).origin).toBe(
        `${scheme}://id.gs1.org`,
      );
    });

    it('refuses other schemes', () => {
      expect(refusal('ftp://id.gs1.org/01/09506000134352')).toContain('is not an http(s) URI');
    });

    it('reads a mixed-case scheme when lenient', () => {
      expect(
        parseDigitalLink('Https://id.gs1.org/01/09506000134352', { lenient: true }).primaryKey.value,
      ).toBe('09506000134352');
    });
  });

  describe('path end', () => {
    it.each([`${gtin}/21/XYZ/`, `${gtin}/`, `${gtin}/?17=261231`, `${gtin}/21/`])(
      'refuses the trailing "/" of %s',
      (uri) => {
        expect(refusal(uri)).toContain(
          'the path ends with "/"; nothing may follow the value of the last path element',
        );
      },
    );

    it('reads a trailing "/" when lenient, and an empty query or fragment always', () => {
      expect(parseDigitalLink(`${gtin}/21/XYZ/`, { lenient: true }).qualifiers).toEqual([
        { ai: '21', value: 'XYZ' },
      ]);
      expect(parseDigitalLink(`${gtin}?`).attributes).toEqual([]);
      expect(parseDigitalLink(`${gtin}/21/XYZ#frag`).qualifiers).toEqual([{ ai: '21', value: 'XYZ' }]);
    });

    it('refuses an empty path value', () => {
      expect(refusal('https://id.gs1.org/01/09506000134352/10//21/S1')).toContain(
        'AI (10) has an empty value',
      );
    });
  });

  describe('query string (data attributes and extension parameters)', () => {
    it('keeps non-numeric parameters and skips empty ones', () => {
      const parsed = parseDigitalLink(`${gtin}?&linkType=gs1:pip&&context=dscsa+saleable&17=261231&flag`, {
        now,
      });
      expect(parsed.attributes).toEqual([{ ai: '17', value: '261231' }]);
      expect(parsed.otherQueryParameters).toEqual([
        ['linkType', 'gs1:pip'],
        ['context', 'dscsa saleable'],
        ['flag', ''],
      ]);
    });

    it.each([
      [
        `${gtin}?0599=1`,
        '(0599), which is no known GS1 Application Identifier; all-numeric keys are reserved for AIs',
      ],
      [`${gtin}?999=faux`, '(999), which is no known GS1 Application Identifier'],
      [`${gtin}?17`, 'AI (17) in the query string has no "=value"'],
      [`${gtin}?17=`, 'AI (17) has an empty value'],
      [`${gtin}?17=261331`, '261331'],
      [`${gtin}?17=261231&17=261231`, 'AI (17) appears more than once'],
      [`${gtin}?01=09506000134352`, 'AI (01) appears more than once'],
      [`${gtin}?02=09506000134352`, 'AIs (01) and (02) must not appear together'],
      ['https://id.gs1.org/00/106141412345678908?17=261231', 'AI (17) requires (01)'],
    ])('refuses %s', (uri, reason) => {
      expect(refusal(uri)).toContain(reason);
    });

    it('reads "+" as a space in the query string, as itself in the path', () => {
      expect(parseDigitalLink(`${gtin}/10/A+B`).qualifiers).toEqual([{ ai: '10', value: 'A+B' }]);
      expect(refusal(`${gtin}?400=A+B`)).toContain(
        'AI (400) ORDER NUMBER contains " ", which is not allowed',
      );
      expect(parseDigitalLink(`${gtin}?400=A%2BB`).attributes).toEqual([{ ai: '400', value: 'A+B' }]);
    });
  });

  describe('host (RFC 3986 §3.2.2, as GS1 syntax engine reads it)', () => {
    it.each([
      'https://id.gs1.org',
      'https://example.com.',
      'https://xn--fsq.xn--0zwm56d',
      'https://example.com:8443',
      'https://192.0.2.1',
      'https://[2001:db8::1]',
      'https://[2001:db8::1]:443',
    ])('accepts %s', (origin) => {
      expect(parseDigitalLink(`${origin}/01/09506000134352`).origin).toBe(origin);
    });

    it.each([
      [
        'https://[fe80::1%25eth0]',
        'the IPv6 address [fe80::1%25eth0] has a zone identifier, which is not allowed',
      ],
      ['https://[v1.fe80::a]', 'the host [v1.fe80::a] is not an IPv6 address'],
      ['https://user@example.com', 'user information ("user@example.com") is not allowed before the host'],
      ['https://ex_ample.com', 'the host "ex_ample.com" may hold only letters, digits, "-" and "."'],
      ['https://ex%41mple.com', 'the host "ex%41mple.com" may hold only letters'],
      ['https://example.com:80a', 'the port "80a" is not a number'],
      ['https://', 'the URI has no host'],
    ])('refuses %s', (origin, reason) => {
      expect(refusal(`${origin}/01/09506000134352`)).toContain(reason);
    });
  });

  describe('characters and percent-encoding (RFC 3986 §2)', () => {
    it.each([
      [`${gtin}/21/A B`, '" " (U+0020) cannot appear in a URI and must be percent-encoded'],
      [`${gtin}/21/A<B`, '"<" (U+003C) cannot appear in a URI'],
      [`${gtin}/21/A{B`, '"{" (U+007B) cannot appear in a URI'],
      [`${gtin}/21/A\u001dB`, 'U+001D cannot appear in a URI'],
      [`${gtin}/21/Aé`, '"é" (U+00E9) cannot appear in a URI'],
      [`${gtin}/21/A%2`, 'malformed %-escape'],
      [`${gtin}/21/A%20B`, 'AI (21) SERIAL contains " ", which is not allowed'],
    ])('refuses %s', (uri, reason) => {
      expect(refusal(uri)).toContain(reason);
    });

    it('decodes percent-encoded values, upper or lower case hex', () => {
      expect(parseDigitalLink(`${gtin}/21/A%2fB%3C`).qualifiers).toEqual([{ ai: '21', value: 'A/B<' }]);
    });
  });

  it('keeps other problems strict when lenient', () => {
    expect(refusal(`${gtin}?21=S1`, { lenient: true })).toContain('AI (21) is a key qualifier of (01)');
    expect(refusal('https://[fe80::1%25eth0]/01/09506000134352', { lenient: true })).toContain(
      'zone identifier',
    );
    expect(refusal(`${gtin}?0599=1`, { lenient: true })).toContain('(0599)');
  });
});

describe('formatDigitalLink', () => {
  it('puts (235) in the path and (10) in the query when both are present', () => {
    expect(
      formatDigitalLink([
        { ai: '01', value: '09506000134352' },
        { ai: '10', value: 'L1' },
        { ai: '235', value: 'T1' },
      ]),
    ).toBe('https://id.gs1.org/01/09506000134352/235/T1?10=L1');
  });

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
      canonicalDigitalLink('https://example.com/x/01/04006381333931/21/1?17=261231&linkType=all', { now }),
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
