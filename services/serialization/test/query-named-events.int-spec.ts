import { documentEventHashes } from '@pedigree/epcis';
import { uniqueSuffix } from '@pedigree/testing';
import { epcisDocument, eventually, pack, PARTIES, SerializationUnderTest } from './harness';

/**
 * A party's pages of the events others captured that name it as a source or destination: read by walking its rows of
 * event_parties in the page’s order, skipping in the index the rows that fail the filters they answer (event columns,
 * ILMD, sensor elements), a window of five rows per event the page needs, and all at once by the GIN index when a
 * filter the rows do not answer leaves the window short (migrations 0019, 0021, ADR 0015).
 */
describe('serialization service: pages of the events that name a party (real Kafka and PostgreSQL)', () => {
  const sut = new SerializationUnderTest();
  const suffix = uniqueSuffix();
  const packs = Array.from({ length: 27 }, (_, i) => pack(`N${suffix}-${i}`));
  const at = (minute: number) => new Date(Date.UTC(2026, 4, 1, 8, minute)).toISOString();
  const toWholesaler = {
    destinationList: [{ type: 'owning_party', destination: 'urn:epc:id:pgln:4012345.00000' }],
  };
  const lot = { 'cbvmda:lotNumber': `L${suffix}` };
  const commissioning = {
    type: 'ObjectEvent',
    action: 'ADD',
    eventTime: at(0),
    eventTimeZoneOffset: '+00:00',
    epcList: packs.slice(0, 26),
    bizStep: 'commissioning',
    disposition: 'active',
    ilmd: lot,
  };
  // 25 shipments to the wholesaler, then an inspection and a commissioning (of the same lot) that name it: the 26th and
  // 27th of its named events.
  const shipments = packs.slice(0, 25).map((epc, i) => ({
    type: 'ObjectEvent',
    action: 'OBSERVE',
    eventTime: at(1 + i),
    eventTimeZoneOffset: '+00:00',
    epcList: [epc],
    bizStep: 'shipping',
    disposition: 'in_transit',
    ...toWholesaler,
  }));
  const inspection = {
    type: 'ObjectEvent',
    action: 'OBSERVE',
    eventTime: at(30),
    eventTimeZoneOffset: '+00:00',
    epcList: [packs[25]],
    bizStep: 'inspecting',
    persistentDisposition: { set: ['completeness_verified'] },
    ...toWholesaler,
  };
  const commissionedForIt = { ...commissioning, eventTime: at(32), epcList: [packs[26]], ...toWholesaler };
  const named = [...shipments, inspection, commissionedForIt];
  const hashOf = (event: object) =>
    documentEventHashes(epcisDocument([event]) as Record<string, unknown>)[0]!;
  let manufacturer: string;
  let wholesaler: string;

  beforeAll(async () => {
    await sut.start({ QUERY_MAX_PAGE_SIZE: '50' });
    manufacturer = await sut.token('manufacturer', ['manufacturer']);
    wholesaler = await sut.token('wholesaler', ['distributor']);
    expect((await sut.capture(epcisDocument([commissioning, ...named]), manufacturer)).status).toBe(202);
    await eventually(
      () => sut.count(`SELECT count(*) AS n FROM event_parties WHERE party = '${PARTIES.wholesaler.party}'`),
      (n) => n === 27,
      'the wholesaler named in 27 events',
    );
  });
  afterAll(() => sut.stop());

  const pages = async (first: string) =>
    (await sut.eventPages(first, wholesaler)).map((page) => page.map((e) => e['eventID'] as string));
  const since = `GE_recordTime=${encodeURIComponent('2000-01-01T00:00:00Z')}`;

  it('finds the one event a filter of its rows selects, however far the walk goes', async () => {
    expect(await pages('/events?EQ_bizStep=inspecting&perPage=1')).toEqual([[hashOf(inspection)]]);
    expect(await pages(`/events?${since}&EQ_bizStep=inspecting&perPage=1`)).toEqual([[hashOf(inspection)]]);
    expect(await pages('/events?EQ_bizStep=inspecting&orderBy=eventTime&perPage=1')).toEqual([
      [hashOf(inspection)],
    ]);
    expect(await pages('/events?EQ_action=ADD&perPage=1')).toEqual([[hashOf(commissionedForIt)]]);
    // The manufacturer's commissioning of the lot does not name the wholesaler: only the one that does is its.
    expect(await pages(`/events?EQ_ILMD_cbvmda:lotNumber=L${suffix}&perPage=1`)).toEqual([
      [hashOf(commissionedForIt)],
    ]);
  });

  it('finds the one event a filter its rows do not answer selects beyond the walked window (a window of 10)', async () => {
    const query = '/events?EQ_persistentDisposition_set=completeness_verified&perPage=1';
    expect(await pages(query)).toEqual([[hashOf(inspection)]]);
    expect(await pages(`${query}&orderBy=eventTime`)).toEqual([[hashOf(inspection)]]);
  });

  it('pages through every event that names it, in event time order and backwards, by walking', async () => {
    const inOrder = named.map(hashOf);
    expect((await pages('/events?perPage=4')).flat()).toEqual(inOrder);
    expect((await pages('/events?orderBy=eventTime&perPage=7')).flat()).toEqual([...inOrder].reverse());
    // One capture: one record time, so record time order is hash order.
    expect((await pages(`/events?${since}&perPage=5`)).flat()).toEqual([...inOrder].sort());
    expect((await pages('/events?EQ_bizStep=shipping&perPage=3')).flat()).toEqual(shipments.map(hashOf));
  });

  it('gives an event inserted without the projector (as a release before migration 0019 would) its rows (event_parties without its capturer, event_endpoints)', async () => {
    const db = await sut.connect();
    try {
      const copy = `INSERT INTO events (event_hash, event_id, event_type, action, biz_step, disposition, event_time,
           record_time, read_point, biz_location, captured_by, captured_by_roles, captured_by_gcps, appointed_by,
           capture_id, parties, biz_transactions, sources, destinations, error_declared_at, document, namespaces)
         SELECT $2, event_id, event_type, action, biz_step, disposition, event_time, record_time, read_point,
           biz_location, captured_by, captured_by_roles, captured_by_gcps, appointed_by, capture_id,
           ARRAY[$3, $3, captured_by]::text[], biz_transactions, sources, destinations, error_declared_at, document, namespaces
         FROM events WHERE event_hash = $1`;
      await db.query(copy, [hashOf(inspection), 'ni:///sha-256;trigger-test', '9999999999994']);
      const { rows } = await db.query<{ party: string; same: boolean }>(
        `SELECT p.party, (p.event_time, p.record_time, p.event_type, p.action, p.biz_step, p.disposition,
             p.read_point, p.biz_location, p.has_ilmd, p.has_sensor_elements)
           IS NOT DISTINCT FROM (e.event_time, e.record_time, e.event_type, e.action, e.biz_step, e.disposition,
             e.read_point, e.biz_location, e.document ? 'ilmd', e.document ? 'sensorElementList') AS same
         FROM event_parties p JOIN events e ON e.event_hash = p.event_hash WHERE p.event_hash = $1`,
        ['ni:///sha-256;trigger-test'],
      );
      expect(rows).toEqual([{ party: '9999999999994', same: true }]);
      const endpoints = await db.query(
        'SELECT side, type, id, captured_by, parties FROM event_endpoints WHERE event_hash = $1',
        ['ni:///sha-256;trigger-test'],
      );
      expect(endpoints.rows).toEqual([
        {
          side: 'destination',
          type: 'owning_party',
          id: 'urn:epc:id:pgln:4012345.00000',
          captured_by: PARTIES.manufacturer.party,
          parties: ['9999999999994', '9999999999994', PARTIES.manufacturer.party],
        },
      ]);
    } finally {
      await db.end();
    }
  });

  it('bounds the walk by the query’s times', async () => {
    const window = `GE_eventTime=${encodeURIComponent(at(10))}&LT_eventTime=${encodeURIComponent(at(31))}`;
    expect((await pages(`/events?${window}&perPage=2`)).flat()).toEqual(named.slice(9, 26).map(hashOf));
  });
});
