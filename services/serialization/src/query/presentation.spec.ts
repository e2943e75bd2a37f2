import { formatEventIdentifiers, formatIdentifier } from './presentation';

describe('GS1-EPC-Format', () => {
  const urn = 'urn:epc:id:sgtin:0614141.107346.2017';
  const link = 'https://id.gs1.org/01/10614141073464/21/2017';

  it('writes EPC URIs as Digital Links and Digital Links as EPC URIs when the company prefix is known', () => {
    expect(formatIdentifier(urn, 'Always_GS1_Digital_Link', [])).toBe(link);
    expect(formatIdentifier(link, 'Always_EPC_URN', ['0614141'])).toBe(urn);
    expect(formatIdentifier(link, 'Always_EPC_URN', ['9506000'])).toBe(link);
    expect(formatIdentifier(urn, 'Never_Translates', [])).toBe(urn);
    expect(formatIdentifier('urn:example:thing', 'Always_GS1_Digital_Link', [])).toBe('urn:example:thing');
  });

  it('converts every identifier field of an event and leaves the stored one alone', () => {
    const event = {
      type: 'AggregationEvent',
      parentID: 'urn:epc:id:sscc:0614141.1000000001',
      childEPCs: [urn],
      childQuantityList: [{ epcClass: 'urn:epc:class:lgtin:0614141.107346.LOT1', quantity: 2 }],
      readPoint: { id: 'urn:epc:id:sgln:0614141.00000.0' },
      sourceList: [{ type: 'owning_party', source: 'urn:epc:id:pgln:0614141.00000' }],
    };
    const converted = formatEventIdentifiers(event, 'Always_GS1_Digital_Link', []);
    expect(converted).toEqual({
      type: 'AggregationEvent',
      parentID: 'https://id.gs1.org/00/106141410000000019',
      childEPCs: [link],
      childQuantityList: [{ epcClass: 'https://id.gs1.org/01/10614141073464/10/LOT1', quantity: 2 }],
      readPoint: { id: 'https://id.gs1.org/414/0614141000005' },
      sourceList: [{ type: 'owning_party', source: 'https://id.gs1.org/417/0614141000005' }],
    });
    expect(event.childEPCs).toEqual([urn]);
    expect(formatEventIdentifiers(converted, 'Always_EPC_URN', ['0614141'])).toEqual(event);
  });
});
