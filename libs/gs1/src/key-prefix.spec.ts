import { withCheckDigit } from './check-digit';
import { companyPrefixDigits } from './key-prefix';

const PARTY = '0614141000012';

describe('companyPrefixDigits', () => {
  it.each([
    ['an SGTIN EPC URI (indicator 8 dropped)', 'urn:epc:id:sgtin:0614141.812345.6789', '0614141123458'],
    ['a GTIN Digital Link', 'https://id.gs1.org/01/80614141123458/21/6789', '0614141123458'],
    ['an element string', '(01)80614141123458(21)6789', '0614141123458'],
    [
      'an SSCC EPC URI (extension digit 1 dropped)',
      'urn:epc:id:sscc:0614141.1234567890',
      '06141412345678908',
    ],
    ['an SSCC Digital Link', 'https://example.com/00/106141412345678908', '06141412345678908'],
    ['an SGLN', 'urn:epc:id:sgln:0614141.00001.0', PARTY],
    [
      'a GRAI (filler digit dropped)',
      'urn:epc:id:grai:0614141.12345.400',
      `${withCheckDigit('061414112345')}400`,
    ],
    ['a GIAI', 'urn:epc:id:giai:0614141.12345ABC', '061414112345ABC'],
    ['an LGTIN class', 'urn:epc:class:lgtin:0614141.812345.LOT1', '0614141123458'],
  ])('reads %s', (_what, identifier, digits) => {
    expect(companyPrefixDigits(identifier)).toBe(digits);
  });

  it('reads an AI and its value', () => {
    expect(companyPrefixDigits({ ai: '414', value: PARTY })).toBe(PARTY);
    expect(companyPrefixDigits({ ai: '00', value: '106141412345678908' })).toBe('06141412345678908');
    expect(companyPrefixDigits({ ai: '10', value: 'LOT1' })).toBeUndefined();
  });

  it.each([
    ['hello'],
    ['urn:epc:id:sgtin:0614141.812345'],
    ['https://id.gs1.org/01/80614141123459/21/1'],
    ['urn:epc:id:gid:95100000.12345.400'],
  ])('has none for %p', (identifier) => {
    expect(companyPrefixDigits(identifier)).toBeUndefined();
  });
});
