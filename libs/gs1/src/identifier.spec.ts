import { GROUP_SEPARATOR as GS } from './element-string';
import { parseAnyIdentifier } from './identifier';

const now = new Date('2025-06-15T00:00:00Z');

describe('parseAnyIdentifier', () => {
  it('describes a bracketed element string in every form', () => {
    const result = parseAnyIdentifier('(01)09506000134352(17)261231(10)ABC(21)XYZ', { gcpLength: 7, now });
    expect(result).toEqual({
      input: '(01)09506000134352(17)261231(10)ABC(21)XYZ',
      detectedForm: 'element-string-bracketed',
      elements: [
        { ai: '01', title: 'GTIN', value: '09506000134352' },
        { ai: '17', title: 'USE BY OR EXPIRY', value: '261231' },
        { ai: '10', title: 'BATCH/LOT', value: 'ABC' },
        { ai: '21', title: 'SERIAL', value: 'XYZ' },
      ],
      primaryKey: { ai: '01', title: 'GTIN', value: '09506000134352' },
      companyPrefix: '9506000',
      epcUri: 'urn:epc:id:sgtin:9506000.013435.XYZ',
      epcClassUri: 'urn:epc:class:lgtin:9506000.013435.ABC',
      epcPatternUri: 'urn:epc:idpat:sgtin:9506000.013435.*',
      digitalLink: 'https://id.gs1.org/01/09506000134352/10/ABC/21/XYZ?17=261231',
      digitalLinkKey: 'https://id.gs1.org/01/09506000134352/10/ABC/21/XYZ',
      elementString: '(01)09506000134352(17)261231(10)ABC(21)XYZ',
      rawElementString: `010950600013435217261231${'10'}ABC${GS}21XYZ`,
      expiry: '2026-12-31',
      dates: { '17': '2026-12-31' },
    });
  });

  it('detects raw scanner data and resolves expiry day 00', () => {
    const result = parseAnyIdentifier(`]d2${GS}010950600013435217260200${'10'}L1`, { now });
    expect(result.detectedForm).toBe('element-string-raw');
    expect(result.expiry).toBe('2026-02-28');
  });

  it('explains why there is no EPC URI when the company-prefix length is unknown', () => {
    const result = parseAnyIdentifier('https://example.com/p/01/09506000134352/21/XYZ');
    expect(result.detectedForm).toBe('digital-link');
    expect(result.epcUri).toBeUndefined();
    expect(result.epcError?.code).toBe('UNKNOWN_GCP_LENGTH');
    expect(result.epcError?.message).toMatch(/Company Prefix length is unknown for AI \(01\)/);
    expect(result.digitalLink).toBe('https://id.gs1.org/01/09506000134352/21/XYZ');
  });

  it('uses the prefix-length table', () => {
    const result = parseAnyIdentifier('https://id.gs1.org/414/4012345000115/254/987', {
      prefixLengths: [{ prefix: '401', length: 7 }],
    });
    expect(result.epcUri).toBe('urn:epc:id:sgln:4012345.00011.987');
  });

  it('describes an EPC URI without extra input', () => {
    const result = parseAnyIdentifier('urn:epc:id:sscc:0614141.1234567890');
    expect(result).toMatchObject({
      detectedForm: 'epc-uri',
      companyPrefix: '0614141',
      epcUri: 'urn:epc:id:sscc:0614141.1234567890',
      digitalLink: 'https://id.gs1.org/00/106141412345678908',
      elementString: '(00)106141412345678908',
    });
  });

  it('treats a bare GTIN as AI (01) and a bare 18-digit number as an SSCC', () => {
    expect(parseAnyIdentifier('4006381333931').elements).toEqual([
      { ai: '01', title: 'GTIN', value: '04006381333931' },
    ]);
    expect(parseAnyIdentifier('106141412345678908').detectedForm).toBe('sscc');
  });

  it('falls back to a raw element string when digits are no valid bare key', () => {
    const result = parseAnyIdentifier('40012345678901', { now }); // GTIN-14 check digit would be 3
    expect(result.detectedForm).toBe('element-string-raw');
    expect(result.elements).toEqual([{ ai: '400', title: 'ORDER NUMBER', value: '12345678901' }]);
    expect(() => parseAnyIdentifier('09506000134353')).toThrow('AI (01) GTIN check digit is 3, expected 2');
  });

  it('gives the Digital Link on a custom domain when asked', () => {
    expect(
      parseAnyIdentifier('urn:epc:id:sgtin:0614141.112345.400', { digitalLinkDomain: 'https://example.com' })
        .digitalLink,
    ).toBe('https://example.com/01/10614141123459/21/400');
  });

  it('returns only JSON-able data', () => {
    const result = parseAnyIdentifier('urn:epc:class:lgtin:4012345.012345.998877');
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it('throws a Gs1Error for invalid input', () => {
    expect(() => parseAnyIdentifier('(01)09506000134353')).toThrow(
      'AI (01) GTIN check digit is 3, expected 2',
    );
    expect(() => parseAnyIdentifier('urn:epc:idpat:sgtin:*.*.*')).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED' }) as Error,
    );
  });
});
