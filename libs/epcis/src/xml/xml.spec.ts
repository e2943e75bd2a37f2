import { EpcisException } from '../errors';
import type { JsonObject } from '../model/json';
import { detectEpcisFormat } from './detect';
import { parseEpcisXml } from './parse';
import { formatDecimal, toEpcisXml } from './write';

const CONTEXT = 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld';

function document20(events: string, rootAttributes = ''): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" ` +
    `schemaVersion="2.0" creationDate="2024-01-01T00:00:00Z" ${rootAttributes}>` +
    `<EPCISBody><EventList>${events}</EventList></EPCISBody></epcis:EPCISDocument>`
  );
}

function eventsOf(doc: unknown): JsonObject[] {
  return (doc as { epcisBody: { eventList: JsonObject[] } }).epcisBody.eventList;
}

async function exceptionOf(action: () => unknown): Promise<EpcisException> {
  try {
    await action();
  } catch (e) {
    if (e instanceof EpcisException) return e;
    throw e;
  }
  throw new Error('expected an EpcisException');
}

function jsonDocument(events: JsonObject[], context: JsonObject[] = []): JsonObject {
  return {
    '@context': [CONTEXT, ...context],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2024-01-01T00:00:00Z',
    epcisBody: { eventList: events },
  };
}

const EVENT_TIME =
  '<eventTime>2024-01-01T00:00:00Z</eventTime><eventTimeZoneOffset>+00:00</eventTimeZoneOffset>';
const OBJECT_EVENT = `<ObjectEvent>${EVENT_TIME}<epcList/><action>ADD</action></ObjectEvent>`;

const baseEvent = { eventTime: '2024-01-01T00:00:00Z', eventTimeZoneOffset: '+00:00' };

