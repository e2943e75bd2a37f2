import { withCheckDigit } from './check-digit';
import { partyGln } from './party';

const PARTY = '0614141000012';

describe('partyGln', () => {
  it.each([
    [PARTY, PARTY],
    ['urn:epc:id:sgln:0614141.00001.0', PARTY],
    ['urn:epc:id:sgln:0614141.00001.12', PARTY],
    ['urn:epc:id:pgln:0614141.00001', PARTY],
    ['https://id.gs1.org/417/0614141000012', PARTY],
    ['https://id.gs1.org/414/0614141000012/254/12', PARTY],
    [withCheckDigit('401234500000'), withCheckDigit('401234500000')],
    ['0614141000013', undefined],
    ['urn:epc:id:sgtin:0614141.812345.6789', undefined],
    ['not a party', undefined],
  ])('%s stands for %p', (identifier, gln) => {
    expect(partyGln(identifier)).toBe(gln);
  });
});
