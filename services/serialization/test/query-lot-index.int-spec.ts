import { documentEventHashes } from '@pedigree/epcis';
import { EPCIS_CONTEXT, epcisDocument, eventually, pack, SerializationUnderTest } from './harness';

/**
 * EQ_ILMD_cbvmda:lotNumber preselects its events by the lot number index of migration 0016, then tests them exactly.
 * Events the index cannot give one lot for (several values, several spellings of the field) are still found, and a
 * value that reads as a number still matches the number it is equal to.
 */
const MDA_CONTEXT = [EPCIS_CONTEXT, { mda: 'urn:epcglobal:cbv:mda:' }];
const commissioning = (serial: string, eventTime: string, ilmd: Record<string, unknown>) => ({
  type: 'ObjectEvent',
  action: 'ADD',
  eventTime,
  eventTimeZoneOffset: '+00:00',
  epcList: [pack(serial)],
  bizStep: 'commissioning',
  disposition: 'active',
  ilmd,
});
const EVENTS = {
  plain: commissioning('LI1', '2026-05-01T08:00:00Z', { 'cbvmda:lotNumber': 'LOT-R' }),
  otherPrefix: commissioning('LI2', '2026-05-01T09:00:00Z', { 'mda:lotNumber': 'LOT-R' }),
  twoValues: commissioning('LI3', '2026-05-01T10:00:00Z', { 'cbvmda:lotNumber': ['LOT-R', 'LOT-S'] }),
  twoSpellings: commissioning('LI4', '2026-05-01T11:00:00Z', {
    'cbvmda:lotNumber': 'LOT-S',
    'urn:epcglobal:cbv:mda:lotNumber': 'LOT-U',
  }),
  numeric: commissioning('LI5', '2026-05-01T12:00:00Z', { 'cbvmda:lotNumber': 12345 }),
};
type Name = keyof typeof EVENTS;
const contextOf = (name: Name) => (name === 'otherPrefix' ? MDA_CONTEXT : EPCIS_CONTEXT);

describe('serialization service: EQ_ILMD_cbvmda:lotNumber through the lot number index (real Kafka and PostgreSQL)', () => {
  const sut = new SerializationUnderTest();
  const nameOf = Object.fromEntries(
    (Object.keys(EVENTS) as Name[]).map((name) => [
      documentEventHashes(epcisDocument([EVENTS[name]], contextOf(name)) as Record<string, unknown>)[0]!,
      name,
    ]),
  );
  let manufacturer: string;
  let wholesaler: string;

  let stored = 0;
  const capture = async (names: Name[]) => {
    for (const name of names)
      expect((await sut.capture(epcisDocument([EVENTS[name]], contextOf(name)), manufacturer)).status).toBe(
        202,
      );
    stored += names.length;
    await eventually(
      () => sut.count('SELECT count(*) AS n FROM events'),
      (n) => n === stored,
      `${names.join(', ')} stored`,
    );
  };
  const lot = async (value: string, token = manufacturer) => {
    const response = await sut.get(`/events?EQ_ILMD_cbvmda:lotNumber=${encodeURIComponent(value)}`, token);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      epcisBody: { queryResults: { resultsBody: { eventList: Array<{ eventID: string }> } } };
    };
    return body.epcisBody.queryResults.resultsBody.eventList.map((e) => nameOf[e.eventID] ?? e.eventID);
  };

  beforeAll(async () => {
    await sut.start();
    manufacturer = await sut.token('manufacturer', ['manufacturer']);
    wholesaler = await sut.token('wholesaler', ['distributor']);
  });
  afterAll(() => sut.stop());

  it('finds a lot under its prefix and under a prefix the event declares, before any irregular event exists', async () => {
    await capture(['plain', 'otherPrefix']);
    expect(
      await sut.count(
        `SELECT count(*) AS n FROM events WHERE document ? 'ilmd' AND event_lot_number(document, namespaces) = '*'`,
      ),
    ).toBe(0);
    expect(await lot('LOT-R')).toEqual(['plain', 'otherPrefix']);
    expect(await lot('LOT-R', wholesaler)).toEqual([]);
  });

  it('finds events with several lot numbers or spellings, and numbers equal to the value', async () => {
    await capture(['twoValues', 'twoSpellings', 'numeric']);
    expect(await lot('LOT-R')).toEqual(['plain', 'otherPrefix', 'twoValues']);
    expect(await lot('LOT-S')).toEqual(['twoValues', 'twoSpellings']);
    expect(await lot('LOT-U')).toEqual(['twoSpellings']);
    expect(await lot('12345.0')).toEqual(['numeric']);
    expect(await lot('LOT-R|LOT-U')).toEqual(['plain', 'otherPrefix', 'twoValues', 'twoSpellings']);
  });
});
