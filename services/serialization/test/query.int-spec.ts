import { canonicalIdentifier, documentEventHashes } from '@pedigree/epcis';
import { uniqueSuffix } from '@pedigree/testing';
import { EPCIS_CONTEXT, epcisDocument, eventually, pack, SerializationUnderTest, story } from './harness';

interface QueryDocument {
  type: string;
  epcisBody: {
    queryResults: { queryName: string; resultsBody: { eventList: Array<Record<string, unknown>> } };
  };
}

describe('serialization service: EPCIS query (real Kafka and PostgreSQL)', () => {
  const sut = new SerializationUnderTest();
  const serials = [1, 2, 3].map((n) => `Q${uniqueSuffix()}-${n}`);
  const s = story(serials, 51);
  let manufacturer: string;
  let wholesaler: string;
  let pharmacy: string;
  let regulator: string;
  const hashOf = (event: object) =>
    documentEventHashes(epcisDocument([event]) as Record<string, unknown>)[0]!;

  beforeAll(async () => {
    await sut.start({ QUERY_MAX_PAGE_SIZE: '50' });
    manufacturer = await sut.token('manufacturer', ['manufacturer']);
    wholesaler = await sut.token('wholesaler', ['distributor']);
    pharmacy = await sut.token('pharmacy', ['dispenser']);
    regulator = await sut.token('regulator', ['regulator']);
    for (const [event, token] of [
      [s.commission, manufacturer],
      [s.packing, manufacturer],
      [s.shipping, manufacturer],
      [s.receiving, wholesaler],
      [s.unpacking, wholesaler],
      [s.dispensing, pharmacy],
    ] as const) {
      expect((await sut.capture(epcisDocument([event]), token)).status).toBe(202);
    }
    await eventually(
      () => sut.count('SELECT count(*) AS n FROM events'),
      (n) => n === 6,
      'six events stored',
    );
  });
  afterAll(() => sut.stop());

  const query = async (params: string, token = regulator) => {
    const response = await sut.get(`/events?${params}`, token);
    const body = (await response.json()) as QueryDocument;
    return {
      response,
      body,
      hashes: body.epcisBody?.queryResults.resultsBody.eventList.map((e) => hashOf(e)) ?? [],
    };
  };

  it('answers an EPCISQueryDocument that GS1 tooling can read back, hashes intact', async () => {
    const { response, body, hashes } = await query('');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/ld\+json/);
    expect(body).toMatchObject({
      type: 'EPCISQueryDocument',
      schemaVersion: '2.0',
      epcisBody: { queryResults: { queryName: 'SimpleEventQuery' } },
    });
    expect(hashes).toEqual(
      [s.commission, s.packing, s.shipping, s.receiving, s.unpacking, s.dispensing].map(hashOf),
    );
  });

  it.each([
    ['eventType=AggregationEvent', ['packing', 'unpacking']],
    ['eventType=ObjectEvent|AggregationEvent&EQ_action=DELETE', ['unpacking']],
    ['EQ_bizStep=shipping|https://ref.gs1.org/cbv/BizStep-receiving', ['shipping', 'receiving']],
    ['EQ_disposition=urn:epcglobal:cbv:disp:dispensed', ['dispensing']],
    ['GE_eventTime=2026-03-02T00:00:00Z&LT_eventTime=2026-03-03T10:30:00%2B01:00', ['shipping', 'receiving']],
    [
      `EQ_bizLocation=${encodeURIComponent('https://id.gs1.org/414/4012345000009')}`,
      ['receiving', 'unpacking'],
    ],
    [`MATCH_epc=${encodeURIComponent(pack(serials[0]!))}`, ['commission', 'packing', 'dispensing']],
    [
      `MATCH_epc=${encodeURIComponent('urn:epc:idpat:sgtin:0614141.107346.*')}&EQ_bizStep=dispensing`,
      ['dispensing'],
    ],
    [
      `MATCH_parentID=${encodeURIComponent(canonicalIdentifier(s.packing.parentID))}`,
      ['packing', 'unpacking'],
    ],
    [
      `MATCH_anyEPC=${encodeURIComponent(s.packing.parentID)}`,
      ['packing', 'shipping', 'receiving', 'unpacking'],
    ],
    ['EQ_destination_owning_party=urn:epc:id:pgln:4012345.00000', ['shipping', 'receiving']],
  ])('filters with %s', async (params, expected) => {
    const { response, hashes } = await query(params);
    expect(response.status).toBe(200);
    expect(hashes).toEqual(expected.map((name) => hashOf(s[name as keyof typeof s])));
  });

  it('pages with perPage and a Link header carrying nextPageToken', async () => {
    const pages = await sut.eventPages('/events?perPage=4', regulator);
    expect(pages.map((page) => page.length)).toEqual([4, 2]);
    expect(pages.flat().map(hashOf)).toEqual(
      [s.commission, s.packing, s.shipping, s.receiving, s.unpacking, s.dispensing].map(hashOf),
    );
  });

  it('lets each party see only the events it captured or is named in; regulators see all', async () => {
    expect((await query('', pharmacy)).hashes).toEqual([hashOf(s.dispensing)]);
    expect((await query('', wholesaler)).hashes).toEqual([s.shipping, s.receiving, s.unpacking].map(hashOf));
    expect((await query('', manufacturer)).hashes).toEqual(
      [s.commission, s.packing, s.shipping, s.receiving].map(hashOf),
    );
  });

  it('serves the events of one EPC, given as EPC URI or Digital Link, and single events by ID', async () => {
    const viaDl = await sut.get(
      `/epcs/${encodeURIComponent(`https://example.org/01/10614141073464/21/${serials[0]}`)}/events`,
      regulator,
    );
    const viaEpc = await sut.get(
      `/epcs/${encodeURIComponent(pack(serials[0]!))}/events?eventType=ObjectEvent`,
      regulator,
    );
    const hashesOf = async (r: Response) =>
      ((await r.json()) as QueryDocument).epcisBody.queryResults.resultsBody.eventList.map(hashOf);
    expect(await hashesOf(viaDl)).toEqual([s.commission, s.packing, s.dispensing].map(hashOf));
    expect(await hashesOf(viaEpc)).toEqual([s.commission, s.dispensing].map(hashOf));

    const id = hashOf(s.dispensing);
    const one = await sut.get(`/events/${encodeURIComponent(id)}`, pharmacy);
    expect(one.status).toBe(200);
    expect(await one.json()).toMatchObject({
      '@context': [EPCIS_CONTEXT, {}],
      type: 'ObjectEvent',
      eventID: id,
    });
    expect((await sut.get(`/events/${encodeURIComponent(hashOf(s.commission))}`, pharmacy)).status).toBe(404);
  });

  it('answers EPCIS 2.0 XML when asked for it', async () => {
    const response = await sut.get('/events?EQ_bizStep=packing', regulator, 'application/xml');
    expect(response.headers.get('content-type')).toMatch(/^application\/xml/);
    const xml = await response.text();
    expect(xml).toContain('EPCISQueryDocument');
    // Identifiers as GS1 Digital Links, GS1's default without GS1-EPC-Format; as captured when asked.
    expect(xml).toContain('<parentID>https://id.gs1.org/00/106141410000000514</parentID>');
    const asCaptured = await fetch(`${sut.service.baseUrl}/events?EQ_bizStep=packing`, {
      headers: {
        authorization: `Bearer ${regulator}`,
        accept: 'application/xml',
        'GS1-EPC-Format': 'Never_Translates',
      },
    });
    expect(await asCaptured.text()).toContain('<parentID>urn:epc:id:sscc:0614141.1000000051</parentID>');
  });

  it.each([
    ['an unknown parameter', 'EQ_colour=red', '/query/EQ_colour'],
    ['a bad time', 'GE_eventTime=yesterday', '/query/GE_eventTime'],
    ['an unknown event type', 'eventType=PartyEvent', '/query/eventType'],
    ['a bad action', 'EQ_action=SHOUT', '/query/EQ_action'],
    ['a page size above the limit', 'perPage=51', '/query/perPage'],
    ['a forged page token', 'nextPageToken=abc', '/query/nextPageToken'],
  ])('rejects %s with a QueryParameterException', async (_name, params, pointer) => {
    const { response, body } = await query(params);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(body).toMatchObject({
      type: 'epcisException:QueryParameterException',
      errors: [expect.objectContaining({ pointer })],
    });
  });

  it('needs a token', async () => {
    const response = await fetch(`${sut.service.baseUrl}/events`);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ type: 'epcisException:SecurityException' });
  });
});