describe('parseEpcisXml: EPCIS 2.0 structures', () => {
  it('reads sensor data with typed attributes and bare GS1/CBV words', async () => {
    const [event] = eventsOf(
      await parseEpcisXml(
        document20(
          `<ObjectEvent><eventTime>2024-01-01T00:00:00Z</eventTime><eventTimeZoneOffset>+00:00</eventTimeZoneOffset>
          <epcList/><action>OBSERVE</action>
          <sensorElementList><sensorElement>
            <sensorMetadata time="2024-01-01T00:00:00Z" deviceID="urn:epc:id:giai:4000001.111" example:batteryLevel="87"/>
            <sensorReport type="gs1:Temperature" value="-18.5" uom="CEL" exception="gs1:ALARM_CONDITION"/>
            <sensorReport type="https://gs1.org/voc/Speed" minValue="1e2" component="cbv:Comp-x" booleanValue="true"/>
            <sensorReport type="example:Custom" stringValue="ok" hexBinaryValue="0FA1"/>
            <example:note>checked</example:note>
          </sensorElement></sensorElementList>
          </ObjectEvent>`,
          'xmlns:example="https://example.org/ns/" xmlns:gs1="https://gs1.org/voc/"',
        ),
      ),
    );
    // `example:Custom` is a URI with the scheme `example` (XML expands no value through xmlns:example), so the
    // JSON-LD prefix of the extension namespace is renamed: `example:Custom` must not become a compact IRI.
    expect(event['sensorElementList']).toEqual([
      {
        sensorMetadata: {
          time: '2024-01-01T00:00:00Z',
          deviceID: 'urn:epc:id:giai:4000001.111',
          'example1:batteryLevel': '87',
        },
        sensorReport: [
          { type: 'Temperature', value: -18.5, uom: 'CEL', exception: 'ALARM_CONDITION' },
          { type: 'Speed', minValue: 100, component: 'x', booleanValue: true },
          { type: 'example:Custom', stringValue: 'ok', hexBinaryValue: '0FA1' },
        ],
        'example1:note': 'checked',
      },
    ]);
  });

  it('reads persistentDisposition, certificationInfo and a 2.0 AssociationEvent', async () => {
    const [event] = eventsOf(
      await parseEpcisXml(
        document20(`<AssociationEvent><eventTime>2024-01-01T00:00:00Z</eventTime>
          <eventTimeZoneOffset>+00:00</eventTimeZoneOffset>
          <certificationInfo>https://cert.example.org/c/1</certificationInfo>
          <parentID>urn:epc:id:grai:4012345.55555.987</parentID>
          <childQuantityList><quantityElement><epcClass>urn:epc:class:lgtin:4023333.002000.123</epcClass>
          <quantity>600</quantity></quantityElement></childQuantityList>
          <action>ADD</action>
          <persistentDisposition><unset>urn:epcglobal:cbv:disp:completeness_inferred</unset>
          <set>https://ref.gs1.org/cbv/Disp-completeness_verified</set><set>urn:example:disp:audited</set></persistentDisposition>
          </AssociationEvent>`),
      ),
    );
    expect(event).toEqual({
      type: 'AssociationEvent',
      ...baseEvent,
      certificationInfo: 'https://cert.example.org/c/1',
      parentID: 'urn:epc:id:grai:4012345.55555.987',
      childQuantityList: [{ epcClass: 'urn:epc:class:lgtin:4023333.002000.123', quantity: 600 }],
      action: 'ADD',
      persistentDisposition: {
        unset: ['completeness_inferred'],
        set: ['completeness_verified', 'urn:example:disp:audited'],
      },
    });
  });

  it('maps user extensions: nesting, repetition, attributes, unqualified children, default namespace', async () => {
    const doc = (await parseEpcisXml(
      document20(
        `<ObjectEvent><eventTime>2024-01-01T00:00:00Z</eventTime><eventTimeZoneOffset>+00:00</eventTimeZoneOffset>
        <epcList/><action>OBSERVE</action>
        <readPoint><id>urn:epc:id:sgln:4012345.00001.0</id><example:dock>7</example:dock></readPoint>
        <example:temperature unit="CEL" example:sensor="s1">4.5</example:temperature>
        <example:userElement><anotherElement>elementData</anotherElement><anotherElement>more</anotherElement></example:userElement>
        <example:empty/>
        <carrier xmlns="https://carrier.example.com/v1/"><name>Acme</name></carrier>
        </ObjectEvent>`,
        'xmlns:example="https://example.org/ns/"',
      ),
    )) as unknown as JsonObject;
    const [event] = eventsOf(doc);
    expect(event['readPoint']).toEqual({ id: 'urn:epc:id:sgln:4012345.00001.0', 'example:dock': '7' });
    expect(event['example:temperature']).toEqual({ unit: 'CEL', 'example:sensor': 's1', '#text': '4.5' });
    expect(event['example:userElement']).toEqual({ anotherElement: ['elementData', 'more'] });
    expect(event['example:empty']).toBe('');
    expect(event['ns:carrier']).toEqual({ 'ns:name': 'Acme' });
    expect(doc['@context']).toEqual([
      CONTEXT,
      { example: 'https://example.org/ns/' },
      { ns: 'https://carrier.example.com/v1/' },
    ]);
  });

  it('keeps the own text of an element that also has children under #text, and writes it back', async () => {
    const xml = document20(
      `<ObjectEvent><eventTime>2024-01-01T00:00:00Z</eventTime><eventTimeZoneOffset>+00:00</eventTimeZoneOffset>
      <epcList/><action>OBSERVE</action>
      <example:note>hello <example:sub>x</example:sub></example:note></ObjectEvent>`,
      'xmlns:example="https://example.org/ns/"',
    );
    const doc = await parseEpcisXml(xml);
    expect(eventsOf(doc)[0]['example:note']).toEqual({ 'example:sub': 'x', '#text': 'hello' });
    expect(eventsOf(await parseEpcisXml(toEpcisXml(doc)))).toEqual(eventsOf(doc));
  });

  it('renames an XML prefix that the protected EPCIS context binds to another namespace', async () => {
    const doc = await parseEpcisXml(
      document20(
        `<ObjectEvent><eventTime>2024-01-01T00:00:00Z</eventTime><eventTimeZoneOffset>+00:00</eventTimeZoneOffset>
        <epcList/><action>OBSERVE</action><gs1:note>x</gs1:note></ObjectEvent>`,
        'xmlns:gs1="https://not-gs1.example.com/"',
      ),
    );
    expect(eventsOf(doc)[0]['gs11:note']).toBe('x');
    expect(doc['@context']).toEqual([CONTEXT, { gs11: 'https://not-gs1.example.com/' }]);
  });

  it('reads EPCIS 2.0 master data and keeps structured attribute values', async () => {
    const doc = (await parseEpcisXml(
      `<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" xmlns:ext1="http://example.com/ext1/"
        xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" schemaVersion="2.0" creationDate="2024-01-01T00:00:00Z">
        <EPCISHeader><extension><EPCISMasterData><VocabularyList>
          <Vocabulary type="urn:epcglobal:epcis:vtype:BusinessLocation"><VocabularyElementList>
            <VocabularyElement id="urn:epc:id:sgln:0037000.00729.0">
              <attribute id="http://example.com/ext1#object"><ext1:street xsi:type="xsd:string">Main St 1</ext1:street></attribute>
            </VocabularyElement>
          </VocabularyElementList></Vocabulary>
        </VocabularyList></EPCISMasterData></extension></EPCISHeader>
        <EPCISBody><EventList/></EPCISBody></epcis:EPCISDocument>`,
    )) as unknown as JsonObject;
    expect(doc['epcisHeader']).toEqual({
      epcisMasterData: {
        vocabularyList: [
          {
            type: 'urn:epcglobal:epcis:vtype:BusinessLocation',
            vocabularyElementList: [
              {
                id: 'urn:epc:id:sgln:0037000.00729.0',
                attributes: [
                  { id: 'http://example.com/ext1#object', attribute: { 'ext1:street': 'Main St 1' } },
                ],
              },
            ],
          },
        ],
      },
    });
    expect(eventsOf(doc)).toEqual([]);
  });
});

