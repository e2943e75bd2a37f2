import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseEpcisXml } from './parse';

const dscsaXml = readFileSync(path.join(__dirname, '__fixtures__/dscsa-epcis-1.2.xml'), 'utf8');

async function events(xml: string): Promise<Array<Record<string, unknown>>> {
  const doc = (await parseEpcisXml(xml)) as unknown as {
    epcisBody: { eventList: Array<Record<string, unknown>> };
  };
  return doc.epcisBody.eventList;
}

describe('EPCIS 1.2 XML → EPCIS 2.0 JSON-LD (DSCSA-style document)', () => {
  let doc: Record<string, unknown>;
  let eventList: Array<Record<string, unknown>>;
  beforeAll(async () => {
    doc = (await parseEpcisXml(dscsaXml)) as unknown as Record<string, unknown>;
    eventList = await events(dscsaXml);
  });

  it('produces a 2.0 document with the 1.2 master-data namespace in its 2.0 form', () => {
    expect(doc['type']).toBe('EPCISDocument');
    expect(doc['schemaVersion']).toBe('2.0');
    expect(doc['creationDate']).toBe('2024-03-01T09:00:00.000Z');
    expect(doc['@context']).toEqual([
      'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
      { cbvmda: 'urn:epcglobal:cbv:mda:' },
      { gs1ushc: 'http://epcis.gs1us.org/hc/ns' },
    ]);
  });

  it('keeps the events in document order, unwrapping the 1.2 extension event forms', () => {
    expect(eventList.map((e) => e['type'])).toEqual([
      'ObjectEvent',
      'AggregationEvent',
      'ObjectEvent',
      'TransformationEvent',
      'ObjectEvent',
      'AssociationEvent',
    ]);
  });

  it('maps the commissioning event, ILMD lot and expiry from the 1.2 extension', () => {
    expect(eventList[0]).toEqual({
      type: 'ObjectEvent',
      eventTime: '2024-02-20T08:00:00.000Z',
      eventTimeZoneOffset: '-05:00',
      epcList: ['urn:epc:id:sgtin:0312345.012345.1001', 'urn:epc:id:sgtin:0312345.012345.1002'],
      action: 'ADD',
      bizStep: 'commissioning',
      disposition: 'active',
      readPoint: { id: 'urn:epc:id:sgln:0312345.00001.0' },
      bizLocation: { id: 'urn:epc:id:sgln:0312345.00000.0' },
      ilmd: { 'cbvmda:lotNumber': 'LOT2024A', 'cbvmda:itemExpirationDate': '2026-02-28' },
    });
  });

  it('maps the packing aggregation', () => {
    expect(eventList[1]).toEqual({
      type: 'AggregationEvent',
      eventTime: '2024-02-20T09:00:00.000Z',
      eventTimeZoneOffset: '-05:00',
      parentID: 'urn:epc:id:sscc:0312345.1000000001',
      childEPCs: ['urn:epc:id:sgtin:0312345.012345.1001', 'urn:epc:id:sgtin:0312345.012345.1002'],
      action: 'ADD',
      bizStep: 'packing',
      disposition: 'in_progress',
      readPoint: { id: 'urn:epc:id:sgln:0312345.00001.0' },
    });
  });

  it('maps shipping: eventID from baseExtension, bizTransaction types, source/destination lists from extension', () => {
    expect(eventList[2]).toEqual({
      type: 'ObjectEvent',
      eventTime: '2024-03-01T08:30:00.000Z',
      eventTimeZoneOffset: '-05:00',
      eventID: 'urn:uuid:8d2c3b1e-2f4a-4c55-9e0b-6a7b8c9d0e1f',
      epcList: ['urn:epc:id:sscc:0312345.1000000001'],
      action: 'OBSERVE',
      bizStep: 'shipping',
      disposition: 'in_transit',
      readPoint: { id: 'urn:epc:id:sgln:0312345.00000.0' },
      bizTransactionList: [
        { type: 'po', bizTransaction: 'urn:epcglobal:cbv:bt:0398765000004:PO-778' },
        { type: 'desadv', bizTransaction: 'urn:epcglobal:cbv:bt:0312345000006:ASN-0001' },
      ],
      sourceList: [
        { type: 'owning_party', source: 'urn:epc:id:sgln:0312345.00000.0' },
        { type: 'location', source: 'urn:epc:id:sgln:0312345.00001.0' },
      ],
      destinationList: [
        { type: 'owning_party', destination: 'urn:epc:id:sgln:0398765.00000.0' },
        { type: 'location', destination: 'urn:epc:id:sgln:0398765.00010.0' },
      ],
      'gs1ushc:dropShip': 'false',
    });
  });

  it('maps the 1.2 TransformationEvent with its quantity as a number', () => {
    expect(eventList[3]).toEqual({
      type: 'TransformationEvent',
      eventTime: '2024-03-05T10:00:00.000Z',
      eventTimeZoneOffset: '-05:00',
      inputEPCList: ['urn:epc:id:sgtin:0312345.012345.1001'],
      outputQuantityList: [
        { epcClass: 'urn:epc:class:lgtin:0398765.054321.LOT2024A-R', quantity: 10, uom: 'EA' },
      ],
      transformationID: 'urn:epc:id:gdti:0398765.00000.77',
      bizStep: 'repackaging',
      disposition: 'active',
      readPoint: { id: 'urn:epc:id:sgln:0398765.00010.0' },
      ilmd: { 'cbvmda:lotNumber': 'LOT2024A-R' },
    });
  });

  it('maps the errorDeclaration from baseExtension', () => {
    expect(eventList[4]['eventID']).toBe('urn:uuid:8d2c3b1e-2f4a-4c55-9e0b-6a7b8c9d0e1f');
    expect(eventList[4]['errorDeclaration']).toEqual({
      declarationTime: '2024-03-02T12:00:00.000Z',
      reason: 'incorrect_data',
      correctiveEventIDs: ['urn:uuid:11111111-2222-4333-8444-555555555555'],
    });
  });

  it('reads the AssociationEvent of the 1.2 profile (extension/extension)', () => {
    expect(eventList[5]).toEqual({
      type: 'AssociationEvent',
      eventTime: '2024-03-06T10:00:00.000Z',
      eventTimeZoneOffset: '-05:00',
      parentID: 'urn:epc:id:grai:0398765.55555.1',
      childEPCs: ['urn:epc:id:giai:0398765.TL-9'],
      action: 'ADD',
      bizStep: 'assembling',
    });
  });

  it('maps the SBDH to sender, receiver and instanceIdentifier', () => {
    expect(doc['sender']).toBe('urn:epc:id:sgln:0312345.00000.0');
    expect(doc['receiver']).toBe('urn:epc:id:sgln:0398765.00000.0');
    expect(doc['instanceIdentifier']).toBe('DSCSA-ASN-0001');
  });

  it('maps the header master data VocabularyList', () => {
    expect(doc['epcisHeader']).toEqual({
      epcisMasterData: {
        vocabularyList: [
          {
            type: 'urn:epcglobal:epcis:vtype:EPCClass',
            vocabularyElementList: [
              {
                id: 'urn:epc:idpat:sgtin:0312345.012345.*',
                attributes: [
                  {
                    id: 'urn:epcglobal:cbv:mda#additionalTradeItemIdentification',
                    attribute: '0312345123457',
                  },
                  { id: 'urn:epcglobal:cbv:mda#regulatedProductName', attribute: 'Examplamab 10 mg/ml' },
                  { id: 'urn:epcglobal:cbv:mda#dosageFormType', attribute: 'SOLUTION' },
                ],
              },
            ],
          },
          {
            type: 'urn:epcglobal:epcis:vtype:Location',
            vocabularyElementList: [
              {
                id: 'urn:epc:id:sgln:0312345.00000.0',
                attributes: [
                  { id: 'urn:epcglobal:cbv:mda#name', attribute: 'Example Pharma Manufacturing' },
                  { id: 'urn:epcglobal:cbv:mda#countryCode', attribute: 'US' },
                ],
                children: ['urn:epc:id:sgln:0312345.00001.0'],
              },
            ],
          },
        ],
      },
    });
  });
});

