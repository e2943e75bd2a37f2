import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { EPCIS_CONTEXT_URI } from '@pedigree/epcis';
import { scrapeSum } from '@pedigree/testing';
import { LedgerWriterUnderTest, runPedigree } from '../../services/ledger-writer/test/harness';
import { ColdChainStack, eventually, PARTIES } from '../../services/cold-chain/test/harness';

const GTIN = '10614141073464';
const EXCURSIONS_METRIC = 'pedigree_coldchain_excursions_total';
const pack = (serial: string) => `urn:epc:id:sgtin:0614141.107346.${serial}`;
const SERIALS = ['CC1', 'CC2'];
const CASE = 'urn:epc:id:sscc:0614141.1000000001';
const PALLET_A = 'urn:epc:id:sscc:0614141.1000000002';
const PALLET_B = 'urn:epc:id:sscc:0614141.1000000003';
/** The 18 digits of PALLET_A (extension 1, company prefix 0614141, serial reference 000000002, check digit 6). */
const PALLET_A_DIGITS = '106141410000000026';
const PALLET_A_KEY = `https://id.gs1.org/00/${PALLET_A_DIGITS}`;
const LOGGER_A = 'urn:epc:id:giai:0614141.LOGGER-A';
const LOGGER_B = 'LOGGER-B';
const MIN = 60_000;
const LEG_A_START = Date.parse('2026-03-01T10:00:00Z');
const LEG_B_START = Date.parse('2026-03-02T10:00:00Z');

const site = (gln: string) => `urn:epc:id:sgln:${gln.slice(0, 7)}.${gln.slice(7, 12)}.0`;
const pgln = (gln: string) => `urn:epc:id:pgln:${gln.slice(0, 7)}.${gln.slice(7, 12)}`;
const base = { eventTimeZoneOffset: '+00:00' };

/** Leg A: 241 readings a minute apart, 5 °C but 40 minutes at 12 °C from 11:00. */
function legAReadings() {
  return Array.from({ length: 241 }, (_, i) => ({
    time: new Date(LEG_A_START + i * MIN).toISOString(),
    type: 'Temperature',
    value: i >= 60 && i < 100 ? 12 : 5,
    uom: 'CEL',
  }));
}

/** Leg B as a logger's CSV export in °F: 121 readings, 10 minutes at 48.2 °F (9 °C). */
function legBCsv(): string {
  const lines = Array.from({ length: 121 }, (_, i) => {
    const value = i >= 30 && i < 40 ? 48.2 : 41;
    return `${LOGGER_B},${new Date(LEG_B_START + i * MIN).toISOString()},${value},FAH`;
  });
  return ['loggerId,time,value,uom', ...lines].join('\n');
}

