import { eventFacts, itemOfKey } from './event-facts';

const base = { eventTime: '2026-01-01T08:00:00.000+01:00', eventTimeZoneOffset: '+01:00' };
const PACK = 'urn:epc:id:sgtin:0614141.107346.2017';
const PACK_KEY = 'https://id.gs1.org/01/10614141073464/21/2017';
const CASE = 'urn:epc:id:sscc:0614141.1234567890';
const CASE_KEY = 'https://id.gs1.org/00/106141412345678908';
const LOT_CLASS = 'urn:epc:class:lgtin:0614141.107346.LOT7';

describe('eventFacts', () => {
  it('names every identifier in its role, keyed by its canonical Digital Link', () => {
    const facts = eventFacts({
      ...base,
      type: 'AggregationEvent',
      action: 'ADD',
      parentID: CASE,
      childEPCs: [PACK],
      childQuantityList: [{ epcClass: LOT_CLASS, quantity: 10 }],
    });
    expect(facts.identifiers).toEqual([
      { key: CASE_KEY, value: CASE, role: 'parent' },
      { key: PACK_KEY, value: PACK, role: 'child' },
      { key: 'https://id.gs1.org/01/10614141073464/10/LOT7', value: LOT_CLASS, role: 'childQuantity' },
    ]);
  });

  it('names the inputs and outputs of a transformation, and its quantities', () => {
    const output = 'https://id.gs1.org/01/10614141073464/21/OUT1';
    const facts = eventFacts({
      ...base,
      type: 'TransformationEvent',
      inputEPCList: [PACK],
      outputEPCList: [output],
      inputQuantityList: [{ epcClass: LOT_CLASS }],
    });
    expect(facts.identifiers.map((i) => [i.role, i.key])).toEqual([
      ['input', PACK_KEY],
      ['output', output],
      ['inputQuantity', 'https://id.gs1.org/01/10614141073464/10/LOT7'],
    ]);
    expect(facts.action).toBeUndefined();
  });

  it('gives the vocabulary as bare CBV words, the places by their ids and the time as a Date', () => {
    const facts = eventFacts({
      ...base,
      type: 'ObjectEvent',
      action: 'OBSERVE',
      epcList: [PACK],
      bizStep: 'https://ref.gs1.org/cbv/BizStep-shipping',
      disposition: 'urn:epcglobal:cbv:disp:in_transit',
      readPoint: { id: 'urn:epc:id:sgln:0614141.00001.0' },
      bizLocation: { id: 'urn:epc:id:sgln:0614141.00001.7' },
    });
    expect(facts).toMatchObject({
      type: 'ObjectEvent',
      action: 'OBSERVE',
      bizStep: 'shipping',
      disposition: 'in_transit',
      readPoint: 'urn:epc:id:sgln:0614141.00001.0',
      bizLocation: 'urn:epc:id:sgln:0614141.00001.7',
      errorDeclared: false,
    });
    expect(facts.eventTime.toISOString()).toBe('2026-01-01T07:00:00.000Z');
  });

  it.each([
    ['cbvmda:', 'cbvmda:'],
    ['the CBV 2.0 URN', 'urn:epcglobal:cbv:mda:'],
    ['the CBV 1.2 URN', 'urn:epcglobal:cbv:mda#'],
    ['the Web URI', 'https://ref.gs1.org/cbv/mda/'],
  ])('reads lot and expiry from the ILMD under %s', (_what, prefix) => {
    const facts = eventFacts({
      ...base,
      type: 'ObjectEvent',
      action: 'ADD',
      epcList: [PACK],
      ilmd: { [`${prefix}lotNumber`]: 'LOT7', [`${prefix}itemExpirationDate`]: '2027-06-30' },
    });
    expect(facts).toMatchObject({ lot: 'LOT7', expiry: '2027-06-30' });
  });

  it('ignores ILMD fields of other vocabularies', () => {
    const facts = eventFacts({
      ...base,
      type: 'ObjectEvent',
      action: 'ADD',
      epcList: [PACK],
      ilmd: { 'example:lotNumber': 'NOT-A-LOT' },
    });
    expect(facts.lot).toBeUndefined();
  });

  it('gives source and destination parties as GLNs, and the owning party the goods go to', () => {
    const facts = eventFacts({
      ...base,
      type: 'ObjectEvent',
      action: 'OBSERVE',
      epcList: [PACK],
      sourceList: [
        { type: 'owning_party', source: 'urn:epc:id:pgln:0614141.00000' },
        { type: 'location', source: 'urn:epc:id:sgln:0614141.00001.0' },
      ],
      destinationList: [
        { type: 'urn:epcglobal:cbv:sdt:owning_party', destination: 'https://id.gs1.org/417/4012345000009' },
        { type: 'location', destination: 'not-a-gln' },
      ],
    });
    expect(facts.sourceParties).toEqual(['0614141000005', '0614141000012']);
    expect(facts.destinationParties).toEqual(['4012345000009', 'not-a-gln']);
    expect(facts.destinationOwner).toBe('4012345000009');
  });

  it('marks an event carrying an error declaration', () => {
    const facts = eventFacts({
      ...base,
      type: 'ObjectEvent',
      action: 'OBSERVE',
      epcList: [PACK],
      errorDeclaration: { declarationTime: '2026-01-02T00:00:00Z', reason: 'incorrect_data' },
    });
    expect(facts.errorDeclared).toBe(true);
  });
});

describe('itemOfKey', () => {
  it.each([
    [PACK_KEY, { gtin: '10614141073464', serial: '2017' }],
    ['https://id.gs1.org/01/10614141073464/21/A%2FB', { gtin: '10614141073464', serial: 'A/B' }],
    [CASE_KEY, { sscc: '106141412345678908' }],
    ['https://id.gs1.org/01/10614141073464/10/LOT7', {}],
    ['urn:example:thing', {}],
  ])('%s → %p', (key, item) => {
    expect(itemOfKey(key)).toEqual(item);
  });
});