describe('EPCIS 1.2 specifics', () => {
  const wrap = (eventXml: string): string =>
    `<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:1" schemaVersion="1.2" creationDate="2024-01-01T00:00:00Z">` +
    `<EPCISBody><EventList>${eventXml}</EventList></EPCISBody></epcis:EPCISDocument>`;

  it('reads quantityList and ILMD from ObjectEvent/extension', async () => {
    const [event] = await events(
      wrap(`<ObjectEvent><eventTime>2024-01-01T00:00:00Z</eventTime><eventTimeZoneOffset>+00:00</eventTimeZoneOffset>
        <epcList/><action>ADD</action>
        <extension><quantityList><quantityElement><epcClass>urn:epc:class:lgtin:0312345.012345.L1</epcClass>
        <quantity>2.5</quantity><uom>KGM</uom></quantityElement></quantityList></extension></ObjectEvent>`),
    );
    expect(event['epcList']).toEqual([]);
    expect(event['quantityList']).toEqual([
      { epcClass: 'urn:epc:class:lgtin:0312345.012345.L1', quantity: 2.5, uom: 'KGM' },
    ]);
  });

  it('reads childQuantityList from AggregationEvent/extension', async () => {
    const [event] = await events(
      wrap(`<AggregationEvent><eventTime>2024-01-01T00:00:00Z</eventTime><eventTimeZoneOffset>+00:00</eventTimeZoneOffset>
        <parentID>urn:epc:id:sscc:0312345.1000000001</parentID><childEPCs/><action>ADD</action>
        <extension><childQuantityList><quantityElement><epcClass>urn:epc:class:lgtin:0312345.012345.L1</epcClass>
        <quantity>12</quantity></quantityElement></childQuantityList></extension></AggregationEvent>`),
    );
    expect(event['childQuantityList']).toEqual([
      { epcClass: 'urn:epc:class:lgtin:0312345.012345.L1', quantity: 12 },
    ]);
  });

  it('turns a 1.0/1.1 QuantityEvent into the equivalent ObjectEvent (action OBSERVE, quantityList)', async () => {
    const [event] = await events(
      wrap(`<QuantityEvent><eventTime>2024-01-01T00:00:00Z</eventTime><eventTimeZoneOffset>+00:00</eventTimeZoneOffset>
        <epcClass>urn:epc:idpat:sgtin:0312345.012345.*</epcClass><quantity>200</quantity>
        <bizStep>urn:epcglobal:cbv:bizstep:stock_taking</bizStep></QuantityEvent>`),
    );
    expect(event).toEqual({
      type: 'ObjectEvent',
      eventTime: '2024-01-01T00:00:00Z',
      eventTimeZoneOffset: '+00:00',
      bizStep: 'stock_taking',
      action: 'OBSERVE',
      quantityList: [{ epcClass: 'urn:epc:idpat:sgtin:0312345.012345.*', quantity: 200 }],
    });
  });

  it('keeps bizTransaction without type attribute untyped and user-vocabulary values as given', async () => {
    const [event] = await events(
      wrap(`<ObjectEvent><eventTime>2024-01-01T00:00:00Z</eventTime><eventTimeZoneOffset>+00:00</eventTimeZoneOffset>
        <epcList><epc>urn:epc:id:sgtin:0312345.012345.1</epc></epcList><action>OBSERVE</action>
        <bizStep>urn:example:bizstep:quarantining</bizStep><disposition>urn:epcglobal:cbv:disp:not_a_cbv_word</disposition>
        <bizTransactionList><bizTransaction>urn:epcglobal:cbv:bt:0312345000006:X</bizTransaction></bizTransactionList>
        </ObjectEvent>`),
    );
    expect(event['bizStep']).toBe('urn:example:bizstep:quarantining');
    expect(event['disposition']).toBe('urn:epcglobal:cbv:disp:not_a_cbv_word');
    expect(event['bizTransactionList']).toEqual([{ bizTransaction: 'urn:epcglobal:cbv:bt:0312345000006:X' }]);
  });

  it('reads a 1.2 EPCISQueryDocument (EPCISBody/QueryResults/resultsBody/EventList)', async () => {
    const doc = (await parseEpcisXml(
      `<epcisq:EPCISQueryDocument xmlns:epcisq="urn:epcglobal:epcis-query:xsd:1" schemaVersion="1.2" creationDate="2024-01-02T00:00:00Z">
        <EPCISBody><epcisq:QueryResults><queryName>SimpleEventQuery</queryName><subscriptionID>sub-1</subscriptionID>
        <resultsBody><EventList><ObjectEvent><eventTime>2024-01-01T00:00:00Z</eventTime>
        <eventTimeZoneOffset>+00:00</eventTimeZoneOffset><epcList><epc>urn:epc:id:sgtin:0312345.012345.1</epc></epcList>
        <action>OBSERVE</action></ObjectEvent></EventList></resultsBody></epcisq:QueryResults></EPCISBody>
        </epcisq:EPCISQueryDocument>`,
    )) as unknown as Record<string, unknown>;
    expect(doc['type']).toBe('EPCISQueryDocument');
    expect(doc['epcisBody']).toEqual({
      queryResults: {
        queryName: 'SimpleEventQuery',
        subscriptionID: 'sub-1',
        resultsBody: {
          eventList: [
            {
              type: 'ObjectEvent',
              eventTime: '2024-01-01T00:00:00Z',
              eventTimeZoneOffset: '+00:00',
              epcList: ['urn:epc:id:sgtin:0312345.012345.1'],
              action: 'OBSERVE',
            },
          ],
        },
      },
    });
  });
});
