import { uniqueSuffix } from '@pedigree/testing';
import { epcisDocument, eventually, pack, SerializationUnderTest, story } from './harness';

// The EPCIS 2.0 REST binding beyond GET /events: resource collections and their events, named queries, the capture
// job list, OPTIONS discovery, GS1-EPC-Format / GS1-CBV-XML-Format, and eventID uniqueness at capture (ADR 0020).
describe('serialization service: EPCIS REST binding (real Kafka and PostgreSQL)', () => {
  const sut = new SerializationUnderTest();
  const run = uniqueSuffix();
  const serials = [1, 2].map((n) => `R${run}-${n}`);
  const s = story(serials, 61);
  let manufacturer: string;
  let wholesaler: string;
  let pharmacy: string;
  let regulator: string;

  const json = async (path: string, token: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${sut.service.baseUrl}${path}`, {
      headers: { authorization: `Bearer ${token}`, ...headers },
    });
    return { response, body: (await response.json()) as Record<string, unknown> & { member?: string[] } };
  };
  const send = (method: string, path: string, token: string, body?: unknown) =>
    fetch(`${sut.service.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const eventList = (body: Record<string, unknown>) =>
    (body as { epcisBody: { queryResults: { resultsBody: { eventList: Array<Record<string, unknown>> } } } })
      .epcisBody.queryResults.resultsBody.eventList;

  beforeAll(async () => {
    await sut.start({ QUERY_MAX_PAGE_SIZE: '50' });
    manufacturer = await sut.token('manufacturer', ['manufacturer']);
    wholesaler = await sut.token('wholesaler', ['distributor']);
    pharmacy = await sut.token('pharmacy', ['dispenser']);
    regulator = await sut.token('regulator', ['regulator']);
    expect(
      (await sut.capture(epcisDocument([s.commission, s.packing, s.shipping]), manufacturer)).status,
    ).toBe(202);
    expect((await sut.capture(epcisDocument([s.receiving]), wholesaler)).status).toBe(202);
    await eventually(
      () => sut.count('SELECT count(*) AS n FROM events'),
      (n) => n === 4,
      'four events stored',
    );
  });
  afterAll(() => sut.stop());

  it('lists the business steps, dispositions and locations of the events each party may see, paged', async () => {
    const all = await json('/bizSteps', regulator);
    expect(all.response.status).toBe(200);
    expect(all.body).toMatchObject({
      type: 'Collection',
      member: ['commissioning', 'packing', 'receiving', 'shipping'],
    });
    // The pharmacy sees none of these events.
    expect((await json('/bizSteps', pharmacy)).body.member).toEqual([]);
    const first = await json('/bizSteps?perPage=3', regulator);
    expect(first.body.member).toEqual(['commissioning', 'packing', 'receiving']);
    const next = /<([^>]+)>; rel="next"/.exec(first.response.headers.get('link') ?? '')?.[1];
    expect((await json(next!, regulator)).body.member).toEqual(['shipping']);
    expect((await json('/dispositions', manufacturer)).body.member).toEqual([
      'active',
      'in_progress',
      'in_transit',
    ]);
    // The wholesaler sees the shipping (no bizLocation) and its receiving, not the manufacturer's own events.
    expect((await json('/bizLocations', wholesaler)).body.member).toEqual([
      'https://id.gs1.org/414/4012345000009',
    ]);
    expect((await json('/bizLocations', manufacturer)).body.member).toEqual([
      'https://id.gs1.org/414/0614141000005',
      'https://id.gs1.org/414/4012345000009',
    ]);
    expect(
      (await json('/readPoints', regulator, { 'GS1-EPC-Format': 'Always_EPC_URN' })).body.member,
    ).toEqual(['urn:epc:id:sgln:0614141.00000.0']);
    expect((await json('/eventTypes', pharmacy)).body.member).toEqual([
      'AggregationEvent',
      'AssociationEvent',
      'ObjectEvent',
      'TransactionEvent',
      'TransformationEvent',
    ]);
    expect((await json('/bizSteps?nextPageToken=bogus', regulator)).response.status).toBe(400);
  });

  it('lists EPCs as Digital Links or URNs, and serves each resource’s events with the /events filters', async () => {
    const epcs = await json('/epcs', manufacturer, { 'GS1-EPC-Format': 'Always_EPC_URN' });
    expect(epcs.body.member).toEqual(expect.arrayContaining([pack(serials[0]!), pack(serials[1]!)]));
    expect((await json('/epcs', pharmacy)).body.member).toEqual([]);
    expect((await json(`/epcs/${encodeURIComponent(pack(serials[0]!))}`, manufacturer)).body).toMatchObject({
      member: ['events'],
    });
    const shipping = await json('/bizSteps/shipping/events', regulator);
    expect(eventList(shipping.body).map((e) => e['bizStep'])).toEqual(['shipping']);
    const aggregations = await json('/eventTypes/AggregationEvent/events?EQ_bizStep=packing', regulator);
    expect(eventList(aggregations.body)).toHaveLength(1);
    const atWholesaler = await json(
      `/bizLocations/${encodeURIComponent('urn:epc:id:sgln:4012345.00000.0')}/events`,
      wholesaler,
    );
    expect(eventList(atWholesaler.body).map((e) => e['bizStep'])).toEqual(['receiving']);
    expect(eventList((await json('/dispositions/in_transit/events', pharmacy)).body)).toEqual([]);
    expect((await json('/bizSteps/shipping/events?EQ_bizStep=packing', regulator)).response.status).toBe(400);
    expect((await json('/eventTypes/NoEvent', regulator)).response.status).toBe(404);
  });

  it('writes identifiers as the GS1-EPC-Format header asks, and CBV values as GS1-CBV-XML-Format asks', async () => {
    const path = `/epcs/${encodeURIComponent(pack(serials[0]!))}/events?EQ_bizStep=commissioning`;
    for (const format of ['Never_Translates', 'No_Preference']) {
      const asStored = eventList((await json(path, manufacturer, { 'GS1-EPC-Format': format })).body)[0]!;
      expect(asStored['epcList']).toEqual(serials.map(pack));
    }
    const links = eventList(
      (await json(path, manufacturer, { 'GS1-EPC-Format': 'Always_GS1_Digital_Link' })).body,
    )[0]!;
    expect(links['epcList']).toEqual(serials.map((n) => `https://id.gs1.org/01/10614141073464/21/${n}`));
    expect(links['readPoint']).toEqual({ id: 'https://id.gs1.org/414/0614141000005' });
    // Without the header: Digital Links, the default of GS1's OpenAPI document.
    expect(eventList((await json(path, manufacturer)).body)[0]).toEqual(links);
    expect((await json(path, manufacturer, { 'GS1-EPC-Format': 'Sometimes' })).response.status).toBe(400);
    const xml = async (format?: string) =>
      (
        await fetch(`${sut.service.baseUrl}${path}`, {
          headers: {
            authorization: `Bearer ${manufacturer}`,
            accept: 'application/xml',
            ...(format ? { 'GS1-CBV-XML-Format': format } : {}),
          },
        })
      ).text();
    expect(await xml()).toContain('<bizStep>urn:epcglobal:cbv:bizstep:commissioning</bizStep>');
    expect(await xml('Always_Web_URI')).toContain(
      '<bizStep>https://ref.gs1.org/cbv/BizStep-commissioning</bizStep>',
    );
  });

  it('keeps named queries per party: create, list, read, answer, delete', async () => {
    const name = `shipped-${run}`;
    const definition = { name, query: { EQ_bizStep: ['shipping', 'receiving'], eventType: 'ObjectEvent' } };
    const created = await send('POST', '/queries', manufacturer, definition);
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/queries/${name}`);
    expect((await send('POST', '/queries', manufacturer, definition)).status).toBe(409);
    // Another party has names of its own.
    expect((await send('POST', '/queries', wholesaler, definition)).status).toBe(201);
    expect(
      (await send('POST', '/queries', manufacturer, { name: 'bad', query: { EQ_nothing_: 'x' } })).status,
    ).toBe(400);
    expect((await send('POST', '/queries', manufacturer, { name: 'a/b', query: {} })).status).toBe(400);

    const listed = (await json('/queries', manufacturer)).body as unknown as Array<{ name: string }>;
    expect(listed).toContainEqual(definition);
    expect((await json(`/queries/${name}`, manufacturer)).body).toEqual(definition);
    expect((await json(`/queries/${name}`, pharmacy)).response.status).toBe(404);

    // Both are parties of both events (source and destination); the pharmacy of neither.
    const manufacturerSees = eventList((await json(`/queries/${name}/events`, manufacturer)).body);
    expect(manufacturerSees.map((e) => e['bizStep'])).toEqual(['shipping', 'receiving']);
    expect((await send('POST', '/queries', pharmacy, definition)).status).toBe(201);
    expect(eventList((await json(`/queries/${name}/events`, pharmacy)).body)).toEqual([]);
    const wholesalerSees = eventList((await json(`/queries/${name}/events`, wholesaler)).body);
    expect(wholesalerSees.map((e) => e['bizStep']).sort()).toEqual(['receiving', 'shipping']);
    const paged = await json(`/queries/${name}/events?perPage=1`, wholesaler);
    expect(eventList(paged.body)).toHaveLength(1);
    expect(paged.response.headers.get('link')).toMatch(
      new RegExp(`^</queries/${name}/events\\?perPage=1&nextPageToken=`),
    );
    expect((await json(`/queries/${name}/events?EQ_bizStep=packing`, manufacturer)).response.status).toBe(
      400,
    );

    expect((await send('DELETE', `/queries/${name}`, manufacturer)).status).toBe(204);
    expect((await json(`/queries/${name}`, manufacturer)).response.status).toBe(404);
    expect((await json(`/queries/${name}`, wholesaler)).response.status).toBe(200);
    expect((await send('DELETE', `/queries/${name}`, manufacturer)).status).toBe(404);
  });

  it('lists the caller’s capture jobs, newest first, paged', async () => {
    const jobs = (await json('/capture', manufacturer)).body as unknown as Array<{ captureID: string }>;
    expect(jobs).toHaveLength(1);
    const wholesalerJobs = (await json('/capture?perPage=1', wholesaler)).body as unknown as unknown[];
    expect(wholesalerJobs).toHaveLength(1);
    expect((await json('/capture', pharmacy)).body).toEqual([]);
    expect((await json('/capture?perPage=0', manufacturer)).response.status).toBe(400);
  });

  it('answers OPTIONS, without a token, with the methods and the GS1 discovery headers', async () => {
    const options = (path: string) =>
      fetch(`${sut.service.baseUrl}${path}`, {
        method: 'OPTIONS',
        headers: { authorization: `Bearer ${regulator}` },
      });
    const capture = await options('/capture');
    expect(capture.status).toBe(204);
    expect(capture.headers.get('allow')).toBe('OPTIONS, GET, POST');
    expect(capture.headers.get('gs1-epcis-version')).toBe('2.0.0');
    expect(capture.headers.get('gs1-cbv-version')).toBe('2.0.0');
    expect(capture.headers.get('gs1-epcis-capture-limit')).toMatch(/^\d+$/);
    expect(capture.headers.get('gs1-epcis-capture-file-size-limit')).toMatch(/^\d+$/);
    expect(capture.headers.has('gs1-extensions')).toBe(true);
    expect((await options('/bizSteps/shipping/events')).headers.get('allow')).toBe('OPTIONS, GET');
    expect((await options('/queries/x')).headers.get('allow')).toBe('OPTIONS, GET, DELETE');
  });

  it('refuses another event and the same event again under a captured eventID (409), accepts its error declaration', async () => {
    const eventID = `urn:uuid:${crypto.randomUUID()}`;
    const observation = (serial: string) => ({
      type: 'ObjectEvent',
      action: 'OBSERVE',
      eventID,
      eventTime: '2026-03-04T10:00:00+01:00',
      eventTimeZoneOffset: '+01:00',
      epcList: [pack(serial)],
      bizStep: 'inspecting',
    });
    expect((await sut.capture(epcisDocument([observation(serials[0]!)]), manufacturer)).status).toBe(202);
    const again = await sut.capture(epcisDocument([observation(serials[0]!)]), manufacturer);
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({
      type: 'epcisException:ResourceAlreadyExistsException',
      errors: [
        { pointer: '/epcisBody/eventList/0/eventID', detail: `eventID ${eventID} is already captured` },
      ],
    });
    const other = await sut.capture(epcisDocument([observation(serials[1]!)]), manufacturer);
    expect(other.status).toBe(409);
    expect(await other.json()).toMatchObject({
      type: 'epcisException:ResourceAlreadyExistsException',
      errors: [{ pointer: '/epcisBody/eventList/0/eventID' }],
    });
    const single = await fetch(`${sut.service.baseUrl}/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${wholesaler}`, 'content-type': 'application/ld+json' },
      body: JSON.stringify(observation(serials[1]!)),
    });
    expect(single.status).toBe(409);
    const declared = {
      ...observation(serials[0]!),
      errorDeclaration: { declarationTime: '2026-03-05T10:00:00Z', reason: 'incorrect_data' },
    };
    expect((await sut.capture(epcisDocument([declared]), manufacturer)).status).toBe(202);
    await eventually(
      () =>
        sut.count('SELECT count(*) AS n FROM events WHERE event_id = $1 AND error_declared_at IS NOT NULL', [
          eventID,
        ]),
      (n) => n === 1,
      'the event retracted',
    );
    expect(await sut.count('SELECT count(*) AS n FROM events WHERE event_id = $1', [eventID])).toBe(1);
  });
});
