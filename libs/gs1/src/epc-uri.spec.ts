import fc from 'fast-check';
import { digitalLinkToEpcUri, epcUriToDigitalLink } from './conversions';
import { parseDigitalLink } from './digital-link';
import {
  elementsToEpcClassUri,
  elementsToEpcPatternUri,
  elementsToEpcUri,
  isEpcUri,
  parseEpcUri,
} from './epc-uri';
import { Gs1Error } from './errors';
import { arbitraryIdentifiers } from '../test/arbitraries';

describe('EPC URI ⇄ GS1 elements and Digital Link', () => {
  it.each([
    ['urn:epc:id:sgtin:0614141.112345.400', 'https://id.gs1.org/01/10614141123459/21/400'],
    ['urn:epc:id:sgtin:0614141.012345.A%2FB', 'https://id.gs1.org/01/00614141123452/21/A%2FB'],
    ['urn:epc:id:sscc:0614141.1234567890', 'https://id.gs1.org/00/106141412345678908'],
    ['urn:epc:id:sgln:0614141.12345.400', 'https://id.gs1.org/414/0614141123452/254/400'],
    ['urn:epc:id:sgln:0614141.12345.0', 'https://id.gs1.org/414/0614141123452'],
    ['urn:epc:id:grai:0614141.12345.400', 'https://id.gs1.org/8003/00614141123452400'],
    ['urn:epc:id:giai:0614141.12345400', 'https://id.gs1.org/8004/061414112345400'],
    ['urn:epc:id:gsrn:0614141.1234567890', 'https://id.gs1.org/8018/061414112345678902'],
    ['urn:epc:id:gsrnp:0614141.1234567890', 'https://id.gs1.org/8017/061414112345678902'],
    ['urn:epc:id:gdti:0614141.12345.400', 'https://id.gs1.org/253/0614141123452400'],
    ['urn:epc:id:cpi:0614141.123ABC.123456789', 'https://id.gs1.org/8010/0614141123ABC/8011/123456789'],
    ['urn:epc:id:cpi:0614141.5PQ7%2FZ43.12345', 'https://id.gs1.org/8010/06141415PQ7%2FZ43/8011/12345'],
    ['urn:epc:id:sgcn:4012345.67890.04711', 'https://id.gs1.org/255/401234567890104711'],
    ['urn:epc:id:ginc:0614141.xyz47%2F11', 'https://id.gs1.org/401/0614141xyz47%2F11'],
    ['urn:epc:id:gsin:0614141.123456789', 'https://id.gs1.org/402/06141411234567890'],
    ['urn:epc:id:itip:4012345.012345.01.02.987', 'https://id.gs1.org/8006/040123451234560102/21/987'],
    [
      "urn:epc:id:upui:1234567.089456.51qIgY)%3C%26Jp3*j7'SDB",
      'https://id.gs1.org/01/01234567894560/235/51qIgY%29%3C%26Jp3%2Aj7%27SDB',
    ],
    ['urn:epc:id:pgln:1234567.89012', 'https://id.gs1.org/417/1234567890128'],
    ['urn:epc:class:lgtin:4012345.012345.998877', 'https://id.gs1.org/01/04012345123456/10/998877'],
    ['urn:epc:idpat:sgtin:4012345.066666.*', 'https://id.gs1.org/01/04012345666663'],
    ['urn:epc:idpat:grai:0614141.12345.*', 'https://id.gs1.org/8003/00614141123452'],
  ])('%s ⇄ %s', (epc, digitalLink) => {
    expect(epcUriToDigitalLink(epc)).toBe(digitalLink);
    const gcpLength = parseEpcUri(epc).companyPrefix.length;
    if (!epc.startsWith('urn:epc:idpat:grai'))
      expect(digitalLinkToEpcUri(digitalLink, { gcpLength })).toBe(epc);
  });

  it('moves the indicator digit to the front of the item reference', () => {
    const elements = [
      { ai: '01', value: '80614141123458' },
      { ai: '21', value: '6789' },
    ];
    expect(elementsToEpcUri(elements, { gcpLength: 7 })).toBe('urn:epc:id:sgtin:0614141.812345.6789');
    expect(parseEpcUri('urn:epc:id:sgtin:0614141.812345.6789').elements).toEqual(elements);
  });

  it('handles a GTIN-8 in its 14-digit form', () => {
    const elements = [
      { ai: '01', value: '00000096385074' },
      { ai: '21', value: '1' },
    ];
    const epc = elementsToEpcUri(elements, { gcpLength: 8 });
    expect(epc).toBe('urn:epc:id:sgtin:00000963.08507.1');
    expect(epcUriToDigitalLink(epc)).toBe('https://id.gs1.org/01/00000096385074/21/1');
  });

  it('uses a custom Digital Link domain', () => {
    expect(
      epcUriToDigitalLink('urn:epc:id:sscc:0614141.1234567890', { domain: 'https://example.com/p' }),
    ).toBe('https://example.com/p/00/106141412345678908');
  });

  it('%-escapes serial characters per TDS and decodes them back', () => {
    const elements = [
      { ai: '01', value: '10614141123459' },
      { ai: '21', value: 'a"%&/<>?b.c' },
    ];
    const epc = elementsToEpcUri(elements, { gcpLength: 7 });
    expect(epc).toBe('urn:epc:id:sgtin:0614141.112345.a%22%25%26%2F%3C%3E%3Fb.c');
    expect(parseEpcUri(epc).elements).toEqual(elements);
  });

  it('gives class and pattern URIs for a GTIN with a lot', () => {
    const elements = [
      { ai: '01', value: '04012345123456' },
      { ai: '10', value: '998877' },
    ];
    expect(elementsToEpcClassUri(elements, { gcpLength: 7 })).toBe(
      'urn:epc:class:lgtin:4012345.012345.998877',
    );
    expect(elementsToEpcPatternUri(elements, { gcpLength: 7 })).toBe('urn:epc:idpat:sgtin:4012345.012345.*');
    expect(digitalLinkToEpcUri('https://id.gs1.org/01/04012345123456/10/998877', { gcpLength: 7 })).toBe(
      'urn:epc:class:lgtin:4012345.012345.998877',
    );
    expect(digitalLinkToEpcUri('https://id.gs1.org/01/04012345123456', { gcpLength: 7 })).toBe(
      'urn:epc:idpat:sgtin:4012345.012345.*',
    );
  });

  it.each([
    ['urn:epc:id:sgtin:0614141.12345.400', 'LENGTH'], // item reference one digit short
    ['urn:epc:id:sgtin:0614141.112345', 'SYNTAX'],
    ['urn:epc:id:sgtin:0614141.112345.a b', 'CHARSET'],
    ['urn:epc:id:sgtin:0614141.112345.a/b', 'CHARSET'], // "/" must be escaped
    ['urn:epc:id:sgtin:0614141.112345.%2', 'SYNTAX'],
    ['urn:epc:id:sgtin:0614141.112345.123456789012345678901', 'LENGTH'],
    ['urn:epc:id:sgtin:061.11234567890.1', 'LENGTH'],
    ['urn:epc:id:gid:95100000.12345.400', 'UNSUPPORTED'],
    ['urn:epc:class:sgtin:0614141.112345.1', 'SYNTAX'],
    ['urn:epc:id:lgtin:0614141.112345.1', 'SYNTAX'],
    ['urn:epc:idpat:sgtin:0614141.*.1', 'SYNTAX'],
    ['urn:epc:id:cpi:0614141.abc.1', 'CHARSET'],
    ['urn:epc:id:itip:4012345.012345.03.02.987', 'SYNTAX'],
    ['https://id.gs1.org/01/09506000134352', 'SYNTAX'],
  ])('rejects %s with %s', (uri, code) => {
    expect(() => parseEpcUri(uri)).toThrow(expect.objectContaining({ code }) as Gs1Error);
    expect(isEpcUri(uri)).toBe(false);
  });

  it.each([
    [
      'urn:epc:idpat:cpi:0614141.5PQ7%2FZ43.*',
      '8010',
      '06141415PQ7/Z43',
      'https://id.gs1.org/8010/06141415PQ7%2FZ43',
    ],
    ['urn:epc:idpat:cpi:0614141.123ABC.*', '8010', '0614141123ABC', 'https://id.gs1.org/8010/0614141123ABC'],
    ['urn:epc:idpat:upui:1234567.089456.*', '01', '01234567894560', 'https://id.gs1.org/01/01234567894560'],
    ['urn:epc:idpat:upui:4012345.012345.*', '01', '04012345123456', 'https://id.gs1.org/01/04012345123456'],
  ])('reduces the pattern %s to its key (%s) %s', (epc, ai, value, digitalLink) => {
    expect(parseEpcUri(epc).elements).toEqual([{ ai, value }]);
    expect(epcUriToDigitalLink(epc)).toBe(digitalLink);
  });

  it('has no key for cpi and upui patterns that leave more than the serial open', () => {
    for (const epc of [
      'urn:epc:idpat:cpi:0614141.*.*',
      'urn:epc:idpat:upui:4012345.*.*',
      'urn:epc:idpat:upui:*.*.*',
    ]) {
      expect(parseEpcUri(epc).elements).toEqual([]);
      expect(() => epcUriToDigitalLink(epc)).toThrow(
        expect.objectContaining({ code: 'UNSUPPORTED' }) as Error,
      );
    }
    expect(() => parseEpcUri('urn:epc:idpat:cpi:0614141.abc.*')).toThrow(
      expect.objectContaining({ code: 'CHARSET' }) as Error,
    );
  });

  it('parses patterns with open company prefix but has no Digital Link for them', () => {
    expect(parseEpcUri('urn:epc:idpat:sgtin:*.*.*')).toMatchObject({ kind: 'idpat', elements: [] });
    expect(parseEpcUri('urn:epc:idpat:sscc:0614141.*').elements).toEqual([]);
    expect(() => epcUriToDigitalLink('urn:epc:idpat:sgtin:0614141.*.*')).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED' }) as Error,
    );
  });

  it('fails clearly when the company-prefix length is unknown', () => {
    const uri = 'https://id.gs1.org/01/09506000134352/21/XYZ';
    expect(() => digitalLinkToEpcUri(uri, {})).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_GCP_LENGTH', ai: '01' }) as Error,
    );
    expect(() => digitalLinkToEpcUri(uri, {})).toThrow(
      /Company Prefix length is unknown for AI \(01\) GTIN 09506000134352/,
    );
    expect(() => digitalLinkToEpcUri(uri, { prefixLengths: [{ prefix: '951', length: 7 }] })).toThrow(
      Gs1Error,
    );
  });

  it('takes the longest matching prefix of the length table', () => {
    const prefixLengths = [
      { prefix: '950', length: 7 },
      { prefix: '9506', length: 9 },
      { prefix: '95060', length: 8 },
    ];
    expect(digitalLinkToEpcUri('https://id.gs1.org/01/09506000134352/21/XYZ', { prefixLengths })).toBe(
      'urn:epc:id:sgtin:95060001.03435.XYZ',
    );
    expect(digitalLinkToEpcUri('https://id.gs1.org/00/195012345678901234', { prefixLengths })).toBe(
      'urn:epc:id:sscc:9501234.1567890123',
    );
  });

  it('round-trips every scheme: elements → EPC → Digital Link → EPC', () => {
    for (const [scheme, arbitrary] of Object.entries(arbitraryIdentifiers)) {
      fc.assert(
        fc.property(arbitrary, ({ elements, gcpLength }) => {
          const epc =
            scheme === 'lgtin'
              ? elementsToEpcClassUri(elements, { gcpLength })
              : elementsToEpcUri(elements, { gcpLength });
          expect(epc).toMatch(new RegExp(`^urn:epc:(id|class):${scheme}:[0-9]{${gcpLength}}\\.`));
          const parsed = parseEpcUri(epc as string);
          expect(parsed.elements).toEqual(elements);
          const digitalLink = epcUriToDigitalLink(epc as string);
          expect(new Set(parseDigitalLink(digitalLink).elements)).toEqual(new Set(elements));
          expect(digitalLinkToEpcUri(digitalLink, { gcpLength })).toBe(epc);
        }),
        { numRuns: 200 },
      );
    }
  });
});
