import { isValidGs1Key, normaliseGtin, validateGs1Key } from './keys';

describe('GS1 keys', () => {
  it.each([
    ['GTIN', '96385074'],
    ['GTIN', '036000291452'],
    ['GTIN', '4006381333931'],
    ['GTIN', '09506000134352'],
    ['GTIN-8', '96385074'],
    ['GTIN-12', '036000291452'],
    ['GTIN-13', '4006381333931'],
    ['GTIN-14', '09506000134352'],
    ['GLN', '0614141000012'],
    ['PGLN', '4012345000009'],
    ['SSCC', '106141412345678908'],
    ['GRAI', '04012345555554'],
    ['GRAI', '0401234555555498765'],
    ['GIAI', '4000001111'],
    ['GDTI', '40123455555541234'],
    ['GSRN', '952520840000000010'],
    ['GSRNP', '952520840000000010'],
    ['GCN', '4012345000009'],
    ['SGCN', '4012345000009123'],
    ['GINC', '0614141xyz47/11'],
    ['GSIN', '06141411234567890'],
    ['ITIP', '095060001343520102'],
    ['CPID', '4012345#A-1/2'],
  ] as const)('accepts the %s %s', (type, value) => {
    expect(isValidGs1Key(type, value)).toBe(true);
  });

  it.each([
    ['GTIN', '09506000134353', 'CHECK_DIGIT'],
    ['GTIN', '0950600013435', 'CHECK_DIGIT'],
    ['GTIN', '123456789', 'LENGTH'],
    ['GTIN-13', '96385074', 'LENGTH'],
    ['GLN', '0614141000013', 'CHECK_DIGIT'],
    ['SSCC', '10614141234567890', 'LENGTH'],
    ['GRAI', '14012345555554', 'SYNTAX'], // the filler digit must be 0
    ['SGCN', '4012345000009', 'LENGTH'],
    ['GSIN', '06141411234567891', 'CHECK_DIGIT'],
    ['ITIP', '095060001343520302', 'SYNTAX'], // piece 3 of 2
    ['CPID', '4012345a', 'CHARSET'],
    ['GIAI', '4000001 111', 'CHARSET'],
  ] as const)('rejects the %s %s with %s', (type, value, code) => {
    expect(isValidGs1Key(type, value)).toBe(false);
    expect(() => validateGs1Key(type, value)).toThrow(expect.objectContaining({ code }) as Error);
  });

  it('normalises any GTIN to 14 digits', () => {
    expect(normaliseGtin('96385074')).toBe('00000096385074');
    expect(normaliseGtin('036000291452')).toBe('00036000291452');
    expect(normaliseGtin('4006381333931')).toBe('04006381333931');
    expect(() => normaliseGtin('4006381333932')).toThrow('AI (01) GTIN check digit is 2, expected 1');
  });
});
