import { documentEventHashes } from '@pedigree/epcis';
import { uniqueSuffix } from '@pedigree/testing';
import { epcisDocument, eventually, pack, SerializationUnderTest } from './harness';

/**
 * Pages of a filter on one source or destination: its rows of event_endpoints walked in the page's order, kept to what
 * the caller may see in the index, a window of five rows per event the page needs (the page itself when the rows
 * answer every filter), and read by the GIN index when a filter the rows do not answer leaves the window short
 * (migration 0022, ADR 0015).
 */
describe('serialization service: pages of a source or destination filter (real Kafka and PostgreSQL)', () => {
  const sut = new SerializationUnderTest();
  const suffix = uniqueSuffix();
  const pharmacyPgln = 'urn:epc:id:pgln:9521321.00000';
  const wholesalerPgln = 'urn:epc:id:pgln:4012345.00000';
  const at = (minute: number) => new Date(Date.UTC(2026, 5, 1, 8, minute)).toISOString();
  const shipment = (serial: string, minute: number, extra: object = {}) => ({
    type: 'ObjectEvent',
    action: 'OBSERVE',
    eventTime: at(minute),
    eventTimeZoneOffset: '+00:00',
    epcList: [pack(`E${suffix}-${serial}`)],
    bizStep: 'shipping',
    disposition: 'in_transit',
    destinationList: [{ type: 'owning_party', destination: pharmacyPgln }],
    ...extra,
  });
  // Six shipments of the manufacturer to the pharmacy, then six of the wholesaler (which names itself as source), then
  // the wholesaler's inspection of goods for the pharmacy: the 13th event with the pharmacy as destination.
  const byManufacturer = Array.from({ length: 6 }, (_, i) => shipment(`M${i}`, 1 + i));
  const byWholesaler = Array.from({ length: 6 }, (_, i) =>
    shipment(`W${i}`, 11 + i, { sourceList: [{ type: 'owning_party', source: wholesalerPgln }] }),
  );
  const inspection = shipment('X', 20, {
    bizStep: 'inspecting',
    disposition: 'active',
    persistentDisposition: { set: ['completeness_verified'] },
  });
  const hashOf = (event: object) =>
    documentEventHashes(epcisDocument([event]) as Record<string, unknown>)[0]!;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    await sut.start({ QUERY_MAX_PAGE_SIZE: '50' });
    tokens['admin'] = await sut.token('regulator', ['admin']);
    tokens['manufacturer'] = await sut.token('manufacturer', ['manufacturer']);
    tokens['wholesaler'] = await sut.token('wholesaler', ['distributor']);
    tokens['pharmacy'] = await sut.token('pharmacy', ['dispenser']);
    tokens['otherManufacturer'] = await sut.token('otherManufacturer', ['manufacturer']);
    expect((await sut.capture(epcisDocument(byManufacturer), tokens['manufacturer'])).status).toBe(202);
    expect(
      (await sut.capture(epcisDocument([...byWholesaler, inspection]), tokens['wholesaler'])).status,
    ).toBe(202);
    await eventually(
      () => sut.count(`SELECT count(*) AS n FROM event_endpoints WHERE id = '${pharmacyPgln}'`),
      (n) => n === 13,
      'thirteen events to the pharmacy',
    );
  });
  afterAll(() => sut.stop());

  const pages = async (first: string, who: string) =>
    (await sut.eventPages(first, tokens[who]!)).map((page) => page.map((e) => e['eventID'] as string));
  const toPharmacy = `EQ_destination_owning_party=${encodeURIComponent(pharmacyPgln)}`;
  const all = [...byManufacturer, ...byWholesaler, inspection].map(hashOf);

  it('pages through the events of a destination in event time order, each caller only what it may see', async () => {
    expect(await pages(`/events?${toPharmacy}&perPage=4`, 'admin')).toEqual([
      all.slice(0, 4),
      all.slice(4, 8),
      all.slice(8, 12),
      all.slice(12),
    ]);
    expect((await pages(`/events?${toPharmacy}&perPage=4`, 'pharmacy')).flat()).toEqual(all);
    expect((await pages(`/events?${toPharmacy}&perPage=4`, 'manufacturer')).flat()).toEqual(all.slice(0, 6));
    expect((await pages(`/events?${toPharmacy}&perPage=4`, 'wholesaler')).flat()).toEqual(all.slice(6));
    expect((await pages(`/events?${toPharmacy}&perPage=4`, 'otherManufacturer')).flat()).toEqual([]);
  });

  it('walks backwards, in record time order and within time bounds', async () => {
    expect((await pages(`/events?${toPharmacy}&orderBy=eventTime&perPage=5`, 'pharmacy')).flat()).toEqual(
      [...all].reverse(),
    );
    // Two captures: the manufacturer's events were recorded first, each capture's in hash order.
    const since = `GE_recordTime=${encodeURIComponent('2000-01-01T00:00:00Z')}`;
    expect((await pages(`/events?${toPharmacy}&${since}&perPage=5`, 'admin')).flat()).toEqual([
      ...all.slice(0, 6).sort(),
      ...all.slice(6).sort(),
    ]);
    const window = `GE_eventTime=${encodeURIComponent(at(5))}&LT_eventTime=${encodeURIComponent(at(15))}`;
    expect((await pages(`/events?${toPharmacy}&${window}&perPage=2`, 'pharmacy')).flat()).toEqual(
      all.slice(4, 10),
    );
  });

  it('walks a source too, and filters the events it walks', async () => {
    const fromWholesaler = `EQ_source_owning_party=${encodeURIComponent(wholesalerPgln)}`;
    expect((await pages(`/events?${fromWholesaler}&perPage=4`, 'pharmacy')).flat()).toEqual(all.slice(6, 12));
    expect((await pages(`/events?${toPharmacy}&EQ_bizStep=inspecting&perPage=5`, 'admin')).flat()).toEqual([
      hashOf(inspection),
    ]);
  });

  it('finds the one event a filter the rows do not answer selects beyond the walked window (a window of 10)', async () => {
    const query = `/events?${toPharmacy}&EQ_persistentDisposition_set=completeness_verified&perPage=1`;
    expect(await pages(query, 'pharmacy')).toEqual([[hashOf(inspection)]]);
    expect(await pages(query, 'admin')).toEqual([[hashOf(inspection)]]);
  });
});
