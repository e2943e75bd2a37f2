import { canonicalIdentifier } from '@pedigree/epcis';
import { uniqueSuffix } from '@pedigree/testing';
import { epcisDocument, eventually, GTIN, pack, PARTIES, SerializationUnderTest, story } from './harness';

/**
 * Appointed agents (docs/authorisation.md): the wholesaler lets a logistics provider capture for it. The provider is
 * the "other manufacturer" party here — a party with no relation to the packs.
 */
describe('serialization service: appointed agents (real Kafka and PostgreSQL)', () => {
  const sut = new SerializationUnderTest();
  let manufacturer: string;
  let wholesaler: string;
  let provider: string;
  let pharmacy: string;
  let regulator: string;
  const PROVIDER = PARTIES.otherManufacturer.party;

  beforeAll(async () => {
    await sut.start();
    manufacturer = await sut.token('manufacturer', ['manufacturer']);
    wholesaler = await sut.token('wholesaler', ['distributor']);
    provider = await sut.token('otherManufacturer', ['distributor']);
    pharmacy = await sut.token('pharmacy', ['dispenser']);
    regulator = await sut.token('regulator', ['regulator']);
  });
  afterAll(() => sut.stop());

  const call = (method: string, path: string, token: string, body?: unknown) =>
    fetch(`${sut.service.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  /** The wholesaler holds the case of `serials` (commissioned, packed and shipped by the manufacturer, received). */
  async function heldByWholesaler(serials: string[], caseNumber: number) {
    const s = story(serials, caseNumber);
    for (const event of [s.commission, s.packing, s.shipping])
      expect((await sut.capture(epcisDocument([event]), manufacturer)).status).toBe(202);
    expect((await sut.capture(epcisDocument([s.receiving]), wholesaler)).status).toBe(202);
    await eventually(
      () => sut.serial(GTIN, serials[0]!),
      (r) => r?.owner === PARTIES.wholesaler.party,
      'received by the wholesaler',
    );
  }

  const observe = (serial: string, disposition: string, eventTime: string) => ({
    eventTimeZoneOffset: '+01:00',
    type: 'ObjectEvent',
    action: 'OBSERVE',
    eventTime,
    epcList: [pack(serial)],
    disposition,
  });

  /** Captures `event` as `token`'s party and waits until the projector has stored it. */
  async function captured(event: Record<string, unknown>, token: string): Promise<void> {
    const response = await sut.capture(epcisDocument([event]), token);
    expect(response.status).toBe(202);
    const key = canonicalIdentifier(String((event.epcList as string[])[0]));
    const time = String(event.eventTime);
    await eventually(
      () =>
        sut.count(
          `SELECT count(*) AS n FROM events e JOIN event_epcs x ON x.event_hash = e.event_hash
           WHERE x.key = $1 AND e.event_time = $2::timestamptz`,
          [key, time],
        ),
      (n) => n === 1,
      `${String(event.disposition)} stored`,
    );
  }

  it('counts the agent’s events for the holder only while the appointment is in force', async () => {
    const serials = [1, 2, 3].map((n) => `AG${uniqueSuffix()}-${n}`);
    await heldByWholesaler(serials, 71);

    // Not appointed yet: the provider's report is an observation.
    await captured(observe(serials[0]!, 'damaged', '2026-03-04T10:00:00+01:00'), provider);
    expect(await sut.serial(GTIN, serials[0]!)).toMatchObject({
      status: 'active',
      owner: PARTIES.wholesaler.party,
    });

    const appointed = await call('POST', '/agents', wholesaler, { agent: `urn:epc:id:pgln:9506000.00000` });
    expect(appointed.status).toBe(201);
    expect(await appointed.json()).toMatchObject({
      principal: PARTIES.wholesaler.party,
      agent: PROVIDER,
      revokedAt: null,
    });

    // Appointed: the provider's event changes the wholesaler's pack, and the wholesaler keeps custody.
    await captured(observe(serials[1]!, 'damaged', '2026-03-04T11:00:00+01:00'), provider);
    await eventually(
      () => sut.serial(GTIN, serials[1]!),
      (r) => r?.status === 'damaged',
      'damaged by the agent',
    );
    expect(await sut.serial(GTIN, serials[1]!)).toMatchObject({ owner: PARTIES.wholesaler.party });
    // The event from before the appointment still does not count, even when the pack's history is replayed again.
    await captured(observe(serials[0]!, 'sellable_accessible', '2026-03-04T12:00:00+01:00'), wholesaler);
    expect(await sut.serial(GTIN, serials[0]!)).toMatchObject({ status: 'active' });

    // Ended: the provider's events no longer count; the ones captured while appointed still do.
    expect((await call('DELETE', `/agents/${PROVIDER}`, wholesaler)).status).toBe(200);
    await captured(observe(serials[2]!, 'stolen', '2026-03-04T13:00:00+01:00'), provider);
    expect(await sut.serial(GTIN, serials[2]!)).toMatchObject({ status: 'active' });
    await captured(observe(serials[1]!, 'sellable_accessible', '2026-03-04T14:00:00+01:00'), wholesaler);
    await eventually(
      () => sut.serial(GTIN, serials[1]!),
      (r) => r?.status === 'active',
      'the wholesaler’s own event after the agent’s',
    );
    expect((await call('DELETE', `/agents/${PROVIDER}`, wholesaler)).status).toBe(404);
  });

  it('lets the agent of a shipment’s named recipient receive it for the recipient', async () => {
    const serials = [1, 2].map((n) => `AR${uniqueSuffix()}-${n}`);
    await heldByWholesaler(serials, 72);
    expect((await call('POST', '/agents', pharmacy, { agent: PROVIDER })).status).toBe(201);
    const pharmacyParty = 'urn:epc:id:pgln:9521321.00000';
    const base = {
      eventTimeZoneOffset: '+01:00',
      type: 'ObjectEvent',
      action: 'OBSERVE',
      epcList: [pack(serials[0]!)],
    };
    await captured(
      {
        ...base,
        eventTime: '2026-03-05T10:00:00+01:00',
        bizStep: 'shipping',
        disposition: 'in_transit',
        destinationList: [{ type: 'owning_party', destination: pharmacyParty }],
      },
      wholesaler,
    );
    // The provider receives for the pharmacy, naming itself as owner: the pharmacy becomes the holder all the same.
    await captured(
      {
        ...base,
        eventTime: '2026-03-06T10:00:00+01:00',
        bizStep: 'receiving',
        disposition: 'sellable_accessible',
        destinationList: [{ type: 'owning_party', destination: 'urn:epc:id:pgln:9506000.00000' }],
      },
      provider,
    );
    await eventually(
      () => sut.serial(GTIN, serials[0]!),
      (r) => r?.owner === PARTIES.pharmacy.party,
      'received for the pharmacy',
    );
    // The pharmacy's agent has no say over the pack the wholesaler still holds.
    await captured(observe(serials[1]!, 'destroyed', '2026-03-06T11:00:00+01:00'), provider);
    expect(await sut.serial(GTIN, serials[1]!)).toMatchObject({
      status: 'active',
      owner: PARTIES.wholesaler.party,
    });
  });

  it('answers the appointments API: who may see, who may end, and bad input as problems', async () => {
    const other = await sut.token('otherManufacturer', ['manufacturer']);
    expect((await call('POST', '/agents', manufacturer, { agent: PARTIES.pharmacy.party })).status).toBe(201);
    const again = await call('POST', '/agents', manufacturer, { agent: PARTIES.pharmacy.party });
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toMatch(/application\/problem\+json/);

    const ownList = async (token: string) =>
      (
        (await (await call('GET', '/agents', token)).json()) as {
          appointments: Array<Record<string, unknown>>;
        }
      ).appointments;
    const mine = await ownList(manufacturer);
    expect(mine).toContainEqual(
      expect.objectContaining({ principal: PARTIES.manufacturer.party, agent: PARTIES.pharmacy.party }),
    );
    expect(
      mine.every((a) => a.principal === PARTIES.manufacturer.party || a.agent === PARTIES.manufacturer.party),
    ).toBe(true);
    expect(await ownList(pharmacy)).toContainEqual(
      expect.objectContaining({ principal: PARTIES.manufacturer.party }),
    );
    // A party neither principal nor agent of it does not see it; a regulator does.
    expect(await ownList(other)).not.toContainEqual(
      expect.objectContaining({ principal: PARTIES.manufacturer.party }),
    );
    expect(await ownList(regulator)).toContainEqual(
      expect.objectContaining({ principal: PARTIES.manufacturer.party }),
    );
    // Only the principal ends its appointment; the agent cannot.
    expect((await call('DELETE', `/agents/${PARTIES.pharmacy.party}`, other)).status).toBe(404);
    expect((await call('DELETE', `/agents/${PARTIES.manufacturer.party}`, pharmacy)).status).toBe(404);

    for (const [body, field] of [
      [{ agent: '0614141000006' }, 'agent'],
      [{ agent: 'not a party' }, 'agent'],
      [{ agent: PARTIES.manufacturer.party }, 'agent'],
      [{ agent: PARTIES.pharmacy.party, extra: 1 }, 'extra'],
      [{}, 'agent'],
    ] as const) {
      const response = await call('POST', '/agents', manufacturer, body);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ status: 400, field });
    }
    expect((await call('POST', '/agents', manufacturer, [1])).status).toBe(400);
    expect((await call('DELETE', '/agents/123', manufacturer)).status).toBe(400);
    expect((await call('POST', '/agents', regulator, { agent: PARTIES.pharmacy.party })).status).toBe(403);
  });
});