describe('cold chain: readings, legs, excursions, on two replicas with the serialization service', () => {
  const stack = new ColdChainStack();
  const ledger = new LedgerWriterUnderTest({}, stack.topicPrefix);
  let manufacturer: string;
  let wholesaler: string;
  let competitor: string;
  let regulator: string;

  beforeAll(async () => {
    await stack.start(2, { VRS_RESPONDER_GLN: PARTIES.manufacturer.party });
    await ledger.start();
    manufacturer = await stack.token('manufacturer', ['manufacturer']);
    wholesaler = await stack.token('wholesaler', ['distributor']);
    competitor = await stack.token('otherManufacturer', ['manufacturer']);
    regulator = await stack.token('regulator', ['regulator']);
  }, 240_000);
  afterAll(async () => {
    await ledger.stop();
    await stack.stop();
  });

  it('sets a profile only for the owner of the GTIN’s company prefix, with USP presets, and names a bad field', async () => {
    expect(
      (await stack.request('PUT', `/profiles/${GTIN}`, competitor, { body: { storage: 'refrigerated' } }))
        .status,
    ).toBe(403);
    const bad = await stack.request('PUT', `/profiles/${GTIN}`, manufacturer, {
      body: { storage: 'refrigerated', rangeMin: 'cold' },
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(await bad.json()).toMatchObject({ field: 'rangeMin' });
    const put = await stack.request('PUT', `/profiles/${GTIN}`, manufacturer, {
      body: { storage: 'refrigerated', excursionBudgetMinutes: 30 },
    });
    expect(put.status).toBe(200);
    const { status, body } = await stack.json(`/profiles/${GTIN}`, wholesaler, 1);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      rangeMin: 2,
      rangeMax: 8,
      excursionBudgetMinutes: 30,
      absoluteMax: 15,
      mktMax: 8,
      activationEnergy: 83.144,
      updatedBy: PARTIES.manufacturer.party,
    });
  });

  it('follows packs into a pallet with a logger, and publishes one critical excursion when leg A exceeds the budget', async () => {
    await stack.capture(
      [
        {
          ...base,
          type: 'ObjectEvent',
          action: 'ADD',
          eventTime: '2026-03-01T08:00:00Z',
          epcList: SERIALS.map(pack),
          bizStep: 'commissioning',
          disposition: 'active',
          bizLocation: { id: site(PARTIES.manufacturer.party) },
          ilmd: { 'cbvmda:lotNumber': 'LOT-C1', 'cbvmda:itemExpirationDate': '2028-02-29' },
        },
        {
          ...base,
          type: 'AggregationEvent',
          action: 'ADD',
          eventTime: '2026-03-01T09:00:00Z',
          parentID: CASE,
          childEPCs: SERIALS.map(pack),
          bizStep: 'packing',
        },
        {
          ...base,
          type: 'AggregationEvent',
          action: 'ADD',
          eventTime: '2026-03-01T09:30:00Z',
          parentID: PALLET_A,
          childEPCs: [CASE],
          bizStep: 'packing',
        },
        {
          ...base,
          type: 'AssociationEvent',
          action: 'ADD',
          eventTime: '2026-03-01T09:45:00Z',
          parentID: LOGGER_A,
          childEPCs: [PALLET_A],
          bizStep: 'assembling',
        },
        {
          ...base,
          type: 'ObjectEvent',
          action: 'OBSERVE',
          eventTime: '2026-03-01T10:00:00Z',
          epcList: [PALLET_A],
          bizStep: 'shipping',
          disposition: 'in_transit',
          sourceList: [{ type: 'owning_party', source: pgln(PARTIES.manufacturer.party) }],
          destinationList: [{ type: 'owning_party', destination: pgln(PARTIES.wholesaler.party) }],
        },
      ],
      manufacturer,
    );
    // The packs are in the pallet, which has a logger: the pack's leg shows once the events are consumed.
    await eventually(
      () =>
        stack.count(
          `SELECT count(*) AS n FROM associations a JOIN aggregations g ON g.parent_key = a.subject_key`,
        ),
      (n) => n >= 1,
      'the association and the packing consumed',
      60_000,
    );
    await eventually(
      () => stack.count(`SELECT count(*) AS n FROM items`),
      (n) => n === 2,
      'the packs consumed',
      60_000,
    );

    expect(await scrapeSum(stack.metricsPorts, EXCURSIONS_METRIC)).toBe(0);
    const posted = await stack.request('POST', '/readings', manufacturer, {
      body: { loggerId: LOGGER_A, readings: legAReadings() },
    });
    expect(posted.status).toBe(202);
    expect(await posted.json()).toEqual({ readings: 241, batches: 1 });

    const [message] = await eventually(
      async () => stack.excursions.filter((e) => e.payload.subject === PALLET_A_KEY),
      (found) => found.length > 0,
      'an excursion of pallet A on the topic',
      90_000,
    );
    expect(message!.payload).toMatchObject({
      subject: PALLET_A_KEY,
      gtin: GTIN,
      lots: ['LOT-C1'],
      measurementType: 'Temperature',
      allowedMin: 2,
      allowedMax: 8,
      observedMin: 12,
      observedMax: 12,
      uom: 'CEL',
      startedAt: '2026-03-01T11:00:00.000Z',
      endedAt: '2026-03-01T11:40:00.000Z',
      severity: 'critical',
      packCount: 2,
      minutesOutOfRange: 40,
      budgetConsumedMinutes: 40,
      budgetMinutes: 30,
    });
    expect(message!.payload.mkt).toBeGreaterThan(5);
  });

  it('answers the shipment: figures, excursions, CSV readings, an SVG chart; the same after duplicate, out-of-order readings', async () => {
    const { status, body } = await stack.json<Record<string, unknown>>(
      `/shipments/${PALLET_A_DIGITS}/temperature`,
      manufacturer,
      1,
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({
      subject: PALLET_A_KEY,
      sscc: PALLET_A_DIGITS,
      uom: 'CEL',
      readings: 241,
      min: 5,
      max: 12,
      minutesOutOfRange: 40,
      gaps: [],
      excursions: [
        { severity: 'critical', minutesOutOfRange: 40, packCount: 2, status: 'quarantined', ongoing: false },
      ],
    });
    // The same pallet by EPC URI; the readings again, reversed and split across both replicas.
    const readings = legAReadings().reverse();
    for (const [i, half] of [readings.slice(0, 120), readings.slice(120)].entries())
      expect(
        (
          await stack.request('POST', '/readings', manufacturer, {
            body: { loggerId: LOGGER_A, readings: half },
            replica: i,
          })
        ).status,
      ).toBe(202);
    await eventually(
      () => stack.count(`SELECT count(*) AS n FROM dirty_subjects`),
      (n) => n === 0,
      'the evaluations done',
      60_000,
    );
    const again = await stack.json<Record<string, unknown>>(
      `/shipments/${encodeURIComponent(PALLET_A)}/temperature`,
      wholesaler,
      0,
    );
    expect(again.body).toMatchObject({ readings: 241, minutesOutOfRange: 40, mkt: body.mkt });
    expect(await stack.count(`SELECT count(*) AS n FROM readings`)).toBe(241);

    const csv = await stack.request(
      'GET',
      `/shipments/${PALLET_A_DIGITS}/temperature?format=csv`,
      manufacturer,
    );
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trim().split('\n');
    expect(lines[0]).toBe('time,value,uom');
    expect(lines).toHaveLength(242);
    expect(lines[61]).toBe('2026-03-01T11:00:00.000Z,12,CEL');
    const svg = await stack.request('GET', `/shipments/${PALLET_A_DIGITS}/temperature`, manufacturer, {
      accept: 'image/svg+xml',
    });
    expect(svg.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    const chart = await svg.text();
    expect(chart).toContain('class="excursion"');
    expect(chart).toContain(`MKT ${Number((body.mkt as number).toFixed(2))} CEL`);
  });

  it('quarantines the packs of the critical excursion: verification answers them as not saleable, naming the excursion', async () => {
    const vrs = (serial: string) =>
      stack.serializationRequest<{ data: { verified: boolean; verificationFailureReason?: string } }>(
        'GET',
        `/verify/gtin/${GTIN}/lot/LOT-C1/ser/${serial}?exp=280229&linkType=verificationService&context=dscsaSaleableReturn&reqGLN=${PARTIES.wholesaler.party}&corrUUID=${randomUUID()}`,
        wholesaler,
      );
    const quarantined = await eventually(
      () => vrs('CC1'),
      (answer) => answer.body?.data?.verified === false,
      'the VRS answer of a quarantined pack',
      90_000,
    );
    expect(quarantined.body.data).toEqual({
      verified: false,
      verificationFailureReason: 'Manufacturer_policy',
    });
    const fmd = await stack.serializationRequest<{
      returnCode: string;
      message: string;
      pack: { state: string };
    }>('POST', '/packs/verify', wholesaler, { gtin: GTIN, serial: 'CC2', lot: 'LOT-C1', expiry: '280229' });
    expect(fmd.body).toMatchObject({ returnCode: 'PACK_NOT_ACTIVE', pack: { state: 'quarantined' } });
    expect(fmd.body.message).toMatch(/temperature excursion/);
  });

  it('lets only the manufacturer decide; a rejection is in the packs’ history, anchored (the proof verifies), and answered by VRS', async () => {
    const id = stack.excursions.find((e) => e.payload.subject === PALLET_A_KEY)!.payload.excursionId;
    const decision = { decision: 'reject', reason: '40 min at 12 °C is beyond the stability data' };
    expect(
      (await stack.request('POST', `/excursions/${id}/decision`, competitor, { body: decision })).status,
    ).toBe(404);
    expect(
      (await stack.request('POST', `/excursions/${id}/decision`, wholesaler, { body: decision })).status,
    ).toBe(403);
    const bad = await stack.request('POST', `/excursions/${id}/decision`, manufacturer, {
      body: { decision: 'bin', reason: 'x' },
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ field: 'decision' });
    // QA quarantines while it investigates, then rejects; a quarantine is not decided twice, a rejection is final.
    const investigating = await stack.request('POST', `/excursions/${id}/decision`, manufacturer, {
      body: { decision: 'quarantine', reason: 'stability data under review' },
    });
    expect(investigating.status).toBe(200);
    expect(await investigating.json()).toMatchObject({
      status: 'quarantined',
      decision: { decision: 'quarantine' },
    });
    const twice = await stack.request('POST', `/excursions/${id}/decision`, manufacturer, {
      body: { decision: 'quarantine', reason: 'x' },
    });
    expect(twice.status).toBe(409);
    const decided = await stack.request('POST', `/excursions/${id}/decision`, manufacturer, {
      body: decision,
    });
    expect(decided.status).toBe(200);
    expect(await decided.json()).toMatchObject({
      status: 'rejected',
      decision: { decision: 'reject', reason: decision.reason, decidedBy: PARTIES.manufacturer.party },
    });
    const again = await stack.request('POST', `/excursions/${id}/decision`, manufacturer, {
      body: { decision: 'release', reason: 'x' },
      replica: 1,
    });
    expect(again.status).toBe(409);

    const history = await eventually(
      () =>
        stack.serializationRequest<{
          epcisBody: { queryResults: { resultsBody: { eventList: Array<Record<string, unknown>> } } };
        }>('GET', `/epcs/${encodeURIComponent(pack('CC1'))}/events`, manufacturer),
      (answer) =>
        answer.status === 200 &&
        answer.body.epcisBody.queryResults.resultsBody.eventList.some(
          (e) => e.disposition === 'urn:pedigree:disposition:rejected',
        ),
      'the rejection in the pack’s history',
      90_000,
    );
    const rejection = history.body.epcisBody.queryResults.resultsBody.eventList.find(
      (e) => e.disposition === 'urn:pedigree:disposition:rejected',
    )!;
    expect(rejection).toMatchObject({ type: 'ObjectEvent', bizStep: 'holding' });
    const vrs = await eventually(
      () =>
        stack.serializationRequest<{ data: { verificationFailureReason?: string } }>(
          'GET',
          `/verify/gtin/${GTIN}/lot/LOT-C1/ser/CC1?exp=280229&linkType=verificationService&context=dscsaSaleableReturn&reqGLN=${PARTIES.wholesaler.party}&corrUUID=${randomUUID()}`,
          wholesaler,
        ),
      (answer) => answer.body?.data?.verificationFailureReason === 'Not_for_re-distribution',
      'the VRS answer of a rejected pack',
      90_000,
    );
    expect(vrs.body.data).toEqual({ verified: false, verificationFailureReason: 'Not_for_re-distribution' });

    const auditor = await ledger.token();
    const hash = String(rejection.eventID);
    await eventually(
      async () => (await ledger.get(`/proofs/${encodeURIComponent(hash)}`, auditor)).status,
      (status) => status === 200,
      'the rejection anchored',
      120_000,
      500,
    );
    const { recordTime: _recordTime, eventID: _eventID, ...event } = rejection;
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'pedigree-coldchain-')), 'rejection.jsonld');
    writeFileSync(
      file,
      JSON.stringify({
        '@context': EPCIS_CONTEXT_URI,
        type: 'EPCISDocument',
        schemaVersion: '2.0',
        creationDate: '2026-01-01T00:00:00Z',
        epcisBody: { eventList: [event] },
      }),
    );
    const verified = await runPedigree(
      ['proof', 'verify', file, '--api', ledger.service.baseUrl, '--token', auditor],
      ledger.chaincode,
    );
    expect(verified).toMatchObject({ code: 0 });
    expect(verified.stdout).toMatch(new RegExp(`^VERIFIED ${hash.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  it('holds a pack found in the excursion later (a late packing event) as the decision held the others', async () => {
    await stack.capture(
      [
        {
          ...base,
          type: 'ObjectEvent',
          action: 'ADD',
          eventTime: '2026-03-01T08:00:00Z',
          epcList: [pack('CC3')],
          bizStep: 'commissioning',
          disposition: 'active',
          ilmd: { 'cbvmda:lotNumber': 'LOT-C1', 'cbvmda:itemExpirationDate': '2028-02-29' },
        },
        {
          ...base,
          type: 'AggregationEvent',
          action: 'ADD',
          eventTime: '2026-03-01T10:30:00Z',
          parentID: PALLET_A,
          childEPCs: [pack('CC3')],
          bizStep: 'packing',
        },
      ],
      manufacturer,
    );
    const id = stack.excursions.find((e) => e.payload.subject === PALLET_A_KEY)!.payload.excursionId;
    await eventually(
      async () =>
        (await stack.json<{ packs: unknown[] }>(`/excursions/${id}`, manufacturer)).body.packs.length,
      (n) => n === 3,
      'the late pack listed with the excursion',
      90_000,
    );
    const vrs = await eventually(
      () =>
        stack.serializationRequest<{ data: { verificationFailureReason?: string } }>(
          'GET',
          `/verify/gtin/${GTIN}/lot/LOT-C1/ser/CC3?exp=280229&linkType=verificationService&context=dscsaSaleableReturn&reqGLN=${PARTIES.wholesaler.party}&corrUUID=${randomUUID()}`,
          wholesaler,
        ),
      (answer) => answer.body?.data?.verificationFailureReason === 'Not_for_re-distribution',
      'the late pack rejected too',
      90_000,
    );
    expect(vrs.body.data).toEqual({ verified: false, verificationFailureReason: 'Not_for_re-distribution' });
  });

  it('adds a second leg (CSV in °F) to the same packs’ budget', async () => {
    await stack.capture(
      [
        {
          ...base,
          type: 'AggregationEvent',
          action: 'DELETE',
          eventTime: '2026-03-02T09:00:00Z',
          parentID: PALLET_A,
          childEPCs: [CASE],
          bizStep: 'unpacking',
        },
        {
          ...base,
          type: 'AggregationEvent',
          action: 'ADD',
          eventTime: '2026-03-02T09:30:00Z',
          parentID: PALLET_B,
          childEPCs: [CASE],
          bizStep: 'packing',
        },
      ],
      manufacturer,
    );
    await eventually(
      () => stack.count(`SELECT count(*) AS n FROM aggregations`),
      (n) => n === 6,
      'the repacking consumed',
      60_000,
    );
    const posted = await stack.request(
      'POST',
      `/readings?subject=${encodeURIComponent(PALLET_B)}`,
      manufacturer,
      {
        body: legBCsv(),
        contentType: 'text/csv',
        replica: 1,
      },
    );
    expect(posted.status).toBe(202);
    const history = await eventually(
      async () =>
        (
          await stack.json<{ legs: unknown[]; minutesOutOfRange: number }>(
            `/packs/${GTIN}/CC1/temperature`,
            manufacturer,
          )
        ).body,
      (b) => b.minutesOutOfRange === 50,
      'the second leg counted in the pack’s history',
      90_000,
    );
    expect(history).toMatchObject({
      gtin: GTIN,
      serial: 'CC1',
      lot: 'LOT-C1',
      uom: 'CEL',
      legs: [
        {
          subject: PALLET_A_KEY,
          from: '2026-03-01T09:30:00.000Z',
          to: '2026-03-02T09:00:00.000Z',
          minutesOutOfRange: 40,
        },
        {
          subject: 'https://id.gs1.org/00/106141410000000033',
          from: '2026-03-02T09:30:00.000Z',
          to: null,
          minutesOutOfRange: 10,
        },
      ],
      minutesOutOfRange: 50,
      budgetRemainingMinutes: -20,
      status: 'critical',
    });
    const [second] = await eventually(
      async () =>
        stack.excursions.filter((e) => e.payload.subject === 'https://id.gs1.org/00/106141410000000033'),
      (found) => found.length > 0,
      'an excursion of pallet B',
      60_000,
    );
    expect(second!.payload).toMatchObject({
      severity: 'critical',
      minutesOutOfRange: 10,
      budgetConsumedMinutes: 50,
    });
  });

  it('published each excursion once although two replicas evaluated the pallets', async () => {
    await eventually(
      () => stack.count(`SELECT count(*) AS n FROM outbox`),
      (n) => n === 0,
      'the outbox empty',
      60_000,
    );
    const ids = stack.excursions.map((e) => e.payload.excursionId);
    expect(ids.length).toBe(2);
    expect(new Set(ids).size).toBe(2);
    expect(await stack.count(`SELECT count(*) AS n FROM excursions`)).toBe(2);
    // The replicas' Prometheus endpoints together counted each published excursion once, by severity.
    expect(await scrapeSum(stack.metricsPorts, EXCURSIONS_METRIC, { severity: 'critical' })).toBe(2);
    expect(await scrapeSum(stack.metricsPorts, EXCURSIONS_METRIC)).toBe(2);
  });

  it('lists excursions by product, lot and severity, pages them, and gives one with its packs', async () => {
    const { body } = await stack.json<{ excursions: Array<{ id: string }>; nextPageToken?: string }>(
      `/excursions?gtin=${GTIN}&lot=LOT-C1&severity=critical&perPage=1`,
      manufacturer,
    );
    expect(body.excursions).toHaveLength(1);
    expect(body.nextPageToken).toBeDefined();
    const next = await stack.json<{ excursions: Array<{ id: string }> }>(
      `/excursions?gtin=${GTIN}&perPage=1&nextPageToken=${body.nextPageToken}`,
      manufacturer,
    );
    expect(next.body.excursions).toHaveLength(1);
    expect(next.body.excursions[0]!.id).not.toBe(body.excursions[0]!.id);
    const detail = await stack.json<{ packs: unknown[] }>(`/excursions/${body.excursions[0]!.id}`, regulator);
    expect(detail.status).toBe(200);
    expect(detail.body.packs).toEqual([
      { epc: `https://id.gs1.org/01/${GTIN}/21/CC1`, gtin: GTIN, serial: 'CC1', lot: 'LOT-C1' },
      { epc: `https://id.gs1.org/01/${GTIN}/21/CC2`, gtin: GTIN, serial: 'CC2', lot: 'LOT-C1' },
    ]);
    expect((await stack.json(`/excursions?lot=OTHER`, manufacturer)).body).toEqual({ excursions: [] });
  });

  it('shows a competitor nothing of another party’s shipments, packs and excursions', async () => {
    expect((await stack.json(`/shipments/${PALLET_A_DIGITS}/temperature`, competitor)).status).toBe(404);
    expect((await stack.json(`/packs/${GTIN}/CC1/temperature`, competitor)).status).toBe(404);
    expect((await stack.json(`/excursions`, competitor)).body).toEqual({ excursions: [] });
    const id = stack.excursions[0]!.payload.excursionId;
    expect((await stack.json(`/excursions/${id}`, competitor)).status).toBe(404);
    // The wholesaler the pallet was shipped to sees it.
    expect((await stack.json(`/shipments/${PALLET_A_DIGITS}/temperature`, wholesaler)).status).toBe(200);
  });

  it('refuses bad readings with 400 naming row and field, and keeps nothing of the request', async () => {
    const before = await stack.count(`SELECT count(*) AS n FROM readings`);
    const csv = [
      'loggerId,time,value,uom',
      'BAD-1,2026-03-03T10:00:00Z,5,CEL',
      'BAD-1,2026-03-03T10:01:00Z,warm,CEL',
      'BAD-1,2026-03-03T10:02:00Z,5,XYZ',
    ].join('\n');
    const refused = await stack.request('POST', '/readings', manufacturer, {
      body: csv,
      contentType: 'text/csv',
    });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect((await refused.json()) as unknown).toMatchObject({
      errors: [
        { row: 3, field: 'value', message: 'must be a number' },
        { row: 4, field: 'uom', message: 'must be CEL, FAH or KEL' },
      ],
    });
    const future = await stack.request('POST', '/readings', manufacturer, {
      body: [
        {
          loggerId: 'BAD-2',
          readings: [
            {
              time: new Date(Date.now() + 3_600_000).toISOString(),
              type: 'Temperature',
              value: 5,
              uom: 'CEL',
            },
          ],
        },
      ],
    });
    expect(future.status).toBe(400);
    expect(await future.json()).toMatchObject({
      errors: [{ row: 0, field: 'readings/0/time', message: 'is in the future' }],
    });
    expect(
      (await stack.request('POST', '/readings', manufacturer, { body: 'x', contentType: 'text/plain' }))
        .status,
    ).toBe(415);
    // Another party's logger.
    const foreign = await stack.request('POST', '/readings', competitor, {
      body: { loggerId: LOGGER_A, readings: legAReadings().slice(0, 1) },
    });
    expect(foreign.status).toBe(403);
    // A request accepted after these reaches the store; none of the refused did.
    const ok = await stack.request('POST', '/readings', manufacturer, {
      body: {
        loggerId: 'GOOD-1',
        readings: [{ time: '2026-03-03T10:00:00Z', type: 'Temperature', value: 5, uom: 'CEL' }],
      },
    });
    expect(ok.status).toBe(202);
    await eventually(
      () => stack.count(`SELECT count(*) AS n FROM readings WHERE logger_id = 'GOOD-1'`),
      (n) => n === 1,
      'the good reading stored',
      60_000,
    );
    expect(await stack.count(`SELECT count(*) AS n FROM readings`)).toBe(before + 1);
  });

  it('documents every operation in its OpenAPI description', async () => {
    const response = await fetch(`${stack.coldChain[0]!.baseUrl}/docs/openapi.json`);
    const document = (await response.json()) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/profiles/{gtin}',
        '/readings',
        '/shipments/{sscc}/temperature',
        '/packs/{gtin}/{serial}/temperature',
        '/excursions',
        '/excursions/{id}',
      ]),
    );
    expect(Object.keys(document.paths['/readings']!.post!.responses)).toEqual(
      expect.arrayContaining(['202', '400', '401', '403', '415']),
    );
  });
});
