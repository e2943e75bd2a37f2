import type { Principal } from '@pedigree/auth';
import { EPCIS_CONTEXT_URI, type EpcisDocument, type EpcisEvent } from '@pedigree/epcis';
import { commissioningViolations, errorDeclarationViolations } from './capture-policy';

const LIST = '/epcisBody/eventList';
const OWN = 'urn:epc:id:sgtin:0614141.107346.1';
const OWN_DIGITAL_LINK = 'https://id.gs1.org/01/10614141073464/21/2';
const FOREIGN = 'urn:epc:id:sgtin:4012345.011122.3';
const manufacturer: Principal = {
  subject: 'm',
  party: '0614141000005',
  roles: ['manufacturer'],
  gcps: ['0614141'],
};
const time = { eventTime: '2026-01-01T08:00:00Z', eventTimeZoneOffset: '+00:00' };

function document(...eventList: EpcisEvent[]): EpcisDocument {
  return {
    '@context': EPCIS_CONTEXT_URI,
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2026-01-01T08:00:00Z',
    epcisBody: { eventList },
  };
}

const violations = (principal: Principal, ...events: EpcisEvent[]) =>
  commissioningViolations(principal, document(...events), LIST);

describe('commissioningViolations', () => {
  it('lets a party commission under its own company prefixes, in any identifier form', () => {
    expect(
      violations(manufacturer, {
        ...time,
        type: 'ObjectEvent',
        action: 'ADD',
        epcList: [OWN, OWN_DIGITAL_LINK],
      }),
    ).toEqual([]);
  });

  it('names each identifier commissioned under another prefix by its JSON pointer', () => {
    const problems = violations(
      manufacturer,
      { ...time, type: 'ObjectEvent', action: 'OBSERVE', epcList: [FOREIGN] },
      { ...time, type: 'ObjectEvent', action: 'ADD', epcList: [OWN, FOREIGN] },
    );
    expect(problems).toEqual([
      {
        pointer: `${LIST}/1/epcList/1`,
        message: `${FOREIGN} is not under a GS1 company prefix of party 0614141000005 (0614141)`,
      },
    ]);
  });

  it('treats an OBSERVE with business step commissioning (as a URI too) as commissioning', () => {
    const problems = violations(
      manufacturer,
      { ...time, type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'commissioning', epcList: [FOREIGN] },
      {
        ...time,
        type: 'ObjectEvent',
        action: 'OBSERVE',
        bizStep: 'https://ref.gs1.org/cbv/BizStep-commissioning',
        epcList: [FOREIGN],
      },
    );
    expect(problems.map((p) => p.pointer)).toEqual([`${LIST}/0/epcList/0`, `${LIST}/1/epcList/0`]);
  });

  it('checks the outputs of a transformation, not its inputs', () => {
    const problems = violations(manufacturer, {
      ...time,
      type: 'TransformationEvent',
      inputEPCList: [FOREIGN],
      outputEPCList: [OWN, FOREIGN],
    });
    expect(problems.map((p) => p.pointer)).toEqual([`${LIST}/0/outputEPCList/1`]);
  });

  it('does not look at aggregation, transaction or association events', () => {
    expect(
      violations(
        manufacturer,
        { ...time, type: 'AggregationEvent', action: 'ADD', parentID: FOREIGN, childEPCs: [FOREIGN] },
        { ...time, type: 'AssociationEvent', action: 'ADD', parentID: FOREIGN, childEPCs: [FOREIGN] },
        {
          ...time,
          type: 'TransactionEvent',
          action: 'ADD',
          epcList: [FOREIGN],
          bizTransactionList: [{ bizTransaction: 'urn:epcglobal:cbv:bt:0614141000005:PO1' }],
        },
      ),
    ).toEqual([]);
  });

  it('says "none" for a party without company prefixes, and exempts admins', () => {
    const distributor: Principal = { subject: 'd', party: '4012345000009', roles: ['distributor'], gcps: [] };
    const event: EpcisEvent = { ...time, type: 'ObjectEvent', action: 'ADD', epcList: [OWN] };
    expect(violations(distributor, event)[0]?.message).toMatch(/\(none\)$/);
    expect(violations({ ...distributor, roles: ['admin'] }, event)).toEqual([]);
  });
});

describe('errorDeclarationViolations', () => {
  const distributor: Principal = { subject: 'd', party: '4012345000009', roles: ['distributor'], gcps: [] };
  const admin: Principal = { subject: 'a', party: '5012345000008', roles: ['admin'], gcps: [] };
  const declarations = [
    { index: 0, eventHash: 'h-manufacturer' },
    { index: 1, eventHash: 'h-distributor' },
    { index: 2, eventHash: 'h-not-stored' },
  ];
  const capturers = new Map([
    ['h-manufacturer', manufacturer.party],
    ['h-distributor', distributor.party],
  ]);

  it('refuses a declaration of an event another party captured, naming it; its own and unstored ones pass', () => {
    expect(errorDeclarationViolations(distributor, declarations, capturers, LIST)).toEqual([
      {
        pointer: `${LIST}/0/errorDeclaration`,
        message: expect.stringContaining(`captured by party ${manufacturer.party}`),
      },
    ]);
  });

  it('lets an admin declare any event in error', () => {
    expect(errorDeclarationViolations(admin, declarations, capturers, LIST)).toEqual([]);
  });
});
