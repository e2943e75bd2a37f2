import { documentEventHashes } from '@pedigree/epcis';
import { EPCIS_CONTEXT, epcisDocument, eventually, pack, SerializationUnderTest } from './harness';

interface QueryAnswer {
  type?: string;
  errors?: Array<{ pointer: string }>;
  epcisBody?: { queryResults: { resultsBody: { eventList: Array<{ eventID: string }> } } };
}

/** Extension fields of the fixture: `ex` in every document; the CBV master data namespace under two prefixes. */
const EX = 'https://ns.example.org/query/';
const CONTEXT = [EPCIS_CONTEXT, { ex: EX }];
const OTHER_CONTEXT = [EPCIS_CONTEXT, { ex: EX, mda: 'urn:epcglobal:cbv:mda:' }];
const LOT_Q = 'urn:epc:class:lgtin:0614141.107346.LOT-Q';
const TRANSFORMATION_ID = 'urn:uuid:0b5a3d1c-6f1e-4c8a-9d2b-1a2b3c4d5e6f';
const CORRECTIVE_ID = 'urn:uuid:7d1f0c52-4a0e-4f43-9a55-2d1c3b4a5e6f';

/** One event of each type, sensor readings in CEL, FAH and KEL, extension fields at every level; D is declared in error. */
const EVENTS = {
  A: {
    type: 'ObjectEvent',
    action: 'ADD',
    eventTime: '2026-04-01T08:00:00Z',
    eventTimeZoneOffset: '+00:00',
    epcList: [pack('QA1'), pack('QA2')],
    bizStep: 'commissioning',
    disposition: 'active',
    persistentDisposition: { set: ['completeness_verified'] },
    readPoint: { id: 'urn:epc:id:sgln:0614141.00001.1' },
    bizLocation: { id: 'urn:epc:id:sgln:0614141.00001.0', 'ex:dock': 'D1', 'ex:dockInfo': { 'ex:bay': 7 } },
    ilmd: {
      'cbvmda:lotNumber': 'LOT-Q',
      'ex:bestBefore': '2028-01-01T00:00:00Z',
      'ex:batch': { 'ex:potency': 98.5 },
    },
    sensorElementList: [
      {
        sensorMetadata: {
          time: '2026-04-01T07:55:00Z',
          deviceID: 'urn:epc:id:giai:0614141.T1',
          'ex:calibrated': 'yes',
        },
        sensorReport: [{ type: 'gs1:Temperature', value: 5, uom: 'CEL' }],
        'ex:site': 'lab',
        'ex:siteInfo': { 'ex:room': 'R1' },
      },
    ],
    'ex:colour': 'red',
    'ex:rank': 3,
    'ex:note': { 'ex:inner': 'deep' },
  },
  B: {
    type: 'ObjectEvent',
    action: 'OBSERVE',
    eventTime: '2026-04-01T10:00:00Z',
    eventTimeZoneOffset: '+00:00',
    epcList: [pack('QA1')],
    quantityList: [{ epcClass: LOT_Q, quantity: 500, uom: 'GRM' }],
    bizStep: 'inspecting',
    readPoint: { id: 'urn:epc:id:sgln:0614141.00001.2', 'ex:reader': 'R2' },
    bizLocation: { id: 'urn:epc:id:sgln:0614141.00002.0' },
    sensorElementList: [
      {
        sensorMetadata: {
          startTime: '2026-04-01T09:00:00Z',
          endTime: '2026-04-01T09:59:00Z',
          bizRules: 'https://example.org/rules/cold',
        },
        sensorReport: [
          {
            type: 'gs1:Temperature',
            value: 41,
            uom: 'FAH',
            time: '2026-04-01T09:10:00Z',
            deviceID: 'urn:epc:id:giai:0614141.T2',
            'ex:battery': 3.1,
          },
          {
            type: 'gs1:Temperature',
            value: 50,
            uom: 'FAH',
            time: '2026-04-01T09:50:00Z',
            minValue: 45,
            maxValue: 52,
            meanValue: 49,
            sDev: 1.8,
          },
          { type: 'gs1:RelativeHumidity', value: 40, uom: 'P1', percRank: 60, percValue: 41 },
        ],
      },
      {
        sensorReport: [
          {
            type: 'gs1:Illuminance',
            exception: 'gs1:ALARM_CONDITION',
            stringValue: 'door open',
            booleanValue: true,
            hexBinaryValue: 'AB12',
            uriValue: 'https://example.org/door',
            microorganism: 'https://www.ncbi.nlm.nih.gov/taxonomy/1126011',
            chemicalSubstance: 'https://identifiers.org/inchikey:CZMRCDWAGMRECN-UGDNZRGBSA-N',
            dataProcessingMethod: 'https://example.org/method/avg',
          },
        ],
      },
    ],
    'ex:rank': 1,
  },
  C: {
    type: 'AggregationEvent',
    action: 'ADD',
    eventTime: '2026-04-01T12:00:00Z',
    eventTimeZoneOffset: '+00:00',
    parentID: 'urn:epc:id:sscc:0614141.1000000077',
    childEPCs: [pack('QA1'), pack('QA2')],
    childQuantityList: [{ epcClass: 'urn:epc:class:lgtin:0614141.107346.LOT-Z', quantity: 10 }],
    bizStep: 'packing',
    bizLocation: { id: 'urn:epc:id:sgln:0614141.00001.0' },
    sensorElementList: [{ sensorReport: [{ type: 'gs1:Temperature', value: 281.15, uom: 'KEL' }] }],
    'ex:rank': 2,
  },
  D: {
    type: 'TransactionEvent',
    action: 'OBSERVE',
    eventTime: '2026-04-02T08:00:00Z',
    eventTimeZoneOffset: '+00:00',
    bizTransactionList: [{ type: 'po', bizTransaction: 'urn:epcglobal:cbv:bt:0614141000005:PO-7' }],
    epcList: [pack('QA1')],
    destinationList: [{ type: 'owning_party', destination: 'urn:epc:id:pgln:4012345.00000' }],
    'ex:colour': 'blue',
  },
  E: {
    type: 'TransformationEvent',
    eventTime: '2026-04-02T10:00:00Z',
    eventTimeZoneOffset: '+00:00',
    inputQuantityList: [{ epcClass: LOT_Q, quantity: 3, uom: 'KGM' }],
    outputEPCList: [pack('QT1')],
    outputQuantityList: [
      { epcClass: 'urn:epc:class:lgtin:0614141.107347.LOT-T', quantity: 1000, uom: 'GRM' },
    ],
    transformationID: TRANSFORMATION_ID,
    persistentDisposition: { unset: ['needs_replacement'] },
    ilmd: { 'mda:lotNumber': 'LOT-T' },
    'ex:rank': 2.5,
  },
  F: {
    type: 'AssociationEvent',
    action: 'ADD',
    eventTime: '2026-04-02T12:00:00Z',
    eventTimeZoneOffset: '+00:00',
    parentID: 'urn:epc:id:giai:0614141.SENSOR1',
    childEPCs: [pack('QA2')],
    readPoint: { id: 'urn:epc:id:sgln:0614141.00002.5' },
    'ex:rank': '2026-01-01T00:00:00Z',
  },
};
type Name = keyof typeof EVENTS;
const contextOf = (name: Name) => (name === 'E' ? OTHER_CONTEXT : CONTEXT);
const DECLARED_D = {
  ...EVENTS.D,
  errorDeclaration: {
    declarationTime: '2026-04-03T08:00:00Z',
    reason: 'incorrect_data',
    correctiveEventIDs: [CORRECTIVE_ID],
    'ex:ticket': 'T-1',
    'ex:detail': { 'ex:by': 'qa' },
  },
};

