import {
  encodePageToken,
  pageOrder,
  parseEventQuery,
  QueryParameterError,
  type EventQuery,
} from './event-query';

const LIMITS = { defaultPerPage: 30, maxPerPage: 100 };
const parse = (query: string): EventQuery => parseEventQuery(new URLSearchParams(query), LIMITS);

/** The problems a query is refused with, as pointer → message. */
function problems(query: string): Record<string, string> {
  try {
    parse(query);
  } catch (error) {
    if (error instanceof QueryParameterError)
      return Object.fromEntries(error.problems.map((p) => [p.pointer, p.message]));
    throw error;
  }
  throw new Error(`"${query}" was accepted`);
}

describe('parseEventQuery', () => {
  it('has no filter and the default page size without parameters', () => {
    expect(parse('')).toMatchObject({
      eventTime: {},
      recordTime: {},
      identifierMatches: [],
      bizTransactions: [],
      sources: [],
      destinations: [],
      perPage: 30,
    });
  });

  it('reads pipe-delimited and repeated values of event types and actions', () => {
    const query = parse(
      'eventType=ObjectEvent|AggregationEvent&eventType=TransformationEvent&EQ_action=ADD|DELETE',
    );
    expect(query.eventTypes).toEqual(['ObjectEvent', 'AggregationEvent', 'TransformationEvent']);
    expect(query.actions).toEqual(['ADD', 'DELETE']);
  });

  it('refuses unknown event types and actions', () => {
    expect(problems('eventType=SensorEvent&EQ_action=UPDATE')).toEqual({
      '/query/eventType': 'eventType: "SensorEvent" is not an EPCIS event type',
      '/query/EQ_action': 'EQ_action: "UPDATE" is not ADD, OBSERVE, DELETE',
    });
  });

  it('reads time bounds with a time zone and refuses them without', () => {
    const query = parse(
      'GE_eventTime=2026-01-01T00:00:00Z&LT_eventTime=2026-01-02T01:00:00%2B01:00&GE_recordTime=2026-01-01T00:00Z',
    );
    expect(query.eventTime.ge?.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(query.eventTime.lt?.toISOString()).toBe('2026-01-02T00:00:00.000Z');
    expect(query.recordTime.ge?.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(query.recordTime.lt).toBeUndefined();
    expect(Object.keys(problems('LT_recordTime=2026-01-01T00:00:00&GE_eventTime=yesterday')).sort()).toEqual([
      '/query/GE_eventTime',
      '/query/LT_recordTime',
    ]);
    expect(problems('GE_colour=3')).toEqual({ '/query/GE_colour': 'GE_colour: unknown parameter' });
  });

  it('gives business steps and dispositions as bare CBV words, places and identifiers as canonical keys', () => {
    const query = parse(
      [
        'EQ_bizStep=https://ref.gs1.org/cbv/BizStep-shipping|receiving',
        'EQ_disposition=urn:epcglobal:cbv:disp:in_transit',
        'EQ_bizLocation=urn:epc:id:sgln:0614141.00001.0',
        'MATCH_epc=urn:epc:id:sgtin:0614141.107346.2017',
        'MATCH_epcClass=urn:epc:idpat:sgtin:0614141.107346.*',
      ].join('&'),
    );
    expect(query.bizSteps).toEqual(['shipping', 'receiving']);
    expect(query.dispositions).toEqual(['in_transit']);
    expect(query.bizLocation).toEqual({ equal: ['https://id.gs1.org/414/0614141000012'] });
    expect(query.identifierMatches).toEqual([
      { roles: ['epc', 'child'], values: ['https://id.gs1.org/01/10614141073464/21/2017'] },
      { roles: ['quantity', 'childQuantity'], values: ['https://id.gs1.org/01/10614141073464'] },
    ]);
  });

  it('matches each MATCH_ parameter against the identifier roles it names', () => {
    const roles = (name: string) =>
      parse(`${name}=urn:epc:id:sscc:0614141.1234567890`).identifierMatches[0]?.roles;
    expect(roles('MATCH_parentID')).toEqual(['parent']);
    expect(roles('MATCH_inputEPC')).toEqual(['input']);
    expect(roles('MATCH_outputEPC')).toEqual(['output']);
    expect(roles('MATCH_anyEPC')).toEqual(['epc', 'child', 'parent', 'input', 'output']);
  });

  it('reads business transactions, sources and destinations by their type, as bare words', () => {
    const query = parse(
      'EQ_bizTransaction_po=urn:epcglobal:cbv:bt:0614141000005:PO1&EQ_source_urn:epcglobal:cbv:sdt:owning_party=0614141000005&EQ_destination_location=4012345000009|9521321000007',
    );
    expect(query.bizTransactions).toEqual([
      { type: 'po', values: ['urn:epcglobal:cbv:bt:0614141000005:PO1'] },
    ]);
    expect(query.sources).toEqual([{ type: 'owning_party', values: ['0614141000005'] }]);
    expect(query.destinations).toEqual([{ type: 'location', values: ['4012345000009', '9521321000007'] }]);
  });

  it('refuses unknown parameters and parameters without a value', () => {
    expect(problems('EQ_colour=red&EQ_bizStep=&MATCH_epc=|')).toEqual({
      '/query/EQ_colour': 'EQ_colour: unknown parameter',
      '/query/EQ_bizStep': 'EQ_bizStep: needs a value',
      '/query/MATCH_epc': 'MATCH_epc: needs a value',
    });
  });

  it.each(['0', '101', '2.5', 'ten'])('refuses perPage=%s', (perPage) => {
    expect(problems(`perPage=${perPage}`)).toEqual({
      '/query/perPage': 'perPage: must be a whole number from 1 to 100',
    });
  });

  it('identifies the filter, not the page size, in its fingerprint', () => {
    const a = parse('EQ_bizStep=shipping&eventType=ObjectEvent');
    expect(parse('eventType=ObjectEvent&EQ_bizStep=shipping&perPage=5').fingerprint).toBe(a.fingerprint);
    expect(parse('EQ_bizStep=receiving&eventType=ObjectEvent').fingerprint).not.toBe(a.fingerprint);
  });

  it('accepts a page token of the same query and refuses one of another query or a forged one', () => {
    const filter = 'EQ_bizStep=shipping';
    const eventHash = `ni:///sha-256;${'ab'.repeat(32)}?ver=CBV2.0`;
    const fingerprint = parse(filter).fingerprint;
    const token = encodePageToken({ keys: ['2026-01-01T08:00:00.000Z'], eventHash, served: 30, fingerprint });
    expect(parse(`${filter}&nextPageToken=${token}`).after).toEqual({
      keys: ['2026-01-01T08:00:00.000Z'],
      eventHash,
      served: 30,
    });
    const refused = { '/query/nextPageToken': 'nextPageToken: not a page token of this query' };
    expect(problems(`EQ_bizStep=receiving&nextPageToken=${token}`)).toEqual(refused);
    expect(problems(`${filter}&nextPageToken=not-a-token`)).toEqual(refused);
    // Forged with the right fingerprint (it is no secret), but keys or a hash the page query could not use.
    for (const forged of [
      { keys: ['not-a-date'], eventHash, served: 0, fingerprint },
      { keys: ['2030-02-31T00:00:00Z'], eventHash, served: 0, fingerprint },
      { keys: [null], eventHash, served: 0, fingerprint },
      { keys: ['2026-01-01T08:00:00.000Z', 'x'], eventHash, served: 0, fingerprint },
      { keys: ['2026-01-01T08:00:00.000Z'], eventHash, served: -1, fingerprint },
      {
        keys: ['2026-01-01T08:00:00.000Z'],
        eventHash: 'ni:///sha-256;abc\u0000?ver=CBV2.0',
        served: 0,
        fingerprint,
      },
    ]) {
      expect(problems(`${filter}&nextPageToken=${encodePageToken(forged)}`)).toEqual(refused);
    }
  });

  it('checks the keys of a page token against the order: three per extension field, numbers as numbers', () => {
    const filter = 'orderBy=ex:rank';
    const eventHash = `ni:///sha-256;${'cd'.repeat(32)}?ver=CBV2.0`;
    const fingerprint = parse(filter).fingerprint;
    const token = (keys: Array<string | null>) =>
      encodePageToken({ keys, eventHash, served: 5, fingerprint });
    expect(parse(`${filter}&nextPageToken=${token(['12.5', null, null])}`).after?.keys).toEqual([
      '12.5',
      null,
      null,
    ]);
    expect(parse(`${filter}&nextPageToken=${token([null, null, 'b'])}`).after?.keys).toEqual([
      null,
      null,
      'b',
    ]);
    expect(Object.keys(problems(`${filter}&nextPageToken=${token(['twelve', null, null])}`))).toEqual([
      '/query/nextPageToken',
    ]);
  });

  describe('the fixed parameters of the EPCIS 2.0 query schema', () => {
    it('reads persistent dispositions in every spelling and transformation IDs as given', () => {
      const query = parse(
        'EQ_persistentDisposition_set=completeness_verified&EQ_persistentDisposition_unset=urn:epcglobal:cbv:disp:needs_replacement&EQ_transformationID=urn:uuid:1',
      );
      expect(query.persistentDisposition.set).toEqual(
        expect.arrayContaining([
          'completeness_verified',
          'https://ref.gs1.org/cbv/Disp-completeness_verified',
        ]),
      );
      expect(query.persistentDisposition.unset).toContain('needs_replacement');
      expect(query.transformationIds).toEqual(['urn:uuid:1']);
    });

    it('reads WD_ locations as canonical keys beside EQ_ ones', () => {
      const query = parse(
        'WD_readPoint=urn:epc:id:sgln:0614141.00001.0&EQ_readPoint=urn:epc:id:sgln:0614141.00001.7',
      );
      expect(query.readPoint).toEqual({
        equal: ['https://id.gs1.org/414/0614141000012/254/7'],
        withDescendants: ['https://id.gs1.org/414/0614141000012'],
      });
    });

    it('matches each class parameter against its quantity lists', () => {
      const roles = (name: string) =>
        parse(`${name}=urn:epc:class:lgtin:0614141.107346.L1`).identifierMatches[0]?.roles;
      expect(roles('MATCH_epcClass')).toEqual(['quantity', 'childQuantity']);
      expect(roles('MATCH_inputEPCClass')).toEqual(['inputQuantity']);
      expect(roles('MATCH_outputEPCClass')).toEqual(['outputQuantity']);
      expect(roles('MATCH_anyEPCClass')).toEqual([
        'quantity',
        'childQuantity',
        'inputQuantity',
        'outputQuantity',
      ]);
    });

    it('reads quantities in any unit, and refuses a value that is no number', () => {
      expect(parse('EQ_quantity=2|3.5&LT_quantity=10').quantities).toEqual([
        { op: 'EQ', values: [{ any: 2 }, { any: 3.5 }] },
        { op: 'LT', values: [{ any: 10 }] },
      ]);
      expect(problems('GE_quantity=lots')).toEqual({
        '/query/GE_quantity': 'GE_quantity: "lots" is not a number',
      });
      expect(problems('GT_quantity=1|2')).toEqual({ '/query/GT_quantity': 'GT_quantity: takes one number' });
    });

    it('reads the error declaration parameters, both spellings of the time bounds', () => {
      const query = parse(
        'EXISTS_errorDeclaration&GE_errorDeclaration_Time=2026-01-01T00:00:00Z&LT_errorDeclarationTime=2026-02-01T00:00:00Z&EQ_errorReason=incorrect_data&EQ_correctiveEventID=urn:uuid:2',
      );
      expect(query.errorDeclaration).toMatchObject({
        exists: true,
        time: { ge: new Date('2026-01-01T00:00:00Z'), lt: new Date('2026-02-01T00:00:00Z') },
        correctiveEventIds: ['urn:uuid:2'],
      });
      expect(query.errorDeclaration.reasons).toEqual(
        expect.arrayContaining(['incorrect_data', 'urn:epcglobal:cbv:er:incorrect_data']),
      );
      expect(parse('EXISTS_errorDeclaration=false').errorDeclaration.exists).toBe(false);
      expect(problems('EXISTS_errorDeclaration=maybe')).toEqual({
        '/query/EXISTS_errorDeclaration': 'EXISTS_errorDeclaration: takes no value, or true or false',
      });
      expect(Object.keys(problems('LT_errorDeclaration_Time=soon'))).toEqual([
        '/query/LT_errorDeclaration_Time',
      ]);
    });

    it('reads the sensor attributes with where each may be', () => {
      const query = parse(
        'EXISTS_sensorElementList&EQ_type=Temperature&EQ_deviceID=urn:epc:id:giai:4000001.111&EQ_booleanValue=true&GE_time=2026-01-01T00:00:00Z&LT_endTime=2026-01-02T00:00:00Z&GT_percRank=50&EQ_hexBinaryValue=ab12',
      );
      expect(query.sensor.exists).toBe(true);
      const byAttribute = Object.fromEntries(query.sensor.attributes.map((a) => [a.attribute, a]));
      expect(byAttribute['type']?.test).toMatchObject({ op: 'EQ' });
      expect(byAttribute['type']?.test.op === 'EQ' && byAttribute['type'].test.operands).toEqual(
        expect.arrayContaining([
          { type: 'string', value: 'Temperature' },
          { type: 'string', value: 'gs1:Temperature' },
          { type: 'string', value: 'https://gs1.org/voc/Temperature' },
        ]),
      );
      expect(byAttribute['deviceID']).toMatchObject({ in: ['report', 'metadata'] });
      expect(byAttribute['booleanValue']?.test).toEqual({
        op: 'EQ',
        operands: [{ type: 'boolean', value: true }],
      });
      expect(byAttribute['time']).toMatchObject({
        in: ['report', 'metadata'],
        test: { op: 'GE', operands: [{ type: 'time', value: '2026-01-01T00:00:00.000Z' }] },
      });
      expect(byAttribute['endTime']).toMatchObject({ in: ['metadata'], test: { op: 'LT' } });
      expect(byAttribute['percRank']?.test).toEqual({ op: 'GT', operands: [{ type: 'number', value: 50 }] });
      expect(byAttribute['hexBinaryValue']?.test).toEqual({
        op: 'EQ',
        operands: [
          { type: 'string', value: 'AB12' },
          { type: 'string', value: 'ab12' },
        ],
      });
      expect(problems('EQ_booleanValue=yes')).toEqual({
        '/query/EQ_booleanValue': 'EQ_booleanValue: must be true or false',
      });
    });

    it('reads orderBy, orderDirection and the count limits, and refuses what the standard refuses', () => {
      expect(parse('orderBy=eventTime').order).toEqual({ key: 'eventTime', direction: 'DESC' });
      expect(parse('orderBy=recordTime&orderDirection=ASC&eventCountLimit=3')).toMatchObject({
        order: { key: 'recordTime', direction: 'ASC' },
        eventCountLimit: 3,
      });
      expect(parse('orderBy=cbvmda:lotNumber').order?.key).toEqual({
        name: 'cbvmda:lotNumber',
        localName: 'lotNumber',
        namespace: 'urn:epcglobal:cbv:mda:',
      });
      expect(parse('maxEventCount=10').maxEventCount).toBe(10);
      expect(parse('').order).toBeUndefined();
      expect(problems('orderBy=colour')).toEqual({
        '/query/orderBy':
          'orderBy: "colour" is not eventTime, recordTime or an extension field (prefix:name)',
      });
      expect(problems('orderBy=eventTime&orderDirection=UP')).toEqual({
        '/query/orderDirection': 'orderDirection: must be ASC or DESC',
      });
      expect(problems('eventCountLimit=3')).toEqual({
        '/query/eventCountLimit': 'eventCountLimit: needs orderBy',
      });
      expect(problems('orderBy=eventTime&eventCountLimit=3&maxEventCount=5')).toEqual({
        '/query/eventCountLimit': 'eventCountLimit: may not be combined with maxEventCount',
      });
      expect(Object.keys(problems('maxEventCount=0'))).toEqual(['/query/maxEventCount']);
    });
  });

  describe('the order of the pages', () => {
    it.each([
      ['', 'eventTime', 'ASC'],
      ['GE_recordTime=2026-01-01T00:00:00Z', 'recordTime', 'ASC'],
      ['LT_recordTime=2026-01-01T00:00:00Z', 'recordTime', 'ASC'],
      ['GE_recordTime=2026-01-01T00:00:00Z&LT_eventTime=2026-02-01T00:00:00Z', 'eventTime', 'ASC'],
      ['GE_eventTime=2026-01-01T00:00:00Z', 'eventTime', 'ASC'],
      ['GE_recordTime=2026-01-01T00:00:00Z&orderBy=eventTime', 'eventTime', 'DESC'],
      ['orderBy=recordTime&orderDirection=ASC', 'recordTime', 'ASC'],
    ])('%s: by %s %s', (params, key, direction) => {
      expect(pageOrder(parse(params))).toEqual({ key, direction });
    });

    it('takes a page token of a record time window for that window only', () => {
      const window = 'GE_recordTime=2026-01-01T00:00:00Z';
      const first = parse(window);
      const eventHash = `ni:///sha-256;${'ab'.repeat(32)}?ver=CBV2.0`;
      const token = encodePageToken({
        keys: ['2026-01-02T00:00:00.000Z'],
        eventHash,
        served: 1,
        fingerprint: first.fingerprint,
      });
      expect(parse(`${window}&nextPageToken=${token}`).after).toEqual({
        keys: ['2026-01-02T00:00:00.000Z'],
        eventHash,
        served: 1,
      });
      expect(Object.keys(problems(`nextPageToken=${token}`))).toEqual(['/query/nextPageToken']);
    });
  });

  describe('the parameter families of the EPCIS 2.0 query schema', () => {
    it.each([
      ['EQ_ex:colour', 'event', false],
      ['EQ_ILMD_cbvmda:lotNumber', 'ilmd', false],
      ['EQ_INNER_ex:colour', 'event', true],
      ['EQ_INNER_ILMD_ex:colour', 'ilmd', true],
      ['EQ_ERROR_DECLARATION_ex:colour', 'errorDeclaration', false],
      ['EQ_INNER_ERROR_DECLARATION_ex:colour', 'errorDeclaration', true],
      ['EQ_readPoint_ex:colour', 'readPoint', false],
      ['EQ_INNER_readPoint_ex:colour', 'readPoint', true],
      ['EQ_bizLocation_ex:colour', 'bizLocation', false],
      ['EQ_INNER_bizLocation_ex:colour', 'bizLocation', true],
      ['EQ_SENSORELEMENT_ex:colour', 'sensorElement', false],
      ['EQ_SENSORMETADATA_ex:colour', 'sensorMetadata', false],
      ['EQ_SENSORREPORT_ex:colour', 'sensorReport', false],
      ['EQ_INNER_SENSORELEMENT_ex:colour', 'sensorElement', true],
      ['EQ_INNER_SENSORMETADATA_ex:colour', 'sensorMetadata', true],
      ['EQ_INNER_SENSORREPORT_ex:colour', 'sensorReport', true],
    ])('reads %s as a field of %s (inner: %s)', (name, scope, inner) => {
      const query = parse(`${name}=red|7`);
      const [filter] = [...query.fields, ...query.sensor.fields];
      expect(filter).toMatchObject({ scope, inner, test: { op: 'EQ' } });
      expect(filter?.field.localName).toBe(name.slice(name.lastIndexOf(':') + 1));
      // A value that reads as a number is compared as text and as a number.
      expect(filter?.test.op === 'EQ' && filter.test.operands).toEqual([
        { type: 'string', value: 'red' },
        { type: 'string', value: '7' },
        { type: 'number', value: 7 },
      ]);
    });

    it('resolves an EPCIS context prefix to its namespace and leaves others as written', () => {
      expect(parse('EQ_ILMD_cbvmda:lotNumber=L1').fields[0]?.field).toEqual({
        name: 'cbvmda:lotNumber',
        localName: 'lotNumber',
        namespace: 'urn:epcglobal:cbv:mda:',
      });
      expect(parse('EQ_ex:colour=red').fields[0]?.field).toEqual({ name: 'ex:colour', localName: 'colour' });
    });

    it('compares GT_/GE_/LT_/LE_ fields with one number or date-time', () => {
      expect(parse('GT_ex:count=5').fields[0]?.test).toEqual({
        op: 'GT',
        operands: [{ type: 'number', value: 5 }],
      });
      expect(parse('LE_ILMD_ex:bestBefore=2026-05-01T00:00:00%2B02:00').fields[0]?.test).toEqual({
        op: 'LE',
        operands: [{ type: 'time', value: '2026-04-30T22:00:00.000Z' }],
      });
      expect(parse('GE_SENSORREPORT_ex:battery=3.3').sensor.fields[0]).toMatchObject({
        scope: 'sensorReport',
      });
      expect(problems('GT_ex:count=many')).toEqual({
        '/query/GT_ex:count': 'GT_ex:count: takes one number or date-time with a time zone',
      });
    });

    it('reads EXISTS_ families without a value, and refuses the ones the schema does not have', () => {
      const query = parse('EXISTS_ex:colour&EXISTS_INNER_ILMD_ex:colour=true&EXISTS_SENSORMETADATA_ex:x');
      expect(query.fields.map((f) => [f.scope, f.inner, f.test])).toEqual([
        ['event', false, { op: 'EXISTS' }],
        ['ilmd', true, { op: 'EXISTS' }],
      ]);
      expect(query.sensor.fields).toMatchObject([{ scope: 'sensorMetadata', test: { op: 'EXISTS' } }]);
      expect(
        problems('EXISTS_readPoint_ex:colour&GT_bizLocation_ex:n=1&EXISTS_INNER_SENSORREPORT_ex:x'),
      ).toEqual({
        '/query/EXISTS_readPoint_ex:colour': 'EXISTS_readPoint_ex:colour: unknown parameter',
        '/query/GT_bizLocation_ex:n': 'GT_bizLocation_ex:n: unknown parameter',
        '/query/EXISTS_INNER_SENSORREPORT_ex:x': 'EXISTS_INNER_SENSORREPORT_ex:x: unknown parameter',
      });
    });

    it('reads sensor readings in a unit as the same reading in every comparable unit', () => {
      const query = parse('GE_value_CEL=8&EQ_value_FAH=41|50&LT_sDev_CEL=1');
      const [ge, eq, sDev] = query.sensor.measures;
      expect(ge).toMatchObject({ attribute: 'value', op: 'GE' });
      expect(ge?.measures[0]).toEqual(
        expect.arrayContaining([
          { uom: 'CEL', value: 8 },
          { uom: 'KEL', value: 281.15 },
          { uom: 'FAH', value: 46.4 },
        ]),
      );
      expect(eq?.measures.map((m) => m.find((u) => u.uom === 'CEL')?.value)).toEqual([5, 10]);
      expect(sDev?.measures[0]).toEqual(expect.arrayContaining([{ uom: 'FAH', value: 1.8 }]));
      expect(parse('GT_percValue_P1=90').sensor.measures[0]?.measures).toEqual([[{ uom: 'P1', value: 90 }]]);
      expect(problems('GE_value_celsius=8')).toEqual({
        '/query/GE_value_celsius': 'GE_value_celsius: "celsius" is not a UN/ECE Recommendation 20 unit code',
      });
      expect(problems('EQ_minValue_CEL=8')).toEqual({
        '/query/EQ_minValue_CEL': 'EQ_minValue_CEL: unknown parameter',
      });
    });

    it('reads quantities in a unit converted to every comparable unit', () => {
      const [filter] = parse('GE_quantity_KGM=2').quantities;
      expect(filter?.op).toBe('GE');
      const [value] = filter!.values;
      expect(value && 'measure' in value && value.measure).toEqual(
        expect.arrayContaining([
          { uom: 'KGM', value: 2 },
          { uom: 'GRM', value: 2000 },
        ]),
      );
    });

    it('takes master data parameters as filters that no event passes', () => {
      expect(
        parse('HASATTR_bizLocation=urn:epcglobal:cbv:mda#sst&EQ_ATTR_bizLocation_sst=201').masterDataFilters,
      ).toEqual(['HASATTR_bizLocation', 'EQ_ATTR_bizLocation_sst']);
    });
  });
});
