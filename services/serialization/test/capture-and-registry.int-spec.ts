import { gs1StandardsPath } from '@pedigree/gs1';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { topicsWithPrefix } from '@pedigree/contracts';
import { canonicalIdentifier, documentEventHashes, type EpcisEvent } from '@pedigree/epcis';
import { createKafkaClient, EnvelopeProducer } from '@pedigree/kafka';
import { createLogger } from '@pedigree/observability';
import { kafkaBrokers, uniqueSuffix } from '@pedigree/testing';
import {
  caseOf,
  epcisDocument,
  eventually,
  GTIN,
  pack,
  PARTIES,
  SerializationUnderTest,
  story,
} from './harness';

const EXAMPLES = gs1StandardsPath('gs1-epcis/examples');

describe('serialization service: capture → Kafka → registry (real Kafka and PostgreSQL)', () => {
  const sut = new SerializationUnderTest();
  let manufacturer: string;
  let wholesaler: string;
  let pharmacy: string;
  let admin: string;

  beforeAll(async () => {
    await sut.start({ CAPTURE_MAX_EVENTS: '500' });
    manufacturer = await sut.token('manufacturer', ['manufacturer']);
    wholesaler = await sut.token('wholesaler', ['distributor']);
    pharmacy = await sut.token('pharmacy', ['dispenser']);
    admin = await sut.token('regulator', ['admin']);
  });
  afterAll(() => sut.stop());

  const serialsOf = (prefix: string) => [1, 2, 3].map((n) => `${prefix}${n}`);
  /**
   * The wholesaler ships a pack on to the pharmacy, which receives it: only then may the pharmacy dispense it (only
   * the holder changes a pack, docs/authorisation.md).
   */
  const handover = (serial: string) => {
    const base = {
      eventTimeZoneOffset: '+01:00',
      type: 'ObjectEvent',
      action: 'OBSERVE',
      epcList: [pack(serial)],
    };
    const pharmacyParty = 'urn:epc:id:pgln:9521321.00000';
    return {
      shippingOn: {
        ...base,
        eventTime: '2026-03-05T10:00:00+01:00',
        bizStep: 'shipping',
        disposition: 'in_transit',
        destinationList: [{ type: 'owning_party', destination: pharmacyParty }],
      },
      pharmacyReceiving: {
        ...base,
        eventTime: '2026-03-06T10:00:00+01:00',
        bizStep: 'receiving',
        disposition: 'sellable_accessible',
        bizLocation: { id: 'urn:epc:id:sgln:9521321.00000.0' },
        destinationList: [{ type: 'owning_party', destination: pharmacyParty }],
      },
    };
  };

  it('follows packs through commission → pack → ship → receive → unpack → dispense, step by step', async () => {
    const serials = serialsOf(`S${uniqueSuffix()}-`);
    const s = story(serials, 11);
    const captureAs = async (event: object, token: string) => {
      const response = await sut.capture(epcisDocument([event]), token);
      expect(response.status).toBe(202);
      expect(response.headers.get('location')).toMatch(/^\/capture\/[0-9a-f-]{36}$/);
    };
    const packState = (serial: string) =>
      eventually(
        () => sut.serial(GTIN, serial),
        (row) => row !== undefined,
        'the pack row',
      );

    await captureAs(s.commission, manufacturer);
    expect(await packState(serials[1]!)).toMatchObject({
      status: 'active',
      commissioned: true,
      lot: 'LOT-A1',
      expiry: '2028-02-29',
      owner: PARTIES.manufacturer.party,
      parent_key: null,
      kind: 'item',
    });

    await captureAs(s.packing, manufacturer);
    await eventually(
      () => sut.serial(GTIN, serials[1]!),
      (r) => r?.parent_key === canonicalIdentifier(caseOf(11)),
      'packed',
    );

    await captureAs(s.shipping, manufacturer);
    await eventually(
      () => sut.serial(GTIN, serials[2]!),
      (r) => r?.status === 'in_transit',
      'in transit through the case',
    );

    await captureAs(s.receiving, wholesaler);
    expect(
      await eventually(
        () => sut.serial(GTIN, serials[2]!),
        (r) => r?.owner === PARTIES.wholesaler.party,
        'received',
      ),
    ).toMatchObject({
      status: 'active',
      location: 'urn:epc:id:sgln:4012345.00000.0',
    });

    await captureAs(s.unpacking, wholesaler);
    await eventually(
      () => sut.serial(GTIN, serials[2]!),
      (r) => r?.parent_key === null,
      'unpacked',
    );

    const h = handover(serials[0]!);
    await captureAs(h.shippingOn, wholesaler);
    await captureAs(h.pharmacyReceiving, pharmacy);
    await eventually(
      () => sut.serial(GTIN, serials[0]!),
      (r) => r?.owner === PARTIES.pharmacy.party,
      'received by the pharmacy',
    );
    await captureAs(s.dispensing, pharmacy);
    await eventually(
      () => sut.serial(GTIN, serials[0]!),
      (r) => r?.status === 'dispensed',
      'dispensed',
    );
    expect((await sut.serial(GTIN, serials[1]!))?.status).toBe('active');
  });

  it('gives the same registry when the same story arrives out of order', async () => {
    const inOrder = serialsOf(`IO${uniqueSuffix()}-`);
    const reversed = serialsOf(`RV${uniqueSuffix()}-`);
    const a = story(inOrder, 21);
    const b = story(reversed, 22);
    const ha = handover(inOrder[0]!);
    const hb = handover(reversed[0]!);
    // Each event captured by the party that may make it (docs/authorisation.md).
    const steps = (s: typeof a, h: typeof ha): Array<[object, string]> => [
      [s.commission, manufacturer],
      [s.packing, manufacturer],
      [s.shipping, manufacturer],
      [s.receiving, wholesaler],
      [s.unpacking, wholesaler],
      [h.shippingOn, wholesaler],
      [h.pharmacyReceiving, pharmacy],
      [s.dispensing, pharmacy],
    ];
    for (const [event, token] of steps(a, ha)) {
      expect((await sut.capture(epcisDocument([event]), token)).status).toBe(202);
    }
    for (const [event, token] of steps(b, hb).reverse()) {
      expect((await sut.capture(epcisDocument([event]), token)).status).toBe(202);
    }
    const comparable = async (serial: string) => {
      const row = await sut.serial(GTIN, serial);
      return (
        row &&
        ({
          ...row,
          key: undefined,
          serial: undefined,
          parent_key: row.parent_key === null ? null : 'case',
        } as Record<string, unknown>)
      );
    };
    // Both stories are complete once all sixteen events are stored: each registry row is written in the same
    // transaction as the event that changed it.
    const hashes = [...steps(a, ha), ...steps(b, hb)].map(
      ([e]) => documentEventHashes(epcisDocument([e]) as Record<string, unknown>)[0]!,
    );
    await eventually(
      () => sut.count('SELECT count(*) AS n FROM events WHERE event_hash = ANY($1)', [hashes]),
      (n) => n === 16,
      'both stories stored',
    );
    for (let i = 0; i < 3; i++) {
      const expected = await comparable(inOrder[i]!);
      expect(expected).toMatchObject({
        commissioned: true,
        owner: i === 0 ? PARTIES.pharmacy.party : PARTIES.wholesaler.party,
      });
      expect(await comparable(reversed[i]!)).toEqual(expected);
    }
    expect((await comparable(reversed[0]!))?.['status']).toBe('dispensed');
  });

  it('stores events by parties that do not hold a pack as observations: the registry does not change', async () => {
    const serials = serialsOf(`U${uniqueSuffix()}-`);
    const s = story(serials, 61);
    for (const event of [s.commission, s.packing, s.shipping]) {
      expect((await sut.capture(epcisDocument([event]), manufacturer)).status).toBe(202);
    }
    await eventually(
      () => sut.serial(GTIN, serials[0]!),
      (r) => r?.status === 'in_transit',
      'in transit',
    );
    const before = await Promise.all(serials.map((serial) => sut.serial(GTIN, serial)));
    expect(before[2]).toMatchObject({ status: 'in_transit', owner: PARTIES.manufacturer.party });
    const base = { eventTimeZoneOffset: '+01:00', type: 'ObjectEvent', action: 'OBSERVE' };
    const attacks: Array<[object, string]> = [
      // The pharmacy, never shipped to, reports the manufacturer's pack stolen and destroyed.
      [
        {
          ...base,
          eventTime: '2026-03-02T11:00:00+01:00',
          epcList: [pack(serials[0]!)],
          disposition: 'stolen',
        },
        pharmacy,
      ],
      [
        {
          ...base,
          eventTime: '2026-03-02T12:00:00+01:00',
          epcList: [pack(serials[1]!)],
          disposition: 'destroyed',
        },
        pharmacy,
      ],
      // The pharmacy receives the case shipped to the wholesaler, naming itself as owner.
      [
        {
          ...s.receiving,
          eventTime: '2026-03-02T13:00:00+01:00',
          destinationList: [{ type: 'owning_party', destination: 'urn:epc:id:pgln:9521321.00000' }],
        },
        pharmacy,
      ],
    ];
    for (const [event, token] of attacks) {
      expect((await sut.capture(epcisDocument([event]), token)).status).toBe(202);
    }
    // The wholesaler declares the manufacturer's stored shipping in error: refused at capture (403); and, before it
    // received the case, it reports a pack damaged: stored as an observation.
    const declared = {
      ...s.shipping,
      errorDeclaration: { declarationTime: '2026-03-02T14:00:00+01:00', reason: 'incorrect_data' },
    };
    const refused = await sut.capture(epcisDocument([declared]), wholesaler);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('SecurityException');
    const damaged = {
      ...base,
      eventTime: '2026-03-02T15:00:00+01:00',
      epcList: [pack(serials[1]!)],
      disposition: 'damaged',
    };
    // The same declaration reaching the projector anyway (as one captured before the shipping was stored would),
    // followed on the same partition by the wholesaler's damaged report: once that is stored, the declaration has
    // been projected, and must have retracted nothing.
    const hashOf = (e: object) => documentEventHashes(epcisDocument([e]) as Record<string, unknown>)[0]!;
    const kafka = createKafkaClient({
      brokers: kafkaBrokers(),
      clientId: 'capture-and-registry-test',
      logger: createLogger('t', 'silent'),
    });
    const producer = new EnvelopeProducer(kafka, 'test');
    const recordTime = new Date().toISOString();
    const message = (event: object) => ({
      key: `forged-${serials[0]}`,
      payload: {
        eventHash: hashOf(event),
        captureId: `forged-${serials[0]}`,
        capturedBy: PARTIES.wholesaler.party,
        recordTime,
        namespaces: {},
        event: event as EpcisEvent,
      },
    });
    await producer.publish(topicsWithPrefix(sut.topicPrefix).epcisEvents, [
      message(declared),
      message(damaged),
    ]);
    await producer.disconnect();
    const hashes = [...attacks.map(([e]) => e), damaged].map(
      (e) => documentEventHashes(epcisDocument([e]) as Record<string, unknown>)[0]!,
    );
    await eventually(
      () => sut.count('SELECT count(*) AS n FROM events WHERE event_hash = ANY($1)', [hashes]),
      (n) => n === 4,
      'the observations stored',
    );
    // All projected: no pack changed.
    expect(await Promise.all(serials.map((serial) => sut.serial(GTIN, serial)))).toEqual(before);
    // The shipping still stands: the wholesaler it names may receive.
    expect((await sut.capture(epcisDocument([s.receiving]), wholesaler)).status).toBe(202);
    const received = await eventually(
      () => sut.serial(GTIN, serials[2]!),
      (r) => r?.owner === PARTIES.wholesaler.party,
      'received by the wholesaler',
    );
    expect(received).toMatchObject({ status: 'active', parent_key: canonicalIdentifier(caseOf(61)) });
    for (const serial of serials.slice(0, 2)) {
      expect(await sut.serial(GTIN, serial)).toMatchObject({
        status: 'active',
        owner: PARTIES.wholesaler.party,
      });
    }
    const [shippingHash] = documentEventHashes(epcisDocument([s.shipping]) as Record<string, unknown>);
    expect(
      await sut.count(
        'SELECT count(*) AS n FROM events WHERE event_hash = $1 AND error_declared_at IS NULL',
        [shippingHash],
      ),
    ).toBe(1);
  });

  it('leaves a pack nobody holds to its brand owner: others’ events wait as observations, and count once custody comes; an admin changes any pack', async () => {
    const serials = serialsOf(`N${uniqueSuffix()}-`);
    const s = story(serials, 62);
    const stolen = {
      eventTimeZoneOffset: '+01:00',
      type: 'ObjectEvent',
      action: 'OBSERVE',
      eventTime: '2026-03-04T10:00:00+01:00',
      epcList: [pack(serials[0]!)],
      disposition: 'stolen',
    };
    // Before the manufacturer captured anything: the wholesaler receives the case, the pharmacy reports a pack stolen.
    expect((await sut.capture(epcisDocument([s.receiving]), wholesaler)).status).toBe(202);
    expect((await sut.capture(epcisDocument([stolen]), pharmacy)).status).toBe(202);
    const early = [s.receiving, stolen].map(
      (e) => documentEventHashes(epcisDocument([e]) as Record<string, unknown>)[0]!,
    );
    await eventually(
      () => sut.count('SELECT count(*) AS n FROM events WHERE event_hash = ANY($1)', [early]),
      (n) => n === 2,
      'both stored',
    );
    expect(
      await sut.count('SELECT count(*) AS n FROM serials WHERE key = ANY($1)', [
        [caseOf(62), pack(serials[0]!)].map(canonicalIdentifier),
      ]),
    ).toBe(0);
    // The manufacturer's history arrives: the wholesaler's receiving now takes effect, the pharmacy's report does not.
    for (const event of [s.commission, s.packing, s.shipping]) {
      expect((await sut.capture(epcisDocument([event]), manufacturer)).status).toBe(202);
    }
    const received = await eventually(
      () => sut.serial(GTIN, serials[0]!),
      (r) => r?.owner === PARTIES.wholesaler.party,
      'received by the wholesaler',
    );
    expect(received).toMatchObject({ status: 'active', parent_key: canonicalIdentifier(caseOf(62)) });
    // An admin (of another party, without the company prefix) destroys a pack the wholesaler holds.
    const destroyed = {
      ...stolen,
      eventTime: '2026-03-05T10:00:00+01:00',
      epcList: [pack(serials[1]!)],
      disposition: 'destroyed',
    };
    expect((await sut.capture(epcisDocument([destroyed]), admin)).status).toBe(202);
    await eventually(
      () => sut.serial(GTIN, serials[1]!),
      (r) => r?.status === 'destroyed',
      'destroyed by the admin',
    );
    expect(await sut.serial(GTIN, serials[0]!)).toMatchObject({ status: 'active' });
  });

  it('stores an event captured twice only once', async () => {
    const serials = serialsOf(`D${uniqueSuffix()}-`);
    const document = epcisDocument([story(serials, 31).commission]);
    const [hash] = documentEventHashes(document as Record<string, unknown>);
    expect((await sut.capture(document, manufacturer)).status).toBe(202);
    expect((await sut.capture(document, manufacturer)).status).toBe(202);
    await eventually(
      () => sut.serial(GTIN, serials[0]!),
      (r) => r !== undefined,
      'projection',
    );
    await eventually(
      () => sut.publishedEventCount(),
      (n) => n > 0,
      'published',
    );
    expect(await sut.count('SELECT count(*) AS n FROM events WHERE event_hash = $1', [hash])).toBe(1);
  });

  it('captures a document whose events together are larger than the broker’s default batch limit (≈ 1 MB)', async () => {
    // 400 commissioning events (the test service takes 500 at most) of 60 packs each: a 1.2 MB document, more in
    // messages, published as one batch on one partition.
    const run = uniqueSuffix().slice(-8);
    const events = Array.from({ length: 400 }, (_, i) => ({
      ...story(
        Array.from({ length: 60 }, (_, j) => `L${run}-${i}-${j}`),
        90,
      ).commission,
      eventTime: new Date(Date.UTC(2026, 2, 1, 8, 0, 0, i)).toISOString(),
    }));
    const document = epcisDocument(events);
    expect(JSON.stringify(document).length).toBeGreaterThan(1_100_000);
    const response = await sut.capture(document, manufacturer);
    expect({ status: response.status, body: response.status === 202 ? '' : await response.text() }).toEqual({
      status: 202,
      body: '',
    });
    await eventually(
      () => sut.count(`SELECT count(*) AS n FROM serials WHERE serial LIKE $1`, [`L${run}-%`]),
      (n) => n === 24_000,
      'every pack of the large document in the registry',
      120_000,
    );
  });

  it('honours an error declaration: the declared event no longer counts', async () => {
    const serials = serialsOf(`E${uniqueSuffix()}-`);
    const s = story(serials, 41);
    await sut.capture(epcisDocument([s.commission]), manufacturer);
    const stolen = {
      ...s.commission,
      action: 'OBSERVE',
      eventTime: '2026-03-05T08:00:00+01:00',
      bizStep: 'inspecting',
      disposition: 'stolen',
      ilmd: undefined,
    };
    await sut.capture(epcisDocument([stolen]), manufacturer);
    await eventually(
      () => sut.serial(GTIN, serials[0]!),
      (r) => r?.status === 'stolen',
      'stolen',
    );
    const declared = {
      ...stolen,
      errorDeclaration: { declarationTime: '2026-03-06T08:00:00+01:00', reason: 'incorrect_data' },
    };
    expect((await sut.capture(epcisDocument([declared]), manufacturer)).status).toBe(202);
    await eventually(
      () => sut.serial(GTIN, serials[0]!),
      (r) => r?.status === 'active',
      'back to active',
    );
    // With its commissioning declared in error too, nothing effective names the pack: it leaves the registry.
    const uncommissioned = {
      ...s.commission,
      errorDeclaration: { declarationTime: '2026-03-06T09:00:00+01:00', reason: 'incorrect_data' },
    };
    expect((await sut.capture(epcisDocument([uncommissioned]), manufacturer)).status).toBe(202);
    await eventually(
      () => sut.serial(GTIN, serials[0]!),
      (r) => r === undefined,
      'no registry row',
    );
  });

  it('captures every GS1 reference example and queries each event back under its GS1 event hash', async () => {
    for (const file of readdirSync(EXAMPLES).filter(
      (f) => f.endsWith('.jsonld') && !f.startsWith('EPCISQueryDocument'),
    )) {
      const document = JSON.parse(readFileSync(path.join(EXAMPLES, file), 'utf8')) as Record<string, unknown>;
      const response = await sut.capture(document, admin);
      expect({ file, status: response.status }).toEqual({ file, status: 202 });
      const hashes = documentEventHashes(document);
      await eventually(
        () => sut.count('SELECT count(*) AS n FROM events WHERE event_hash = ANY($1)', [hashes]),
        (n) => n === new Set(hashes).size,
        `the events of ${file}`,
      );
      // Queried back through the EPCIS query interface, every event still has its original hash.
      const answer = await sut.get(
        `/events?EQ_eventID=${encodeURIComponent([...new Set(hashes)].join('|'))}`,
        admin,
      );
      expect(answer.status).toBe(200);
      expect(new Set(documentEventHashes((await answer.json()) as Record<string, unknown>))).toEqual(
        new Set(hashes),
      );
    }
  });

  it('captures EPCIS 1.2 XML (DSCSA style) into the same registry', async () => {
    const serial = `X${uniqueSuffix()}`;
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:1" xmlns:cbvmda="urn:epcglobal:cbv:mda" schemaVersion="1.2" creationDate="2026-03-01T08:00:00Z">
  <EPCISBody><EventList><ObjectEvent>
    <eventTime>2026-03-01T08:00:00Z</eventTime><eventTimeZoneOffset>+00:00</eventTimeZoneOffset>
    <epcList><epc>urn:epc:id:sgtin:0614141.107346.${serial}</epc></epcList>
    <action>ADD</action><bizStep>urn:epcglobal:cbv:bizstep:commissioning</bizStep>
    <disposition>urn:epcglobal:cbv:disp:active</disposition>
    <extension><ilmd><cbvmda:lotNumber>XMLLOT</cbvmda:lotNumber><cbvmda:itemExpirationDate>2027-12-31</cbvmda:itemExpirationDate></ilmd></extension>
  </ObjectEvent></EventList></EPCISBody>
</epcis:EPCISDocument>`;
    expect((await sut.capture(xml, manufacturer, 'application/xml')).status).toBe(202);
    expect(
      await eventually(
        () => sut.serial(GTIN, serial),
        (r) => r !== undefined,
        'xml pack',
      ),
    ).toMatchObject({
      lot: 'XMLLOT',
      expiry: '2027-12-31',
      status: 'active',
    });
  });

  describe('rejections publish nothing', () => {
    const rejected = async (response: Response, status: number, type: string) => {
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const body = (await response.json()) as { type: string; errors?: Array<{ pointer: string }> };
      expect(body.type).toBe(type);
      return body;
    };

    it.each([
      ['no token', undefined, 401, 'epcisException:SecurityException'],
      ['a malformed token', 'not-a-jwt', 401, 'epcisException:SecurityException'],
    ])('%s → %s', async (_name, token, status, type) => {
      const before = await sut.publishedEventCount();
      const response = await fetch(`${sut.service.baseUrl}/capture`, {
        method: 'POST',
        headers: {
          'content-type': 'application/ld+json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(epcisDocument([story(['x'], 1).commission])),
      });
      await rejected(response, status, type);
      expect(await sut.publishedEventCount()).toBe(before);
    });

    it('a regulator may not capture (403)', async () => {
      const before = await sut.publishedEventCount();
      await rejected(
        await sut.capture(
          epcisDocument([story(['r1'], 1).commission]),
          await sut.token('regulator', ['regulator']),
        ),
        403,
        'epcisException:SecurityException',
      );
      expect(await sut.publishedEventCount()).toBe(before);
    });

    it('a manufacturer may not commission under another company prefix (403, naming the identifier)', async () => {
      const before = await sut.publishedEventCount();
      const foreign = {
        ...story(['f1'], 1).commission,
        epcList: ['urn:epc:id:sgtin:0614141.107346.ok1', 'urn:epc:id:sgtin:9506000.013435.no1'],
      };
      const body = await rejected(
        await sut.capture(epcisDocument([foreign]), manufacturer),
        403,
        'epcisException:SecurityException',
      );
      expect(body.errors).toEqual([expect.objectContaining({ pointer: '/epcisBody/eventList/0/epcList/1' })]);
      expect(await sut.publishedEventCount()).toBe(before);
      const other = await sut.token('otherManufacturer', ['manufacturer']);
      expect(
        (
          await sut.capture(
            epcisDocument([{ ...foreign, epcList: ['urn:epc:id:sgtin:9506000.013435.ok2'] }]),
            other,
          )
        ).status,
      ).toBe(202);
    });

    it('an invalid document is rejected whole with the ValidationException and pointers, even if one event is fine', async () => {
      const before = await sut.publishedEventCount();
      const good = story([`v${uniqueSuffix()}`], 1).commission;
      const bad = { ...good, action: 'SHOUT', eventTimeZoneOffset: '+25:00' };
      const body = await rejected(
        await sut.capture(epcisDocument([good, bad]), manufacturer),
        400,
        'epcisException:ValidationException',
      );
      expect(body.errors?.map((e) => e.pointer)).toEqual(
        expect.arrayContaining([
          '/epcisBody/eventList/1/action',
          '/epcisBody/eventList/1/eventTimeZoneOffset',
        ]),
      );
      await rejected(await sut.capture('{"type": ', manufacturer), 400, 'epcisException:ValidationException');
      await rejected(
        await sut.capture('<nope', manufacturer, 'application/xml'),
        400,
        'epcisException:ValidationException',
      );
      expect(await sut.publishedEventCount()).toBe(before);
    });

    it('too many events → 413 CaptureLimitExceededException; an unknown media type → 415', async () => {
      const before = await sut.publishedEventCount();
      const many = Array.from({ length: 501 }, (_, i) => ({
        ...story([`m${i}`], 1).commission,
        epcList: [`urn:epc:id:sgtin:0614141.107346.big${i}`],
      }));
      await rejected(
        await sut.capture(epcisDocument(many), manufacturer),
        413,
        'epcisException:CaptureLimitExceededException',
      );
      await rejected(
        await sut.capture('a,b,c', manufacturer, 'text/csv'),
        415,
        'epcisException:UnsupportedMediaTypeException',
      );
      expect(await sut.publishedEventCount()).toBe(before);
    });
  });

  it('keeps validation warnings on the capture job; ?strict=true refuses the document instead', async () => {
    const event = {
      ...story([`w${uniqueSuffix()}`], 1).commission,
      sensorElementList: [
        {
          sensorReport: [{ type: 'Temperature', value: 4.5, uom: 'CEL', time: '2026-03-01T09:00:00+01:00' }],
        },
      ],
    };
    const warning = {
      pointer: '/epcisBody/eventList/0/sensorElementList/0/sensorReport/0/time',
      message: expect.stringContaining('is after the eventTime'),
    };
    const before = await sut.publishedEventCount();
    const strict = await fetch(`${sut.service.baseUrl}/capture?strict=true`, {
      method: 'POST',
      headers: { authorization: `Bearer ${manufacturer}`, 'content-type': 'application/ld+json' },
      body: JSON.stringify(epcisDocument([event])),
    });
    expect(strict.status).toBe(400);
    const problem = (await strict.json()) as { type: string; errors: Array<{ pointer: string }> };
    expect(problem.type).toBe('epcisException:ValidationException');
    expect(problem.errors.map((e) => e.pointer)).toEqual([warning.pointer]);
    expect(await sut.publishedEventCount()).toBe(before);

    const response = await sut.capture(epcisDocument([event]), manufacturer);
    expect(response.status).toBe(202);
    const job = await (await sut.get(response.headers.get('location')!, manufacturer)).json();
    expect(job).toMatchObject({ success: true, errors: [], warnings: [warning] });
  });

  it('reports the capture job and captures a single event with POST /events', async () => {
    const response = await sut.capture(
      epcisDocument([story([`j${uniqueSuffix()}`], 1).commission]),
      manufacturer,
    );
    const job = await (await sut.get(response.headers.get('location')!, manufacturer)).json();
    expect(job).toMatchObject({
      running: false,
      success: true,
      captureErrorBehaviour: 'rollback',
      errors: [],
      warnings: [],
    });
    expect((await sut.get(response.headers.get('location')!, wholesaler)).status).toBe(404);

    const serial = `single${uniqueSuffix()}`;
    const single = await fetch(`${sut.service.baseUrl}/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${manufacturer}`, 'content-type': 'application/ld+json' },
      body: JSON.stringify({
        '@context': 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
        ...story([serial], 1).commission,
      }),
    });
    expect(single.status).toBe(201);
    const location = single.headers.get('location')!;
    expect(location).toMatch(/^\/events\/ni%3A%2F%2F%2Fsha-256%3B[0-9a-f]{64}%3Fver%3DCBV2.0$/);
    await eventually(
      () => sut.serial(GTIN, serial),
      (r) => r !== undefined,
      'single event projected',
    );
    const event = await (await sut.get(location, manufacturer)).json();
    expect(event).toMatchObject({
      type: 'ObjectEvent',
      eventID: decodeURIComponent(location.slice('/events/'.length)),
    });
  });
});