describe('serialization service: every SimpleEventQuery parameter family (real Kafka and PostgreSQL)', () => {
  const sut = new SerializationUnderTest();
  const hashes = Object.fromEntries(
    (Object.keys(EVENTS) as Name[]).map((name) => [
      name,
      documentEventHashes(epcisDocument([EVENTS[name]], contextOf(name)) as Record<string, unknown>)[0]!,
    ]),
  ) as Record<Name, string>;
  const nameOf = Object.fromEntries(Object.entries(hashes).map(([name, hash]) => [hash, name]));
  let manufacturer: string;
  let wholesaler: string;
  let pharmacy: string;

  beforeAll(async () => {
    await sut.start({ QUERY_MAX_PAGE_SIZE: '50' });
    manufacturer = await sut.token('manufacturer', ['manufacturer']);
    wholesaler = await sut.token('wholesaler', ['distributor']);
    pharmacy = await sut.token('pharmacy', ['dispenser']);
    // One capture per event: each gets a record time of its own (orderBy=recordTime).
    for (const name of Object.keys(EVENTS) as Name[]) {
      const response = await sut.capture(epcisDocument([EVENTS[name]], contextOf(name)), manufacturer);
      expect([name, response.status, response.status === 202 ? '' : await response.text()]).toEqual([
        name,
        202,
        '',
      ]);
    }
    await eventually(
      () => sut.count('SELECT count(*) AS n FROM events'),
      (n) => n === 6,
      'six events stored',
    );
    expect((await sut.capture(epcisDocument([DECLARED_D], CONTEXT), manufacturer)).status).toBe(202);
    await eventually(
      () => sut.count('SELECT count(*) AS n FROM events WHERE error_declared_at IS NOT NULL'),
      (n) => n === 1,
      'D declared in error',
    );
  });
  afterAll(() => sut.stop());

  const query = async (params: string, token = manufacturer) => {
    const response = await sut.get(`/events?${params}`, token);
    const body = (await response.json()) as QueryAnswer;
    const names = body.epcisBody?.queryResults.resultsBody.eventList.map(
      (e) => nameOf[e.eventID] ?? e.eventID,
    );
    return { response, body, names };
  };
  const enc = encodeURIComponent;

  it.each<[string, string, Name[]]>([
    // fixed parameters
    ['EQ_persistentDisposition_set', 'EQ_persistentDisposition_set=completeness_verified', ['A']],
    [
      'EQ_persistentDisposition_unset',
      `EQ_persistentDisposition_unset=${enc('urn:epcglobal:cbv:disp:needs_replacement')}`,
      ['E'],
    ],
    ['EQ_quantity (any unit)', 'EQ_quantity=10', ['C']],
    ['GT_quantity', 'GT_quantity=400', ['B', 'E']],
    ['LE_quantity', 'LE_quantity=3', ['E']],
    ['EQ_readPoint', `EQ_readPoint=${enc('urn:epc:id:sgln:0614141.00001.1')}`, ['A']],
    ['WD_readPoint (GLN extensions)', `WD_readPoint=${enc('urn:epc:id:sgln:0614141.00001.0')}`, ['A', 'B']],
    ['WD_readPoint (another GLN)', `WD_readPoint=${enc('https://id.gs1.org/414/0614141000029')}`, ['F']],
    ['WD_bizLocation', `WD_bizLocation=${enc('urn:epc:id:sgln:0614141.00002.0')}`, ['B']],
    ['EQ_transformationID', `EQ_transformationID=${enc(TRANSFORMATION_ID)}`, ['E']],
    ['MATCH_epcClass', `MATCH_epcClass=${enc('urn:epc:idpat:sgtin:0614141.107346.*')}`, ['B', 'C']],
    ['MATCH_inputEPCClass', `MATCH_inputEPCClass=${enc(LOT_Q)}`, ['E']],
    ['MATCH_outputEPCClass', `MATCH_outputEPCClass=${enc('urn:epc:idpat:sgtin:0614141.107347.*')}`, ['E']],
    ['MATCH_anyEPCClass', `MATCH_anyEPCClass=${enc(LOT_Q)}`, ['B', 'E']],
    ['EXISTS_errorDeclaration', 'EXISTS_errorDeclaration', ['D']],
    ['GE_errorDeclaration_Time', 'GE_errorDeclaration_Time=2026-04-03T00:00:00Z', ['D']],
    ['LT_errorDeclarationTime', 'LT_errorDeclarationTime=2026-04-03T00:00:00Z', []],
    ['EQ_errorReason', `EQ_errorReason=${enc('https://ref.gs1.org/cbv/ER-incorrect_data')}`, ['D']],
    ['EQ_correctiveEventID', `EQ_correctiveEventID=${enc(CORRECTIVE_ID)}`, ['D']],
    ['EXISTS_sensorElementList', 'EXISTS_sensorElementList', ['A', 'B', 'C']],
    ['GE_time (report time)', 'GE_time=2026-04-01T09:00:00Z', ['B']],
    ['LT_time (metadata time)', 'LT_time=2026-04-01T08:00:00Z', ['A']],
    ['GE_startTime', 'GE_startTime=2026-04-01T08:00:00Z', ['B']],
    ['LT_endTime', 'LT_endTime=2026-04-01T10:00:00Z', ['B']],
    ['EQ_type', 'EQ_type=Temperature', ['A', 'B', 'C']],
    ['EQ_deviceID (metadata)', `EQ_deviceID=${enc('urn:epc:id:giai:0614141.T1')}`, ['A']],
    ['EQ_deviceID (report)', `EQ_deviceID=${enc('urn:epc:id:giai:0614141.T2')}`, ['B']],
    ['EQ_dataProcessingMethod', `EQ_dataProcessingMethod=${enc('https://example.org/method/avg')}`, ['B']],
    ['EQ_microorganism', `EQ_microorganism=${enc('https://www.ncbi.nlm.nih.gov/taxonomy/1126011')}`, ['B']],
    [
      'EQ_chemicalSubstance',
      `EQ_chemicalSubstance=${enc('https://identifiers.org/inchikey:CZMRCDWAGMRECN-UGDNZRGBSA-N')}`,
      ['B'],
    ],
    ['EQ_bizRules', `EQ_bizRules=${enc('https://example.org/rules/cold')}`, ['B']],
    ['EQ_stringValue', `EQ_stringValue=${enc('door open')}`, ['B']],
    ['EQ_booleanValue', 'EQ_booleanValue=true', ['B']],
    ['EQ_hexBinaryValue', 'EQ_hexBinaryValue=ab12', ['B']],
    ['EQ_uriValue', `EQ_uriValue=${enc('https://example.org/door')}`, ['B']],
    ['GE_percRank', 'GE_percRank=50', ['B']],
    ['LT_percRank', 'LT_percRank=50', []],
    // extension fields
    ['EQ_<field>', 'EQ_ex:colour=red|blue', ['A', 'D']],
    ['GT_<field>', 'GT_ex:rank=1.5', ['A', 'C', 'E']],
    ['LE_<field>', 'LE_ex:rank=2', ['B', 'C']],
    ['EXISTS_<field>', 'EXISTS_ex:note', ['A']],
    ['EQ_ILMD_<field> (the namespace under another prefix)', 'EQ_ILMD_cbvmda:lotNumber=LOT-T', ['E']],
    [
      'LT_ILMD_<field> (instants across offsets)',
      `LT_ILMD_ex:bestBefore=${enc('2028-01-01T01:30:00+01:00')}`,
      ['A'],
    ],
    ['EXISTS_ILMD_<field>', 'EXISTS_ILMD_ex:batch', ['A']],
    ['EQ_INNER_<field>', 'EQ_INNER_ex:inner=deep', ['A']],
    ['EQ_INNER_ILMD_<field>', 'EQ_INNER_ILMD_ex:potency=98.5', ['A']],
    ['GT_INNER_ILMD_<field>', 'GT_INNER_ILMD_ex:potency=99', []],
    ['EQ_ERROR_DECLARATION_<field>', 'EQ_ERROR_DECLARATION_ex:ticket=T-1', ['D']],
    ['EXISTS_ERROR_DECLARATION_<field>', 'EXISTS_ERROR_DECLARATION_ex:ticket', ['D']],
    ['EQ_INNER_ERROR_DECLARATION_<field>', 'EQ_INNER_ERROR_DECLARATION_ex:by=qa', ['D']],
    ['EQ_readPoint_<field>', 'EQ_readPoint_ex:reader=R2', ['B']],
    ['EQ_bizLocation_<field>', 'EQ_bizLocation_ex:dock=D1', ['A']],
    ['EQ_INNER_bizLocation_<field>', 'EQ_INNER_bizLocation_ex:bay=7', ['A']],
    ['EQ_SENSORELEMENT_<field>', 'EQ_SENSORELEMENT_ex:site=lab', ['A']],
    ['EQ_INNER_SENSORELEMENT_<field>', 'EQ_INNER_SENSORELEMENT_ex:room=R1', ['A']],
    ['EQ_SENSORMETADATA_<field>', 'EQ_SENSORMETADATA_ex:calibrated=yes', ['A']],
    ['GE_SENSORREPORT_<field>', 'GE_SENSORREPORT_ex:battery=3', ['B']],
    ['EXISTS_SENSORREPORT_<field>', 'EXISTS_SENSORREPORT_ex:battery', ['B']],
    // sensor readings and quantities in units of measure
    ['GE_value_CEL (FAH and KEL readings converted)', 'GE_value_CEL=8', ['B', 'C']],
    ['EQ_value_CEL', 'EQ_value_CEL=5', ['A', 'B']],
    ['LT_value_KEL', 'LT_value_KEL=279', ['A', 'B']],
    ['GE_value_FAH', 'GE_value_FAH=46', ['B', 'C']],
    ['GE_maxValue_CEL', 'GE_maxValue_CEL=11', ['B']],
    ['LT_minValue_CEL', 'LT_minValue_CEL=8', ['B']],
    ['GE_meanValue_CEL', 'GE_meanValue_CEL=9', ['B']],
    ['GE_sDev_CEL (a spread: no offset)', 'GE_sDev_CEL=1', ['B']],
    ['GT_percValue_P1', 'GT_percValue_P1=40', ['B']],
    ['EQ_type with GE_value_CEL (one report)', 'EQ_type=Temperature&GE_value_CEL=9', ['B']],
    ['EQ_type with a value of another report', 'EQ_type=RelativeHumidity&GE_value_CEL=0', []],
    ['EQ_quantity_KGM (GRM converted)', 'EQ_quantity_KGM=0.5', ['B']],
    ['GE_quantity_KGM', 'GE_quantity_KGM=1', ['E']],
    ['LT_quantity_GRM', 'LT_quantity_GRM=600', ['B']],
    // master data
    ['HASATTR_<field> (no master data held)', `HASATTR_bizLocation=${enc('urn:epcglobal:cbv:mda#sst')}`, []],
    ['EQ_ATTR_<field>_<attr> (no master data held)', 'EQ_ATTR_bizLocation_sst=201', []],
  ])('%s: %s', async (_family, params, expected) => {
    const { response, names } = await query(params);
    expect(response.status).toBe(200);
    expect(names).toEqual(expected);
  });

  it.each<[string, string, Name[]]>([
    ['orderBy=eventTime, descending by default', 'orderBy=eventTime', ['F', 'E', 'D', 'C', 'B', 'A']],
    ['orderBy=recordTime ascending', 'orderBy=recordTime&orderDirection=ASC', ['A', 'B', 'C', 'D', 'E', 'F']],
    [
      'orderBy an extension field: numbers, then times, then events without it',
      'orderBy=ex:rank&orderDirection=ASC',
      ['B', 'C', 'E', 'A', 'F', 'D'],
    ],
    [
      'orderBy an extension field, descending',
      'orderBy=ex:rank&orderDirection=DESC',
      ['A', 'E', 'C', 'B', 'F', 'D'],
    ],
    ['eventCountLimit: the most recent two', 'orderBy=eventTime&eventCountLimit=2', ['F', 'E']],
    ['maxEventCount not exceeded', 'maxEventCount=6', ['A', 'B', 'C', 'D', 'E', 'F']],
  ])('%s', async (_name, params, expected) => {
    const { response, names } = await query(params);
    expect(response.status).toBe(200);
    expect(names).toEqual(expected);
  });

  const pages = async (first: string) =>
    (await sut.eventPages(first, manufacturer)).map((page) =>
      page.map((e) => nameOf[e['eventID'] as string] ?? (e['eventID'] as string)),
    );

  it('pages through an extension field order, events without the field last', async () => {
    expect(await pages('/events?orderBy=ex:rank&orderDirection=ASC&perPage=2')).toEqual([
      ['B', 'C'],
      ['E', 'A'],
      ['F', 'D'],
    ]);
    expect(await pages('/events?orderBy=recordTime&perPage=4')).toEqual([
      ['F', 'E', 'D', 'C'],
      ['B', 'A'],
    ]);
  });

  it('pages through the first eventCountLimit events and no further', async () => {
    expect(await pages('/events?orderBy=eventTime&eventCountLimit=4&perPage=3')).toEqual([
      ['F', 'E', 'D'],
      ['C'],
    ]);
  });

  it('applies the visibility rules to every parameter family', async () => {
    expect((await query('EXISTS_errorDeclaration', wholesaler)).names).toEqual(['D']);
    expect((await query('EQ_ex:colour=red|blue', wholesaler)).names).toEqual(['D']);
    expect((await query('orderBy=ex:rank&orderDirection=ASC', wholesaler)).names).toEqual(['D']);
    expect((await query('EQ_type=Temperature', wholesaler)).names).toEqual([]);
    expect((await query('EXISTS_errorDeclaration', pharmacy)).names).toEqual([]);
    expect((await query('maxEventCount=1', pharmacy)).response.status).toBe(200);
  });

  it.each([
    ['an unknown family', 'EQ_INNER_readPoint_reader=R2', '/query/EQ_INNER_readPoint_reader'],
    ['a family the schema does not have', 'EXISTS_readPoint_ex:reader', '/query/EXISTS_readPoint_ex:reader'],
    ['a field bound that is no number or time', 'GT_ex:rank=high', '/query/GT_ex:rank'],
    ['an ILMD bound that is no number or time', 'LT_ILMD_ex:bestBefore=soon', '/query/LT_ILMD_ex:bestBefore'],
    ['a sensor value that is no number', 'GE_value_CEL=warm', '/query/GE_value_CEL'],
    ['a unit that is no UN/ECE code', 'GE_value_celsius=8', '/query/GE_value_celsius'],
    ['a quantity that is no number', 'GE_quantity_KGM=x', '/query/GE_quantity_KGM'],
    ['a plain quantity that is no number', 'EQ_quantity=some', '/query/EQ_quantity'],
    [
      'an EXISTS_ value that is no boolean',
      'EXISTS_errorDeclaration=maybe',
      '/query/EXISTS_errorDeclaration',
    ],
    [
      'an error declaration time without zone',
      'GE_errorDeclaration_Time=2026-04-03T00:00:00',
      '/query/GE_errorDeclaration_Time',
    ],
    ['a sensor time without zone', 'GE_startTime=2026-04-01', '/query/GE_startTime'],
    ['a boolean value that is no boolean', 'EQ_booleanValue=yes', '/query/EQ_booleanValue'],
    ['a percRank that is no number', 'GT_percRank=top', '/query/GT_percRank'],
    ['a WD_ location without value', 'WD_readPoint=', '/query/WD_readPoint'],
    ['a master data parameter without value', 'EQ_ATTR_bizLocation_sst=', '/query/EQ_ATTR_bizLocation_sst'],
    ['orderBy of no field', 'orderBy=colour', '/query/orderBy'],
    ['a bad orderDirection', 'orderBy=eventTime&orderDirection=UP', '/query/orderDirection'],
    ['eventCountLimit without orderBy', 'eventCountLimit=2', '/query/eventCountLimit'],
    [
      'eventCountLimit with maxEventCount',
      'orderBy=eventTime&eventCountLimit=2&maxEventCount=9',
      '/query/eventCountLimit',
    ],
    ['a maxEventCount of 0', 'maxEventCount=0', '/query/maxEventCount'],
  ])('refuses %s with a QueryParameterException', async (_name, params, pointer) => {
    const { response, body } = await query(params);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(body).toMatchObject({
      type: 'epcisException:QueryParameterException',
      errors: [expect.objectContaining({ pointer })],
    });
  });

  it('answers a QueryTooLargeException when more events than maxEventCount match', async () => {
    const { response, body } = await query('maxEventCount=5');
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(body).toMatchObject({ type: 'epcisException:QueryTooLargeException' });
    expect((await query('maxEventCount=3&EXISTS_sensorElementList')).names).toEqual(['A', 'B', 'C']);
  });

  it('refuses a page token of one order in a query with another', async () => {
    const first = await sut.get('/events?orderBy=ex:rank&perPage=2', manufacturer);
    const link = /<([^>]+)>; rel="next"/.exec(first.headers.get('link') ?? '')![1]!;
    const token = new URL(link, 'http://x').searchParams.get('nextPageToken')!;
    const { response } = await query(`orderBy=eventTime&perPage=2&nextPageToken=${token}`);
    expect(response.status).toBe(400);
  });

  // Last: it captures a seventh event.
  it('without orderBy serves a record time window in record time order, other queries in event time order', async () => {
    const older = {
      type: 'ObjectEvent',
      action: 'OBSERVE',
      eventTime: '2026-03-01T08:00:00Z',
      eventTimeZoneOffset: '+00:00',
      epcList: [pack('QG1')],
      bizStep: 'inspecting',
    };
    const G = documentEventHashes(epcisDocument([older], CONTEXT) as Record<string, unknown>)[0]!;
    expect((await sut.capture(epcisDocument([older], CONTEXT), manufacturer)).status).toBe(202);
    await eventually(
      () => sut.count('SELECT count(*) AS n FROM events'),
      (n) => n === 7,
      'the seventh event stored',
    );
    const recorded = `GE_recordTime=${enc('2000-01-01T00:00:00Z')}`;
    expect((await query(recorded)).names).toEqual(['A', 'B', 'C', 'D', 'E', 'F', G]);
    expect((await query(`LT_recordTime=${enc('2100-01-01T00:00:00Z')}`)).names).toEqual([
      'A',
      'B',
      'C',
      'D',
      'E',
      'F',
      G,
    ]);
    expect(await pages(`/events?${recorded}&perPage=4`)).toEqual([
      ['A', 'B', 'C', 'D'],
      ['E', 'F', G],
    ]);
    const inEventTime = [G, 'A', 'B', 'C', 'D', 'E', 'F'];
    expect((await query(`${recorded}&GE_eventTime=${enc('2000-01-01T00:00:00Z')}`)).names).toEqual(
      inEventTime,
    );
    expect((await query('')).names).toEqual(inEventTime);
  });
});
