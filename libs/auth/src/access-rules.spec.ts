import { withCheckDigit } from '@pedigree/gs1';
import { canSeeEvent, ownsCompanyPrefix, seesEveryParty } from './access-rules';
import type { Principal } from './principal';

const PARTY = '0614141000012';
const OTHER_LOCATION_SAME_COMPANY = withCheckDigit('061414100002');
const manufacturer: Principal = { subject: 'm', party: PARTY, roles: ['manufacturer'], gcps: ['0614141'] };
const owner = (...gcps: string[]) => ({ gcps });

describe('ownsCompanyPrefix', () => {
  it('matches a GTIN-14 after its indicator digit, in every identifier form', () => {
    for (const id of [
      'urn:epc:id:sgtin:0614141.812345.6789',
      'https://id.gs1.org/01/80614141123458/21/6789',
      '(01)80614141123458(21)6789',
      { ai: '01', value: '80614141123458' },
    ]) {
      expect(ownsCompanyPrefix(manufacturer, id)).toBe(true);
    }
  });

  it('does not count the indicator digit as part of the company prefix', () => {
    expect(ownsCompanyPrefix(owner('8061414'), 'urn:epc:id:sgtin:0614141.812345.6789')).toBe(false);
    expect(ownsCompanyPrefix(owner('0614141'), 'urn:epc:id:sgtin:8061414.012345.6789')).toBe(false);
  });

  it('compares digit strings, whatever company-prefix length the EPC URI was written with', () => {
    expect(ownsCompanyPrefix(owner('061414'), 'urn:epc:id:sgtin:0614141.812345.6789')).toBe(true);
    expect(ownsCompanyPrefix(owner('0614141'), 'urn:epc:id:sgtin:061414.8112345.6789')).toBe(true);
    expect(ownsCompanyPrefix(owner('0614141123'), 'urn:epc:id:sgtin:0614141.812345.6789')).toBe(true);
    expect(ownsCompanyPrefix(owner('0614142'), 'urn:epc:id:sgtin:0614141.812345.6789')).toBe(false);
  });

  it('owns GTIN-12 and GTIN-13 items through their GTIN-14 form', () => {
    const gtin12 = withCheckDigit('61414100003');
    expect(ownsCompanyPrefix(owner('0614141'), { ai: '01', value: `00${gtin12}` })).toBe(true);
    expect(ownsCompanyPrefix(owner('0614141'), `(01)00${gtin12}(21)1`)).toBe(true);
    expect(
      ownsCompanyPrefix(owner('4012345'), `https://id.gs1.org/01/0${withCheckDigit('401234500001')}/21/X`),
    ).toBe(true);
  });

  it('matches an SSCC after its extension digit', () => {
    expect(ownsCompanyPrefix(manufacturer, 'urn:epc:id:sscc:0614141.1234567890')).toBe(true);
    expect(ownsCompanyPrefix(manufacturer, 'https://id.gs1.org/00/106141412345678908')).toBe(true);
    expect(ownsCompanyPrefix(owner('1061414'), 'urn:epc:id:sscc:0614141.1234567890')).toBe(false);
  });

  it('matches a GLN, an SGLN and a PGLN from their first digit', () => {
    expect(ownsCompanyPrefix(manufacturer, { ai: '414', value: PARTY })).toBe(true);
    expect(ownsCompanyPrefix(manufacturer, 'urn:epc:id:sgln:0614141.00001.12')).toBe(true);
    expect(ownsCompanyPrefix(manufacturer, 'urn:epc:id:pgln:0614141.00001')).toBe(true);
    expect(ownsCompanyPrefix(owner('4012345'), { ai: '414', value: PARTY })).toBe(false);
  });

  it('accepts any of several prefixes', () => {
    expect(ownsCompanyPrefix(owner('4012345', '0614141'), 'urn:epc:id:sgtin:0614141.812345.6789')).toBe(true);
  });

  it('owns a pattern only when the whole fixed part lies under the prefix', () => {
    expect(ownsCompanyPrefix(owner('0614141'), 'urn:epc:idpat:sgtin:0614141.*.*')).toBe(true);
    expect(ownsCompanyPrefix(owner('06141411'), 'urn:epc:idpat:sgtin:0614141.*.*')).toBe(false);
  });

  it('owns nothing without prefixes, and nothing that is not a valid GS1 key', () => {
    expect(ownsCompanyPrefix(owner(), 'urn:epc:id:sgtin:0614141.812345.6789')).toBe(false);
    expect(ownsCompanyPrefix(manufacturer, 'https://id.gs1.org/01/80614141123459/21/6789')).toBe(false);
    expect(ownsCompanyPrefix(manufacturer, 'urn:epc:id:gid:95100000.12345.400')).toBe(false);
    expect(ownsCompanyPrefix(manufacturer, '0614141')).toBe(false);
  });
});

describe('seesEveryParty', () => {
  it.each([
    [['regulator'], true],
    [['admin'], true],
    [['manufacturer', 'regulator'], true],
    [['manufacturer'], false],
    [['distributor', 'dispenser'], false],
    [[], false],
  ] as const)('%p → %p', (roles, expected) => {
    expect(seesEveryParty({ roles })).toBe(expected);
  });
});

describe('canSeeEvent', () => {
  const distributor: Principal = { subject: 'd', party: PARTY, roles: ['distributor'], gcps: [] };
  const otherParty = withCheckDigit('401234500000');

  it.each([['regulator'], ['admin']] as const)('lets a %s see every event', (role) => {
    const principal: Principal = { subject: 'r', party: otherParty, roles: [role], gcps: [] };
    expect(canSeeEvent(principal, {})).toBe(true);
    expect(
      canSeeEvent(principal, { capturedBy: PARTY, sourceParties: [PARTY], destinationParties: [PARTY] }),
    ).toBe(true);
  });

  it('lets a party see the events it captured', () => {
    expect(canSeeEvent(manufacturer, { capturedBy: PARTY })).toBe(true);
  });

  it('lets a party see events naming it as source or destination, by GLN, SGLN or PGLN', () => {
    expect(
      canSeeEvent(distributor, { capturedBy: otherParty, sourceParties: ['urn:epc:id:pgln:0614141.00001'] }),
    ).toBe(true);
    expect(
      canSeeEvent(distributor, {
        capturedBy: otherParty,
        destinationParties: ['urn:epc:id:sgln:0614141.00001.12'],
      }),
    ).toBe(true);
    expect(canSeeEvent(distributor, { destinationParties: ['https://id.gs1.org/417/0614141000012'] })).toBe(
      true,
    );
    expect(canSeeEvent(distributor, { sourceParties: ['bogus', PARTY] })).toBe(true);
  });

  it('hides events of other parties, even at another location of the same company or under its company prefix', () => {
    const event = {
      capturedBy: otherParty,
      sourceParties: [`urn:epc:id:sgln:4012345.00000.0`],
      destinationParties: [OTHER_LOCATION_SAME_COMPANY],
    };
    expect(canSeeEvent(distributor, event)).toBe(false);
    expect(canSeeEvent(manufacturer, event)).toBe(false);
    expect(canSeeEvent(manufacturer, {})).toBe(false);
  });

  it('is not fooled by a party list entry that merely contains the GLN', () => {
    expect(canSeeEvent(distributor, { sourceParties: [`x${PARTY}`, `${PARTY}0`] })).toBe(false);
  });
});