describe('parseEpcisXml: a UTF-8 byte-order mark', () => {
  it('skips a byte-order mark before the XML declaration (GS1 Example-TransactionEvent-2020_07_03y.xml has one)', async () => {
    const xml = document20(
      '<ObjectEvent><eventTime>2024-01-01T00:00:00Z</eventTime><eventTimeZoneOffset>+00:00</eventTimeZoneOffset>' +
        '<epcList/><action>OBSERVE</action></ObjectEvent>',
    );
    const withoutMark = await parseEpcisXml(xml);
    expect(eventsOf(withoutMark)).toHaveLength(1);
    await expect(parseEpcisXml(`\uFEFF${xml}`)).resolves.toEqual(withoutMark);
  });
});

describe('parseEpcisXml errors', () => {
  it('rejects malformed XML', async () => {
    const error = await exceptionOf(() =>
      parseEpcisXml('<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2"><EPCISBody>'),
    );
    expect(error.exceptionType).toBe('ValidationException');
    expect(error.problems[0].message).toMatch(/malformed XML/);
  });

  it('rejects text that is not XML at all, and an unbound prefix', async () => {
    expect((await exceptionOf(() => parseEpcisXml('{"type":"EPCISDocument"}'))).problems[0].message).toMatch(
      /malformed XML/,
    );
    expect((await exceptionOf(() => parseEpcisXml('<x:EPCISDocument/>'))).problems[0].message).toMatch(
      /malformed XML/,
    );
  });

  it('rejects an unknown root element, naming it', async () => {
    const error = await exceptionOf(() =>
      parseEpcisXml('<EPCISDocument schemaVersion="2.0"><EPCISBody/></EPCISDocument>'),
    );
    expect(error.problems).toEqual([
      { pointer: '/EPCISDocument', message: expect.stringContaining('unknown root element {}EPCISDocument') },
    ]);
  });

  // Since XML is validated against GS1's XSD before it is read, the XSD is what refuses these documents.
  it('rejects an unknown event element with its path', async () => {
    const error = await exceptionOf(() => parseEpcisXml(document20(`${OBJECT_EVENT}<SensorEvent/>`)));
    expect(error.problems).toEqual([
      {
        pointer: '/EPCISDocument/EPCISBody/EventList/SensorEvent',
        message: "Element 'SensorEvent': This element is not expected. (line 2)",
      },
    ]);
  });

  it('rejects an unknown unqualified field with the element path of the event', async () => {
    const error = await exceptionOf(() =>
      parseEpcisXml(
        document20(
          OBJECT_EVENT +
            `<ObjectEvent>${EVENT_TIME}<epcLst><epc>urn:epc:id:sgtin:1.2.3</epc></epcLst><action>ADD</action></ObjectEvent>`,
        ),
      ),
    );
    expect(error.problems[0].pointer).toBe('/EPCISDocument/EPCISBody/EventList/ObjectEvent[2]/epcLst');
  });

  it('rejects a quantity that is not a decimal and a sensor value that is not a number', async () => {
    const quantity = await exceptionOf(() =>
      parseEpcisXml(
        document20(`<ObjectEvent>${EVENT_TIME}<epcList/><action>ADD</action><quantityList><quantityElement>
          <epcClass>urn:epc:class:lgtin:4012345.012345.1</epcClass><quantity>ten</quantity></quantityElement></quantityList></ObjectEvent>`),
      ),
    );
    expect(quantity.problems).toEqual([
      {
        pointer: '/EPCISDocument/EPCISBody/EventList/ObjectEvent/quantityList/quantityElement/quantity',
        message: expect.stringContaining("'ten' is not a valid value of the atomic type 'xs:decimal'"),
      },
    ]);
    const sensor = await exceptionOf(() =>
      parseEpcisXml(
        document20(`<ObjectEvent>${EVENT_TIME}<epcList/><action>ADD</action><sensorElementList><sensorElement>
          <sensorReport type="gs1:Temperature" value="warm"/></sensorElement></sensorElementList></ObjectEvent>`),
      ),
    );
    expect(sensor.problems).toEqual([
      {
        pointer:
          '/EPCISDocument/EPCISBody/EventList/ObjectEvent/sensorElementList/sensorElement/sensorReport',
        message: expect.stringContaining(
          "attribute 'value': 'warm' is not a valid value of the atomic type 'xs:double'",
        ),
      },
    ]);
  });

  it('requires QueryResults in a query document', async () => {
    const error = await exceptionOf(() =>
      parseEpcisXml(
        '<q:EPCISQueryDocument xmlns:q="urn:epcglobal:epcis-query:xsd:2" schemaVersion="2.0" ' +
          'creationDate="2024-01-01T00:00:00Z"><EPCISBody/></q:EPCISQueryDocument>',
      ),
    );
    expect(error.problems).toEqual([
      {
        pointer: '/EPCISQueryDocument/EPCISBody',
        message: expect.stringMatching(
          /^Element 'EPCISBody': Missing child element\(s\)\. Expected is one of \(.*\{urn:epcglobal:epcis-query:xsd:2\}Poll/,
        ),
      },
    ]);
  });
});

describe('toEpcisXml', () => {
  it('writes the fields in the 2.0 schema order with CBV URNs, whatever the JSON key order', () => {
    const xml = toEpcisXml(
      jsonDocument([
        {
          ilmd: { 'cbvmda:lotNumber': 'L1' },
          action: 'ADD',
          bizStep: 'commissioning',
          type: 'ObjectEvent',
          readPoint: { id: 'urn:epc:id:sgln:4012345.00001.0' },
          epcList: ['urn:epc:id:sgtin:4012345.011111.1'],
          disposition: 'https://ref.gs1.org/cbv/Disp-active',
          eventID: 'urn:uuid:1',
          ...baseEvent,
        },
      ]),
    );
    const names = [...xml.matchAll(/^ {8}<([\w:]+)/gm)].map((m) => m[1]);
    expect(names).toEqual([
      'eventTime',
      'eventTimeZoneOffset',
      'eventID',
      'epcList',
      'action',
      'bizStep',
      'disposition',
      'readPoint',
      'ilmd',
    ]);
    expect(xml).toContain('<bizStep>urn:epcglobal:cbv:bizstep:commissioning</bizStep>');
    expect(xml).toContain('<disposition>urn:epcglobal:cbv:disp:active</disposition>');
    // cbvmda is declared by the EPCIS context itself; the writer declares it on the root.
    expect(xml).toContain('xmlns:cbvmda="urn:epcglobal:cbv:mda:"');
    expect(xml).toContain('<cbvmda:lotNumber>L1</cbvmda:lotNumber>');
  });

  it('writes bizTransaction / source / destination types and sensor vocabularies in their XML forms', () => {
    const xml = toEpcisXml(
      jsonDocument([
        {
          type: 'TransactionEvent',
          ...baseEvent,
          bizTransactionList: [{ type: 'po', bizTransaction: 'urn:epcglobal:cbv:bt:0614141000005:PO1' }],
          action: 'ADD',
          sourceList: [{ type: 'owning_party', source: 'urn:epc:id:pgln:0614141.00000' }],
          sensorElementList: [
            {
              sensorReport: [{ type: 'Temperature', value: 4, component: 'x', exception: 'ERROR_CONDITION' }],
            },
          ],
        },
      ]),
    );
    expect(xml).toContain(
      '<bizTransaction type="urn:epcglobal:cbv:btt:po">urn:epcglobal:cbv:bt:0614141000005:PO1</bizTransaction>',
    );
    expect(xml).toContain(
      '<source type="urn:epcglobal:cbv:sdt:owning_party">urn:epc:id:pgln:0614141.00000</source>',
    );
    expect(xml).toContain(
      '<sensorReport type="https://gs1.org/voc/Temperature" value="4" component="https://ref.gs1.org/cbv/Comp-x" exception="https://gs1.org/voc/ERROR_CONDITION"/>',
    );
  });

  it('declares extension namespaces from the document and event contexts, absolute IRIs get a generated prefix', async () => {
    const xml = toEpcisXml(
      jsonDocument(
        [
          {
            '@context': { evt: 'https://event.example.org/' },
            type: 'ObjectEvent',
            ...baseEvent,
            action: 'OBSERVE',
            'ex:a': { 'ex:b': [1, 2], plain: true },
            'evt:c': 'x',
            'https://iri.example.org/ns#d': 'y',
          },
        ],
        [{ ex: 'https://ex.example.org/' }],
      ),
    );
    expect(xml).toContain('xmlns:ex="https://ex.example.org/"');
    expect(xml).toContain('xmlns:evt="https://event.example.org/"');
    expect(xml).toContain('xmlns:ns="https://iri.example.org/ns#"');
    expect(xml).toContain('<ns:d>y</ns:d>');
    const back = eventsOf(await parseEpcisXml(xml))[0];
    expect(back['ex:a']).toEqual({ 'ex:b': ['1', '2'], plain: 'true' });
    expect(back['evt:c']).toBe('x');
    expect(back['ns:d']).toBe('y');
  });

  it('escapes text and attribute values', async () => {
    const xml = toEpcisXml(
      jsonDocument(
        [{ type: 'ObjectEvent', ...baseEvent, action: 'OBSERVE', 'ex:note': 'a < b & "c"' }],
        [{ ex: 'https://ex.example.org/' }],
      ),
    );
    expect(xml).toContain('<ex:note>a &lt; b &amp; "c"</ex:note>');
    expect(eventsOf(await parseEpcisXml(xml))[0]['ex:note']).toBe('a < b & "c"');
  });

  it('writes header master data and the SBDH fields, and reads them back', async () => {
    const original: JsonObject = {
      ...jsonDocument([]),
      sender: 'urn:epc:id:sgln:0312345.00000.0',
      receiver: 'urn:epc:id:sgln:0398765.00000.0',
      instanceIdentifier: 'DOC-1',
      epcisHeader: {
        epcisMasterData: {
          vocabularyList: [
            {
              type: 'urn:epcglobal:epcis:vtype:ReadPoint',
              vocabularyElementList: [
                {
                  id: 'urn:epc:id:sgln:0312345.00001.0',
                  attributes: [
                    { id: 'urn:epcglobal:cbv:mda#name', attribute: 'Line 1' },
                    { id: 'urn:epcglobal:cbv:mda#address', attribute: { 'cbvmda:city': 'Springfield' } },
                  ],
                  children: ['urn:epc:id:sgln:0312345.00001.1'],
                },
              ],
            },
          ],
        },
      },
    };
    const xml = toEpcisXml(original);
    expect(xml).toContain('<sbdh:InstanceIdentifier>DOC-1</sbdh:InstanceIdentifier>');
    const back = (await parseEpcisXml(xml)) as unknown as JsonObject;
    expect(back['epcisHeader']).toEqual(original['epcisHeader']);
    expect([back['sender'], back['receiver'], back['instanceIdentifier']]).toEqual([
      original['sender'],
      original['receiver'],
      'DOC-1',
    ]);
  });

  it('writes a query document with the query namespace root and QueryResults', () => {
    const xml = toEpcisXml({
      '@context': [CONTEXT],
      type: 'EPCISQueryDocument',
      schemaVersion: '2.0',
      creationDate: '2024-01-01T00:00:00Z',
      epcisBody: { queryResults: { queryName: 'SimpleEventQuery', resultsBody: { eventList: [] } } },
    });
    expect(xml).toMatch(/<epcisq:EPCISQueryDocument xmlns:epcisq="urn:epcglobal:epcis-query:xsd:2"/);
    expect(xml).toContain('<epcisq:QueryResults>');
    expect(xml).toContain('<queryName>SimpleEventQuery</queryName>');
  });

  it('rejects what the XML binding cannot express', async () => {
    const undeclared = await exceptionOf(() =>
      toEpcisXml(jsonDocument([{ type: 'ObjectEvent', ...baseEvent, action: 'ADD', 'nope:x': '1' }])),
    );
    expect(undeclared.problems[0]).toEqual({
      pointer: '/epcisBody/eventList/0/nope:x',
      message: 'the namespace prefix of nope:x is not declared in @context',
    });
    const unknownType = await exceptionOf(() =>
      toEpcisXml(jsonDocument([{ type: 'QuantityEvent', ...baseEvent }])),
    );
    expect(unknownType.problems[0].pointer).toBe('/epcisBody/eventList/0/type');
    const misplaced = await exceptionOf(() =>
      toEpcisXml(jsonDocument([{ type: 'AggregationEvent', ...baseEvent, action: 'ADD', ilmd: {} }])),
    );
    expect(misplaced.problems[0].pointer).toBe('/epcisBody/eventList/0/ilmd');
    const badQuantity = await exceptionOf(() =>
      toEpcisXml(
        jsonDocument([
          {
            type: 'ObjectEvent',
            ...baseEvent,
            action: 'ADD',
            quantityList: [{ epcClass: 'urn:epc:class:lgtin:1.2.3', quantity: '5' }],
          },
        ]),
      ),
    );
    expect(badQuantity.problems[0].pointer).toBe('/epcisBody/eventList/0/quantityList/0/quantity');
    expect(
      (await exceptionOf(() => toEpcisXml({ type: 'Something', epcisBody: {} }))).problems[0].pointer,
    ).toBe('/type');
  });

  it('formats decimals without exponents', () => {
    expect(formatDecimal(1e-7)).toBe('0.0000001');
    expect(formatDecimal(-2.5e-3)).toBe('-0.0025');
    expect(formatDecimal(1.5e21)).toBe('1500000000000000000000');
    expect(formatDecimal(12.75)).toBe('12.75');
    expect(formatDecimal(600)).toBe('600');
  });
});

describe('detectEpcisFormat', () => {
  it.each([
    ['<?xml version="1.0"?><epcis:EPCISDocument/>', 'xml'],
    ['\uFEFF  \n<epcis:EPCISDocument/>', 'xml'],
    ['{"type":"EPCISDocument"}', 'json'],
    ['\uFEFF\n [ ]', 'json'],
    ['', 'json'],
  ])('%j is %s', (text, format) => {
    expect(detectEpcisFormat(text)).toBe(format);
  });
});
