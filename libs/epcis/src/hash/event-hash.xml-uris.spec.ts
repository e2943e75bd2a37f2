import { parseEpcisXml, toEpcisXml } from '../xml';
import { documentEventHashes, eventPreHashString } from './event-hash';
import { namespacesFromJsonLdContext } from './namespaces';

/**
 * Values typed xsd:anyURI in the EPCIS 2.0 XSD are hashed as written: XML expands prefixes in element and attribute
 * names (QNames), never in values, and GS1's reference generator (epcis-event-hash-generator, xml_to_py) expands
 * only the `gs1:` and `cbv:` value prefixes. The expected pre-hash strings are derived by hand from the CBV 2.0
 * algorithm: sensorMetadata fields in the order time, startTime, endTime, deviceID, deviceMetadata, rawData,
 * dataProcessingMethod, bizRules; sensorReport fields in the order type, exception, deviceID, deviceMetadata, rawData,
 * dataProcessingMethod, time, microorganism, chemicalSubstance, value, component, stringValue, booleanValue,
 * hexBinaryValue, uriValue, minValue, …, uom, coordinateReferenceSystem; sensorReports sorted; extension fields as
 * `{namespace}localName=value` after the ordered fields.
 */
const EXAMPLE_NS = 'https://ns.example.com/epcis/';

/** An ObjectEvent with one sensorElement and an extension in the `example` namespace (so `example` is in use). */
function document(sensorElement: string, extension = '<example:note>n</example:note>'): string {
  return (
    `<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" xmlns:example="${EXAMPLE_NS}" ` +
    'schemaVersion="2.0" creationDate="2024-01-01T00:00:00Z"><EPCISBody><EventList><ObjectEvent>' +
    '<eventTime>2024-01-01T00:00:00Z</eventTime><eventTimeZoneOffset>+00:00</eventTimeZoneOffset>' +
    `<epcList/><action>OBSERVE</action><sensorElementList><sensorElement>${sensorElement}</sensorElement>` +
    `</sensorElementList>${extension}</ObjectEvent></EventList></EPCISBody></epcis:EPCISDocument>`
  );
}

async function preHashOf(xml: string): Promise<string> {
  const doc = (await parseEpcisXml(xml)) as unknown as Record<string, unknown>;
  const [event] = (doc['epcisBody'] as { eventList: Record<string, unknown>[] }).eventList;
  return eventPreHashString(event, namespacesFromJsonLdContext(doc['@context']));
}

const EVENT_START =
  'eventType=ObjectEventeventTime=2024-01-01T00:00:00.000ZeventTimeZoneOffset=+00:00action=OBSERVE';

describe('event hash of XML: anyURI values are hashed as written', () => {
  it('sensorMetadata: deviceID, deviceMetadata, rawData, dataProcessingMethod, bizRules', async () => {
    const xml = document(
      '<sensorMetadata bizRules="example:rules" deviceID="example:dev1" deviceMetadata="example:meta" ' +
        'rawData="example:raw" dataProcessingMethod="example:method"/><sensorReport type="gs1:Temperature"/>',
    );
    expect(await preHashOf(xml)).toBe(
      `${EVENT_START}sensorElementListsensorElementsensorMetadata` +
        'deviceID=example:dev1deviceMetadata=example:metarawData=example:raw' +
        'dataProcessingMethod=example:methodbizRules=example:rules' +
        `sensorReporttype=https://gs1.org/voc/Temperature{${EXAMPLE_NS}}note=n`,
    );
  });

  it('sensorReport: type, exception, deviceID, deviceMetadata, rawData, dataProcessingMethod, microorganism, chemicalSubstance, component, uriValue, coordinateReferenceSystem', async () => {
    const xml = document(
      '<sensorReport coordinateReferenceSystem="example:crs" uriValue="example:u" component="example:x" ' +
        'chemicalSubstance="example:c1" microorganism="example:m1" dataProcessingMethod="example:p2" ' +
        'rawData="example:r2" deviceMetadata="example:dm2" deviceID="example:d2" exception="example:exc" ' +
        'type="example:someSensorProperty"/>',
    );
    expect(await preHashOf(xml)).toBe(
      `${EVENT_START}sensorElementListsensorElementsensorReport` +
        'type=example:someSensorPropertyexception=example:excdeviceID=example:d2deviceMetadata=example:dm2' +
        'rawData=example:r2dataProcessingMethod=example:p2microorganism=example:m1chemicalSubstance=example:c1' +
        'component=example:xuriValue=example:ucoordinateReferenceSystem=example:crs' +
        `{${EXAMPLE_NS}}note=n`,
    );
  });

  it('stringValue and uom (xsd:string) and the text of an extension are values too; the extension name is expanded', async () => {
    const xml = document(
      '<sensorReport type="gs1:Temperature" stringValue="example:s" uom="example:unit"/>',
      '<example:note>example:text</example:note>',
    );
    expect(await preHashOf(xml)).toBe(
      `${EVENT_START}sensorElementListsensorElementsensorReport` +
        'type=https://gs1.org/voc/TemperaturestringValue=example:suom=example:unit' +
        `{${EXAMPLE_NS}}note=example:text`,
    );
  });

  it('still expands the gs1: and cbv: value prefixes, as the reference generator does', async () => {
    const xml = document(
      '<sensorReport type="gs1:Temperature" component="cbv:Comp-x"/><sensorReport type="example:y"/>',
    );
    expect(await preHashOf(xml)).toBe(
      `${EVENT_START}sensorElementListsensorElement` +
        'sensorReporttype=example:y' +
        'sensorReporttype=https://gs1.org/voc/Temperaturecomponent=https://ref.gs1.org/cbv/Comp-x' +
        `{${EXAMPLE_NS}}note=n`,
    );
  });

  it('differs from JSON-LD only where JSON-LD expands a compact IRI through its @context', async () => {
    const xml = document('<sensorReport type="example:someSensorProperty"/>');
    const jsonLd = {
      '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld', { example: EXAMPLE_NS }],
      type: 'EPCISDocument',
      schemaVersion: '2.0',
      creationDate: '2024-01-01T00:00:00Z',
      epcisBody: {
        eventList: [
          {
            type: 'ObjectEvent',
            eventTime: '2024-01-01T00:00:00Z',
            eventTimeZoneOffset: '+00:00',
            epcList: [],
            action: 'OBSERVE',
            sensorElementList: [{ sensorReport: [{ type: 'example:someSensorProperty' }] }],
          },
        ],
      },
    };
    const [jsonLdEvent] = jsonLd.epcisBody.eventList;
    expect(eventPreHashString(jsonLdEvent, namespacesFromJsonLdContext(jsonLd['@context']))).toBe(
      `${EVENT_START}sensorElementListsensorElementsensorReporttype=${EXAMPLE_NS}someSensorProperty`,
    );
    expect(await preHashOf(xml)).toBe(
      `${EVENT_START}sensorElementListsensorElementsensorReporttype=example:someSensorProperty{${EXAMPLE_NS}}note=n`,
    );

    // Written as XML, the JSON-LD compact IRI becomes the IRI it stands for, so the event keeps its hash.
    const written = toEpcisXml(jsonLd);
    expect(written).toContain(`type="${EXAMPLE_NS}someSensorProperty"`);
    const back = (await parseEpcisXml(written)) as unknown as Record<string, unknown>;
    expect(documentEventHashes(back)).toEqual(documentEventHashes(jsonLd));
  });
});
