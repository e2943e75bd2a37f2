import { encodePageToken, parseEventQuery, QueryParameterError, type EventQuery } from './event-query';

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
    expect(problems('GE_quantity=3')).toEqual({ '/query/GE_quantity': 'GE_quantity: unknown parameter' });
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
    expect(query.bizLocations).toEqual(['https://id.gs1.org/414/0614141000012']);
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
    const token = encodePageToken({ eventTime: '2026-01-01T08:00:00.000Z', eventHash, fingerprint });
    expect(parse(`${filter}&nextPageToken=${token}`).after).toEqual({
      eventTime: new Date('2026-01-01T08:00:00.000Z'),
      eventHash,
    });
    const refused = { '/query/nextPageToken': 'nextPageToken: not a page token of this query' };
    expect(problems(`EQ_bizStep=receiving&nextPageToken=${token}`)).toEqual(refused);
    expect(problems(`${filter}&nextPageToken=not-a-token`)).toEqual(refused);
    // Forged with the right fingerprint (it is no secret), but a time or a hash the page query could not use.
    for (const forged of [
      { eventTime: 'not-a-date', eventHash, fingerprint },
      { eventTime: '2030-02-31T00:00:00Z', eventHash, fingerprint },
      { eventTime: '2026-01-01T08:00:00.000Z', eventHash: 'ni:///sha-256;abc\u0000?ver=CBV2.0', fingerprint },
    ]) {
      expect(problems(`${filter}&nextPageToken=${encodePageToken(forged)}`)).toEqual(refused);
    }
  });
});
