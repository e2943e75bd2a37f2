/**
 * GS1's conformance test-case requirements for EPCIS, followed over the EPCIS 2.0 REST binding (real Kafka and
 * PostgreSQL). Origin: the draft EPCIS 2.0 conformance requirements in GS1's EPCIS repository (github.com/gs1/EPCIS,
 * folder "Conformance Requirements", last changed 2021-02-09): the mandatory requirements matrix (M1, M121, M122),
 * Test Case Requirement 53 (SensorElement) and 54 (AssociationEvent). Each test is named by its requirement and step;
 * `poll` of SimpleEventQuery is `GET /events`, "the capture interface does not accept" is a 400
 * ValidationException. Which requirements are tested, which are not and why: gs1-conformance.md beside this file.
 * The fixture events are this project's own.
 */
import { EPCIS_CONTEXT, epcisDocument, eventually, pack, SerializationUnderTest } from './harness';

interface EventAnswer {
  eventID: string;
  [field: string]: unknown;
}
interface QueryAnswer {
  type?: string;
  errors?: Array<{ pointer: string }>;
  epcisBody?: { queryResults: { resultsBody: { eventList: EventAnswer[] } } };
}

const EX = 'https://ns.example.org/conformance/';
const CONTEXT = [EPCIS_CONTEXT, { ex: EX }];
const id = (n: number) => `urn:uuid:5e000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const enc = encodeURIComponent;

/** Events answered as captured (without the header, identifiers come as GS1 Digital Links). */
const AS_CAPTURED = { 'GS1-EPC-Format': 'Never_Translates' };

/** Answers `GET /events?…` with the fixture names of the events, sorted (the standard orders nothing without orderBy). */

async function queryNames(
  sut: SerializationUnderTest,
  token: string,
  names: Record<string, string>,
  params: string,
) {
  const response = await sut.get(`/events?${params}`, token);
  const body = (await response.json()) as QueryAnswer;
  expect([params, response.status]).toEqual([params, 200]);
  return body.epcisBody!.queryResults.resultsBody.eventList.map((e) => names[e.eventID] ?? e.eventID).sort();
}

/** Expects `GET /events?…` to be refused with a QueryParameterException naming `parameter`. */
async function expectQueryParameterException(
  sut: SerializationUnderTest,
  token: string,
  params: string,
  parameter: string,
) {
  const response = await sut.get(`/events?${params}`, token);
  expect(response.status).toBe(400);
  expect(await response.json()).toMatchObject({
    type: 'epcisException:QueryParameterException',
    errors: [expect.objectContaining({ pointer: `/query/${parameter}` })],
  });
}

/** `POST /capture?strict=true`: warnings refuse the document too. */
function captureStrict(sut: SerializationUnderTest, document: unknown, token: string): Promise<Response> {
  return fetch(`${sut.service.baseUrl}/capture?strict=true`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/ld+json' },
    body: JSON.stringify(document),
  });
}

/** Expects a capture to be refused whole with a ValidationException with a problem at each of `pointers`. */
async function expectRefused(response: Response, pointers: string[]) {
  expect(response.status).toBe(400);
  const body = (await response.json()) as QueryAnswer;
  expect(body.type).toBe('epcisException:ValidationException');
  expect(body.errors!.map((e) => e.pointer)).toEqual(expect.arrayContaining(pointers));
}

/**
 * TCR-53 'set1': three events with sensor elements that together carry every SensorElement attribute of EPCIS 2.0
 * (component and coordinateReferenceSystem have no query parameter; they are captured and answered), a user extension
 * at the sensorElement (ex:zone), sensorMetadata (ex:firmware) and sensorReport (ex:channel) level, a temperature in CEL
 * (S1) and one in FAH (S2); S4 has no sensor element.
 */
const SET1 = {
  S1: {
    eventID: id(1),
    type: 'ObjectEvent',
    action: 'OBSERVE',
    eventTime: '2026-05-01T10:00:00Z',
    eventTimeZoneOffset: '+00:00',
    epcList: [pack('C53-1')],
    bizStep: 'inspecting',
    readPoint: { id: 'urn:epc:id:sgln:0614141.00001.0' },
    sensorElementList: [
      {
        sensorMetadata: {
          time: '2026-05-01T09:00:00Z',
          startTime: '2026-05-01T08:00:00Z',
          endTime: '2026-05-01T09:30:00Z',
          deviceID: 'urn:epc:id:giai:0614141.LOGGER1',
          deviceMetadata: 'https://example.org/devices/logger1',
          rawData: 'https://example.org/raw/s1',
          dataProcessingMethod: 'https://example.org/method/spot',
          bizRules: 'https://example.org/rules/2-8C',
          'ex:firmware': 3,
        },
        sensorReport: [
          {
            type: 'gs1:Temperature',
            value: 4,
            uom: 'CEL',
            minValue: 2,
            maxValue: 6,
            meanValue: 4,
            sDev: 0.5,
            'ex:channel': 1,
          },
        ],
        'ex:zone': 5,
      },
    ],
  },
  S2: {
    eventID: id(2),
    type: 'ObjectEvent',
    action: 'OBSERVE',
    eventTime: '2026-05-02T10:00:00Z',
    eventTimeZoneOffset: '+00:00',
    epcList: [pack('C53-2')],
    sensorElementList: [
      {
        sensorMetadata: {
          startTime: '2026-05-02T06:00:00Z',
          endTime: '2026-05-02T07:00:00Z',
          'ex:firmware': 7,
        },
        sensorReport: [
          {
            type: 'gs1:Temperature',
            time: '2026-05-02T06:30:00Z',
            value: 68,
            uom: 'FAH',
            minValue: 60,
            maxValue: 75,
            meanValue: 68,
            sDev: 2,
            'ex:channel': 2,
          },
          {
            type: 'gs1:RelativeHumidity',
            value: 55,
            uom: 'P1',
            percRank: 90,
            percValue: 60,
            deviceID: 'urn:epc:id:giai:0614141.LOGGER2',
            deviceMetadata: 'https://example.org/devices/logger2',
            rawData: 'https://example.org/raw/s2',
            dataProcessingMethod: 'https://example.org/method/average',
          },
        ],
        'ex:zone': 9,
      },
    ],
  },
  S3: {
    eventID: id(3),
    type: 'ObjectEvent',
    action: 'OBSERVE',
    eventTime: '2026-05-03T10:00:00Z',
    eventTimeZoneOffset: '+00:00',
    epcList: [pack('C53-3')],
    sensorElementList: [
      {
        sensorReport: [
          { type: 'gs1:Count', microorganism: 'https://www.ncbi.nlm.nih.gov/taxonomy/562', value: 12 },
          {
            type: 'gs1:MassConcentration',
            chemicalSubstance: 'https://identifiers.org/inchikey:RZVAJINKPMORJF-UHFFFAOYSA-N',
            value: 0.3,
          },
          {
            type: 'gs1:Angle',
            component: 'latitude',
            value: 51.5,
            uom: 'DD',
            coordinateReferenceSystem: 'http://www.opengis.net/def/crs/EPSG/0/4326',
          },
          {
            type: 'gs1:Illuminance',
            exception: 'gs1:ALARM_CONDITION',
            stringValue: 'lid open',
            booleanValue: false,
            hexBinaryValue: 'C0FFEE',
            uriValue: 'https://example.org/alarms/7',
          },
        ],
      },
    ],
  },
  S4: {
    eventID: id(4),
    type: 'ObjectEvent',
    action: 'OBSERVE',
    eventTime: '2026-05-04T10:00:00Z',
    eventTimeZoneOffset: '+00:00',
    epcList: [pack('C53-4')],
    bizStep: 'inspecting',
  },
};

/** TCR-53 'set2': the inline attributes in the sensorMetadata (T1), then in the sensorReport (T2), told apart by value. */
const SET2 = {
  T1: {
    eventID: id(5),
    type: 'ObjectEvent',
    action: 'OBSERVE',
    eventTime: '2026-05-05T10:00:00Z',
    eventTimeZoneOffset: '+00:00',
    epcList: [pack('C53-5')],
    sensorElementList: [
      {
        sensorMetadata: {
          time: '2026-05-05T08:00:00Z',
          deviceID: 'urn:epc:id:giai:0614141.IN-METADATA',
          deviceMetadata: 'https://example.org/devices/in-metadata',
          rawData: 'https://example.org/raw/in-metadata',
          dataProcessingMethod: 'https://example.org/method/in-metadata',
        },
        sensorReport: [{ type: 'gs1:Temperature', value: 5, uom: 'CEL' }],
      },
    ],
  },
  T2: {
    eventID: id(6),
    type: 'ObjectEvent',
    action: 'OBSERVE',
    eventTime: '2026-05-05T11:00:00Z',
    eventTimeZoneOffset: '+00:00',
    epcList: [pack('C53-6')],
    sensorElementList: [
      {
        sensorReport: [
          {
            type: 'gs1:Temperature',
            value: 5,
            uom: 'CEL',
            time: '2026-05-05T09:00:00Z',
            deviceID: 'urn:epc:id:giai:0614141.IN-REPORT',
            deviceMetadata: 'https://example.org/devices/in-report',
            rawData: 'https://example.org/raw/in-report',
            dataProcessingMethod: 'https://example.org/method/in-report',
          },
        ],
      },
    ],
  },
};

// The steps run in the TCR's order, as its procedure: step 1 captures set1 and step 27 set2 for the steps after them.
describe('GS1 EPCIS conformance, TCR-53 SensorElement (real Kafka and PostgreSQL)', () => {
  const sut = new SerializationUnderTest();
  const names: Record<string, string> = Object.fromEntries(
    Object.entries({ ...SET1, ...SET2 }).map(([name, event]) => [event.eventID, name]),
  );
  let manufacturer: string;
  let beforeStep1: string;
  const query = (params: string) => queryNames(sut, manufacturer, names, params);

  beforeAll(async () => {
    await sut.start();
    manufacturer = await sut.token('manufacturer', ['manufacturer']);
  });
  afterAll(() => sut.stop());

  it('step 1: captures set1 and holds every SensorElement attribute as captured', async () => {
    beforeStep1 = new Date(Date.now() - 60_000).toISOString();
    const response = await sut.capture(epcisDocument(Object.values(SET1), CONTEXT), manufacturer);
    expect(response.status).toBe(202);
    await eventually(
      () => sut.count('SELECT count(*) AS n FROM events'),
      (n) => n === 4,
      'set1 stored',
    );
    for (const event of Object.values(SET1)) {
      const answer = (await (
        await sut.get(`/events?EQ_eventID=${enc(event.eventID)}`, manufacturer, undefined, AS_CAPTURED)
      ).json()) as QueryAnswer;
      const [stored] = answer.epcisBody!.queryResults.resultsBody.eventList;
      expect(stored).toMatchObject(event);
    }
  });

  it('step 2: GE_recordTime one minute before step 1 alone answers every event of set1', async () => {
    expect(await query(`GE_recordTime=${enc(beforeStep1)}`)).toEqual(['S1', 'S2', 'S3', 'S4']);
  });

  it('step 3: EXISTS_sensorElementList answers every event but the one without a sensor element', async () => {
    expect(await query('EXISTS_sensorElementList')).toEqual(['S1', 'S2', 'S3']);
    // The draft names the parameter EXISTS_sensorElement; EPCIS 2.0 adopted EXISTS_sensorElementList, and a name the
    // standard does not define is a QueryParameterException.
    await expectQueryParameterException(sut, manufacturer, 'EXISTS_sensorElement', 'EXISTS_sensorElement');
  });

  it('step 4: GE_time and LT_time select the events with a time in the period (metadata or report), no others', async () => {
    expect(await query('GE_time=2026-05-01T00:00:00Z&LT_time=2026-05-02T00:00:00Z')).toEqual(['S1']);
    expect(await query('GE_time=2026-05-02T06:30:00Z&LT_time=2026-05-02T06:30:01Z')).toEqual(['S2']);
    expect(await query('GE_time=2026-05-01T09:00:01Z&LT_time=2026-05-02T06:30:00Z')).toEqual([]);
    expect(await query('GE_time=2026-05-01T00:00:00Z')).toEqual(['S1', 'S2']);
  });

  it('step 5: GE_/LT_startTime and GE_/LT_endTime select by the sensorMetadata period', async () => {
    expect(await query('GE_startTime=2026-05-02T00:00:00Z')).toEqual(['S2']);
    expect(await query('LT_startTime=2026-05-02T00:00:00Z')).toEqual(['S1']);
    expect(await query('GE_startTime=2026-05-01T08:00:00Z&LT_startTime=2026-05-02T06:00:00Z')).toEqual([
      'S1',
    ]);
    expect(await query('GE_endTime=2026-05-01T09:30:00Z&LT_endTime=2026-05-02T07:00:00Z')).toEqual(['S1']);
    expect(await query('GE_endTime=2026-05-01T09:30:01Z')).toEqual(['S2']);
  });

  it('step 6: EQ_type selects the events with a report of that type', async () => {
    expect(await query(`EQ_type=${enc('gs1:Temperature')}`)).toEqual(['S1', 'S2']);
    expect(await query('EQ_type=RelativeHumidity')).toEqual(['S2']);
    expect(await query(`EQ_type=${enc('gs1:Count|gs1:MassConcentration')}`)).toEqual(['S3']);
    expect(await query('EQ_type=Pressure')).toEqual([]);
  });

  it.each<[string, string, string, string[]]>([
    ['step 7', 'EQ_deviceID', 'urn:epc:id:giai:0614141.LOGGER1', ['S1']],
    ['step 7, in a sensorReport', 'EQ_deviceID', 'urn:epc:id:giai:0614141.LOGGER2', ['S2']],
    ['step 8', 'EQ_dataProcessingMethod', 'https://example.org/method/spot', ['S1']],
    ['step 8, in a sensorReport', 'EQ_dataProcessingMethod', 'https://example.org/method/average', ['S2']],
    ['step 9', 'EQ_microorganism', 'https://www.ncbi.nlm.nih.gov/taxonomy/562', ['S3']],
    [
      'step 10',
      'EQ_chemicalSubstance',
      'https://identifiers.org/inchikey:RZVAJINKPMORJF-UHFFFAOYSA-N',
      ['S3'],
    ],
    ['step 11', 'EQ_bizRules', 'https://example.org/rules/2-8C', ['S1']],
    ['step 16', 'EQ_stringValue', 'lid open', ['S3']],
    ['step 17', 'EQ_booleanValue', 'false', ['S3']],
    ['step 17, the other value', 'EQ_booleanValue', 'true', []],
    ['step 18', 'EQ_hexBinaryValue', 'C0FFEE', ['S3']],
    ['step 18, hexBinary in lower case', 'EQ_hexBinaryValue', 'c0ffee', ['S3']],
    ['step 19', 'EQ_uriValue', 'https://example.org/alarms/7', ['S3']],
    ['steps 7-19, a value no event has', 'EQ_deviceID', 'urn:epc:id:giai:0614141.NONE', []],
  ])('%s: %s selects the events with a matching value', async (_step, parameter, value, expected) => {
    expect(await query(`${parameter}=${enc(value)}`)).toEqual(expected);
  });

  // S1: 4 °C (min 2, max 6, mean 4, sDev 0.5 K); S2: 68 °F = 20 °C (min 15.6, max 23.9, mean 20, sDev 2 °F = 1.1 K).
  it.each<[string, string, string[]]>([
    ['step 12', 'EQ_value_CEL=4', ['S1']],
    ['step 12', 'EQ_value_CEL=20', ['S2']],
    ['step 12', 'GE_value_CEL=20', ['S2']],
    ['step 12', 'LT_value_CEL=20', ['S1']],
    ['step 13', 'GE_minValue_CEL=10', ['S2']],
    ['step 13', 'LT_minValue_CEL=10', ['S1']],
    ['step 14', 'GE_maxValue_CEL=6', ['S1', 'S2']],
    ['step 14', 'LT_maxValue_CEL=6', []],
    ['step 15', 'GE_meanValue_CEL=10', ['S2']],
    ['step 15', 'LT_meanValue_CEL=10', ['S1']],
    ['step 23', 'GE_sDev_CEL=1', ['S2']],
    ['step 23', 'LT_sDev_CEL=1', ['S1']],
    ['step 24', 'GE_percRank=90', ['S2']],
    ['step 24', 'LT_percRank=90', []],
    ['step 25', 'GE_percValue_P1=60', ['S2']],
    ['step 25', 'LT_percValue_P1=60', []],
  ])('%s: %s', async (_step, params, expected) => {
    expect(await query(params)).toEqual(expected);
  });

  it('step 23: the deviation without a unit (the draft writes GE_sDev) is no EPCIS 2.0 parameter', async () => {
    await expectQueryParameterException(sut, manufacturer, 'GE_sDev=1', 'GE_sDev');
  });

  it.each<[string, string, string[]]>([
    ['step 20', 'EQ_SENSORELEMENT_ex:zone=5', ['S1']],
    ['step 20', 'GT_SENSORELEMENT_ex:zone=5', ['S2']],
    ['step 20', 'GE_SENSORELEMENT_ex:zone=5', ['S1', 'S2']],
    ['step 20', 'LT_SENSORELEMENT_ex:zone=9', ['S1']],
    ['step 20', 'LE_SENSORELEMENT_ex:zone=9', ['S1', 'S2']],
    ['step 21', 'EQ_SENSORMETADATA_ex:firmware=7', ['S2']],
    ['step 21', 'GT_SENSORMETADATA_ex:firmware=3', ['S2']],
    ['step 21', 'GE_SENSORMETADATA_ex:firmware=3', ['S1', 'S2']],
    ['step 21', 'LT_SENSORMETADATA_ex:firmware=7', ['S1']],
    ['step 21', 'LE_SENSORMETADATA_ex:firmware=2', []],
    ['step 22', 'EQ_SENSORREPORT_ex:channel=2', ['S2']],
    ['step 22', 'GT_SENSORREPORT_ex:channel=1', ['S2']],
    ['step 22', 'GE_SENSORREPORT_ex:channel=1', ['S1', 'S2']],
    ['step 22', 'LT_SENSORREPORT_ex:channel=2', ['S1']],
    ['step 22', 'LE_SENSORREPORT_ex:channel=2', ['S1', 'S2']],
  ])('%s: %s', async (_step, params, expected) => {
    expect(await query(params)).toEqual(expected);
  });

  it('step 26: EQ_type=gs1:Temperature with GE_value_KEL matches the reading captured in CEL', async () => {
    // 4 °C is 277.15 K: a bound above the number 4 (but not above 277.15 K) still selects S1.
    expect(await query(`EQ_type=${enc('gs1:Temperature')}&GE_value_KEL=277`)).toEqual(['S1', 'S2']);
    expect(await query(`EQ_type=${enc('gs1:Temperature')}&GE_value_KEL=277.15`)).toEqual(['S1', 'S2']);
    expect(await query(`EQ_type=${enc('gs1:Temperature')}&GE_value_KEL=277.16`)).toEqual(['S2']);
  });

  it('step 27: captures set2 and holds every SensorElement attribute as captured', async () => {
    const response = await sut.capture(epcisDocument(Object.values(SET2), CONTEXT), manufacturer);
    expect(response.status).toBe(202);
    await eventually(
      () => sut.count('SELECT count(*) AS n FROM events'),
      (n) => n === 6,
      'set2 stored',
    );
    for (const event of Object.values(SET2)) {
      const answer = (await (
        await sut.get(`/events?EQ_eventID=${enc(event.eventID)}`, manufacturer, undefined, AS_CAPTURED)
      ).json()) as QueryAnswer;
      expect(answer.epcisBody!.queryResults.resultsBody.eventList).toEqual([expect.objectContaining(event)]);
    }
  });

  it.each<[string, string, string[]]>([
    [
      'dataProcessingMethod in the metadata',
      `EQ_dataProcessingMethod=${enc('https://example.org/method/in-metadata')}`,
      ['T1'],
    ],
    [
      'dataProcessingMethod in the report',
      `EQ_dataProcessingMethod=${enc('https://example.org/method/in-report')}`,
      ['T2'],
    ],
    ['deviceID in the metadata', `EQ_deviceID=${enc('urn:epc:id:giai:0614141.IN-METADATA')}`, ['T1']],
    ['deviceID in the report', `EQ_deviceID=${enc('urn:epc:id:giai:0614141.IN-REPORT')}`, ['T2']],
    [
      'deviceID, both values',
      `EQ_deviceID=${enc('urn:epc:id:giai:0614141.IN-METADATA|urn:epc:id:giai:0614141.IN-REPORT')}`,
      ['T1', 'T2'],
    ],
    ['time in the metadata', 'GE_time=2026-05-05T08:00:00Z&LT_time=2026-05-05T08:00:01Z', ['T1']],
    ['time in the report', 'GE_time=2026-05-05T09:00:00Z&LT_time=2026-05-05T09:00:01Z', ['T2']],
  ])('step 28: %s (%s)', async (_where, params, expected) => {
    expect(await query(params)).toEqual(expected);
  });

  it.each(['EQ_deviceMetadata', 'EQ_rawData', 'EQ_time'])(
    'step 28: %s, named by the draft, is no EPCIS 2.0 query parameter: QueryParameterException',
    async (parameter) => {
      await expectQueryParameterException(
        sut,
        manufacturer,
        `${parameter}=${enc('https://example.org/x')}`,
        parameter,
      );
    },
  );

  it('step 29: set3, an inline attribute in the sensorMetadata and in a sensorReport, is refused in strict mode and a warning otherwise', async () => {
    const set3 = {
      eventID: id(7),
      type: 'ObjectEvent',
      action: 'OBSERVE',
      eventTime: '2026-05-06T10:00:00Z',
      eventTimeZoneOffset: '+00:00',
      epcList: [pack('C53-7')],
      sensorElementList: [
        {
          sensorMetadata: { deviceID: 'urn:epc:id:giai:0614141.TWICE', time: '2026-05-06T08:00:00Z' },
          sensorReport: [
            {
              type: 'gs1:Temperature',
              value: 5,
              uom: 'CEL',
              deviceID: 'urn:epc:id:giai:0614141.TWICE',
              time: '2026-05-06T08:00:00Z',
            },
          ],
        },
      ],
    };
    const at = '/epcisBody/eventList/0/sensorElementList/0/sensorReport/0';
    const before = await sut.publishedEventCount();
    await expectRefused(await captureStrict(sut, epcisDocument([set3], CONTEXT), manufacturer), [
      `${at}/deviceID`,
      `${at}/time`,
    ]);
    expect(await sut.publishedEventCount()).toBe(before);
    // Without strict mode it is captured with the warnings: GS1's own all-possible-fields examples do this.
    const response = await sut.capture(epcisDocument([set3], CONTEXT), manufacturer);
    expect(response.status).toBe(202);
    const job = (await (await sut.get(response.headers.get('location')!, manufacturer)).json()) as {
      warnings: Array<{ pointer: string }>;
    };
    expect(job.warnings.map((w) => w.pointer)).toEqual([`${at}/deviceID`, `${at}/time`]);
  });
});

/** An AssociationEvent of the manufacturer (company prefix 0614141): a logger associated with a place. */
const association = (overrides: Record<string, unknown>) => ({
  type: 'AssociationEvent',
  action: 'ADD',
  eventTime: '2026-06-01T10:00:00Z',
  eventTimeZoneOffset: '+00:00',
  parentID: 'urn:epc:id:sgln:0614141.00001.0',
  childEPCs: ['urn:epc:id:giai:0614141.LOGGER9'],
  bizStep: 'assembling',
  ...overrides,
});

/**
 * M1: one event of each of the five types with data in every standard field (of 2.0: the sensor data,
 * persistentDisposition and certificationInfo too).
 */
const ALL_FIELDS = {
  ObjectEvent: {
    eventID: id(101),
    type: 'ObjectEvent',
    action: 'ADD',
    eventTime: '2026-07-01T08:00:00.000+02:00',
    eventTimeZoneOffset: '+02:00',
    certificationInfo: 'https://example.org/certificates/gmp-1',
    epcList: [pack('M1-1'), pack('M1-2')],
    quantityList: [{ epcClass: 'urn:epc:class:lgtin:0614141.107346.M1LOT', quantity: 2.5, uom: 'KGM' }],
    bizStep: 'commissioning',
    disposition: 'active',
    persistentDisposition: { set: ['completeness_verified'], unset: ['completeness_inferred'] },
    readPoint: { id: 'urn:epc:id:sgln:0614141.00001.1' },
    bizLocation: { id: 'urn:epc:id:sgln:0614141.00001.0' },
    bizTransactionList: [{ type: 'po', bizTransaction: 'urn:epcglobal:cbv:bt:0614141000005:PO-M1' }],
    sourceList: [{ type: 'owning_party', source: 'urn:epc:id:pgln:0614141.00000' }],
    destinationList: [{ type: 'location', destination: 'urn:epc:id:sgln:0614141.00001.0' }],
    sensorElementList: [
      {
        sensorMetadata: { time: '2026-07-01T05:30:00Z', deviceID: 'urn:epc:id:giai:0614141.M1' },
        sensorReport: [{ type: 'Temperature', value: 21.5, uom: 'CEL' }],
      },
    ],
    ilmd: { 'cbvmda:lotNumber': 'M1LOT', 'cbvmda:itemExpirationDate': '2028-06-30' },
    'ex:batchNote': 'all fields',
  },
  AggregationEvent: {
    eventID: id(102),
    type: 'AggregationEvent',
    action: 'ADD',
    eventTime: '2026-07-01T09:00:00Z',
    eventTimeZoneOffset: '+00:00',
    certificationInfo: 'https://example.org/certificates/gmp-1',
    parentID: 'urn:epc:id:sscc:0614141.1000000101',
    childEPCs: [pack('M1-1'), pack('M1-2')],
    childQuantityList: [{ epcClass: 'urn:epc:class:lgtin:0614141.107346.M1LOT', quantity: 4 }],
    bizStep: 'packing',
    disposition: 'in_progress',
    readPoint: { id: 'urn:epc:id:sgln:0614141.00001.2' },
    bizLocation: { id: 'urn:epc:id:sgln:0614141.00001.0' },
    bizTransactionList: [{ type: 'po', bizTransaction: 'urn:epcglobal:cbv:bt:0614141000005:PO-M1' }],
    sourceList: [{ type: 'possessing_party', source: 'urn:epc:id:pgln:0614141.00000' }],
    destinationList: [{ type: 'possessing_party', destination: 'urn:epc:id:pgln:0614141.00000' }],
    sensorElementList: [{ sensorReport: [{ type: 'RelativeHumidity', value: 40, uom: 'P1' }] }],
  },
  TransactionEvent: {
    eventID: id(103),
    type: 'TransactionEvent',
    action: 'ADD',
    eventTime: '2026-07-01T10:00:00Z',
    eventTimeZoneOffset: '+00:00',
    certificationInfo: 'https://example.org/certificates/gdp-2',
    bizTransactionList: [
      { type: 'po', bizTransaction: 'urn:epcglobal:cbv:bt:0614141000005:PO-M1' },
      { type: 'inv', bizTransaction: 'urn:epcglobal:cbv:bt:0614141000005:INV-M1' },
    ],
    parentID: 'urn:epc:id:sscc:0614141.1000000101',
    epcList: [pack('M1-1')],
    quantityList: [{ epcClass: 'urn:epc:class:lgtin:0614141.107346.M1LOT', quantity: 1 }],
    bizStep: 'shipping',
    disposition: 'in_transit',
    readPoint: { id: 'urn:epc:id:sgln:0614141.00001.3' },
    bizLocation: { id: 'urn:epc:id:sgln:0614141.00001.0' },
    sourceList: [{ type: 'owning_party', source: 'urn:epc:id:pgln:0614141.00000' }],
    destinationList: [{ type: 'owning_party', destination: 'urn:epc:id:pgln:4012345.00000' }],
    sensorElementList: [{ sensorReport: [{ type: 'Temperature', value: 7, uom: 'CEL' }] }],
  },
  TransformationEvent: {
    eventID: id(104),
    type: 'TransformationEvent',
    eventTime: '2026-07-01T11:00:00Z',
    eventTimeZoneOffset: '+00:00',
    certificationInfo: 'https://example.org/certificates/gmp-1',
    inputEPCList: [pack('M1-3')],
    inputQuantityList: [{ epcClass: 'urn:epc:class:lgtin:0614141.107346.M1LOT', quantity: 10, uom: 'KGM' }],
    outputEPCList: ['urn:epc:id:sgtin:0614141.107347.M1-OUT'],
    outputQuantityList: [{ epcClass: 'urn:epc:class:lgtin:0614141.107347.M1OUT', quantity: 9.5, uom: 'KGM' }],
    transformationID: 'urn:uuid:5e000000-0000-4000-9000-000000000104',
    bizStep: 'commissioning',
    disposition: 'active',
    persistentDisposition: { set: ['completeness_verified'] },
    readPoint: { id: 'urn:epc:id:sgln:0614141.00001.4' },
    bizLocation: { id: 'urn:epc:id:sgln:0614141.00001.0' },
    bizTransactionList: [{ type: 'prodorder', bizTransaction: 'urn:epcglobal:cbv:bt:0614141000005:WO-M1' }],
    sourceList: [{ type: 'owning_party', source: 'urn:epc:id:pgln:0614141.00000' }],
    destinationList: [{ type: 'owning_party', destination: 'urn:epc:id:pgln:0614141.00000' }],
    sensorElementList: [{ sensorReport: [{ type: 'Temperature', value: 60, uom: 'CEL' }] }],
    ilmd: { 'cbvmda:lotNumber': 'M1OUT' },
  },
  AssociationEvent: association({
    eventID: id(105),
    action: 'ADD',
    eventTime: '2026-07-01T12:00:00Z',
    certificationInfo: 'https://example.org/certificates/gdp-2',
    parentID: 'urn:epc:id:grai:0614141.12345.M1',
    childEPCs: ['urn:epc:id:giai:0614141.M1-SENSOR'],
    childQuantityList: [{ epcClass: 'urn:epc:class:lgtin:0614141.107346.M1LOT', quantity: 1 }],
    disposition: 'active',
    readPoint: { id: 'urn:epc:id:sgln:0614141.00001.5' },
    bizLocation: { id: 'urn:epc:id:sgln:0614141.00001.0' },
    bizTransactionList: [{ type: 'po', bizTransaction: 'urn:epcglobal:cbv:bt:0614141000005:PO-M1' }],
    sourceList: [{ type: 'possessing_party', source: 'urn:epc:id:pgln:0614141.00000' }],
    destinationList: [{ type: 'possessing_party', destination: 'urn:epc:id:pgln:0614141.00000' }],
    sensorElementList: [{ sensorReport: [{ type: 'Illuminance', value: 300, uom: 'LUX' }] }],
  }),
};

describe('GS1 EPCIS conformance, capture requirements: M1, M121, M122, TCR-54 AssociationEvent (real Kafka and PostgreSQL)', () => {
  const sut = new SerializationUnderTest();
  let manufacturer: string;

  beforeAll(async () => {
    await sut.start();
    manufacturer = await sut.token('manufacturer', ['manufacturer']);
  });
  afterAll(() => sut.stop());

  const stored = async (eventID: string) => {
    const response = await sut.get(
      `/events?EQ_eventID=${enc(eventID)}`,
      manufacturer,
      undefined,
      AS_CAPTURED,
    );
    expect(response.status).toBe(200);
    return ((await response.json()) as QueryAnswer).epcisBody!.queryResults.resultsBody.eventList;
  };
  const storedCount = () => sut.count('SELECT count(*) AS n FROM events');

  it('M1 (TCR-43): events of all five types with data in every standard field are captured and answered whole', async () => {
    const response = await sut.capture(
      epcisDocument(Object.values(ALL_FIELDS), [EPCIS_CONTEXT, { ex: EX }]),
      manufacturer,
    );
    expect([response.status, response.status === 202 ? '' : await response.text()]).toEqual([202, '']);
    await eventually(storedCount, (n) => n === 5, 'five events stored');
    for (const [type, event] of Object.entries(ALL_FIELDS)) {
      const answer = await sut.get(`/events?eventType=${type}`, manufacturer, undefined, AS_CAPTURED);
      const events = ((await answer.json()) as QueryAnswer).epcisBody!.queryResults.resultsBody.eventList;
      expect(events).toEqual([{ ...event, recordTime: expect.any(String) }]);
    }
  });

  it('M121: a sensorElement without a sensorReport is refused', async () => {
    const before = await sut.publishedEventCount();
    const event = {
      type: 'ObjectEvent',
      action: 'OBSERVE',
      eventTime: '2026-07-02T10:00:00Z',
      eventTimeZoneOffset: '+00:00',
      epcList: [pack('M121')],
      sensorElementList: [{ sensorMetadata: { deviceID: 'urn:epc:id:giai:0614141.M121' }, sensorReport: [] }],
    };
    await expectRefused(await sut.capture(epcisDocument([event]), manufacturer), [
      '/epcisBody/eventList/0/sensorElementList/0/sensorReport',
    ]);
    const { sensorReport: _none, ...metadataOnly } = event.sensorElementList[0]!;
    await expectRefused(
      await sut.capture(epcisDocument([{ ...event, sensorElementList: [metadataOnly] }]), manufacturer),
      ['/epcisBody/eventList/0/sensorElementList/0/sensorReport'],
    );
    expect(await sut.publishedEventCount()).toBe(before);
  });

  it('M122: a sensor time without a time zone offset is refused; one after the eventTime is a warning (strict: refused)', async () => {
    const event = (time: string) => ({
      type: 'ObjectEvent',
      action: 'OBSERVE',
      eventTime: '2026-07-03T10:00:00Z',
      eventTimeZoneOffset: '+00:00',
      epcList: [pack('M122')],
      sensorElementList: [{ sensorReport: [{ type: 'Temperature', value: 5, uom: 'CEL', time }] }],
    });
    const pointer = '/epcisBody/eventList/0/sensorElementList/0/sensorReport/0/time';
    await expectRefused(await sut.capture(epcisDocument([event('2026-07-03T09:00:00')]), manufacturer), [
      pointer,
    ]);

    const late = epcisDocument([event('2026-07-03T10:00:01Z')]);
    await expectRefused(await captureStrict(sut, late, manufacturer), [pointer]);
    const before = await storedCount();
    const captured = await sut.capture(late, manufacturer);
    expect(captured.status).toBe(202);
    await eventually(storedCount, (n) => n === before + 1, 'the late reading stored');
    const job = await (await sut.get(captured.headers.get('location')!, manufacturer)).json();
    expect(job).toMatchObject({
      success: true,
      errors: [],
      warnings: [expect.objectContaining({ pointer })],
    });
  });

  it('TCR-54 steps 1-2: an AssociationEvent whose parentID is a place is accepted and stored', async () => {
    const event = association({ eventID: id(541), parentID: 'urn:epc:id:sgln:0614141.00009.0' });
    expect((await sut.capture(epcisDocument([event]), manufacturer)).status).toBe(202);
    await eventually(
      () => stored(id(541)),
      (events) => events.length === 1,
      'the association stored',
    );
    expect(await stored(id(541))).toEqual([{ ...event, recordTime: expect.any(String) }]);
    const byParent = await sut.get(
      `/events?MATCH_parentID=${enc('urn:epc:id:sgln:0614141.00009.0')}`,
      manufacturer,
    );
    expect(
      ((await byParent.json()) as QueryAnswer).epcisBody!.queryResults.resultsBody.eventList.map(
        (e) => e.eventID,
      ),
    ).toEqual([id(541)]);
  });

  it.each(['ADD', 'DELETE'])(
    'TCR-54 step 3: an AssociationEvent with action %s and no parentID is refused',
    async (action) => {
      const before = await sut.publishedEventCount();
      const { parentID: _omitted, ...event } = association({ action });
      await expectRefused(await sut.capture(epcisDocument([event]), manufacturer), [
        '/epcisBody/eventList/0/parentID',
      ]);
      expect(await sut.publishedEventCount()).toBe(before);
    },
  );

  it.each(['ADD', 'OBSERVE'])(
    'TCR-54 step 4: an AssociationEvent with action %s and neither childEPCs nor childQuantityList is refused',
    async (action) => {
      const before = await sut.publishedEventCount();
      const { childEPCs: _omitted, ...event } = association({ action });
      await expectRefused(await sut.capture(epcisDocument([event]), manufacturer), [
        '/epcisBody/eventList/0/childEPCs',
      ]);
      expect(await sut.publishedEventCount()).toBe(before);
    },
  );
});
