import { randomInt, randomUUID } from 'node:crypto';
import { canonicalIdentifier } from '@pedigree/epcis';
import { scrapeSum, uniqueSuffix } from '@pedigree/testing';
import { XLSX_CONTENT_TYPE as XLSX_TYPE } from '@pedigree/xlsx';
import {
  eventually,
  GTIN,
  pack,
  PARTIES,
  pgln,
  readWorksheet,
  RecallStack,
  rowValues,
  sgln,
  sscc,
  type PartyName,
} from './harness';

/**
 * The issue's story on the real stack: a manufacturer's lot in three aggregation levels (pallet → cases → packs),
 * captured through the serialization service, shipped to a distributor, on to a pharmacy and a second distributor,
 * from there to a second pharmacy (which returns a pack); dispensing and a destruction. Two recall replicas share one
 * database and consumer groups.
 */
describe('recall service (real Kafka and PostgreSQL, serialization service, two recall replicas)', () => {
  const stack = new RecallStack();
  const transitions = (from: string, to: string) =>
    scrapeSum(stack.metricsPorts, 'pedigree_recall_transitions_total', { from, to });
  const run = uniqueSuffix();
  const lot = `L${run}`.slice(0, 20);
  const serials = Array.from({ length: 8 }, (_, i) => `${run}${i + 1}`);
  const keyOf = (serial: string) => canonicalIdentifier(pack(serial));
  const ten = () => String(randomInt(1e9, 1e10 - 1));
  const [pallet, case1, case2] = [sscc(ten()), sscc(ten()), sscc(ten())];
  const tokens = {} as Record<PartyName, string>;
  let approver: string;
  let recallId: string;

  const at = (day: number, hour: number) =>
    `2026-03-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00+01:00`;
  const base = { eventTimeZoneOffset: '+01:00' };
  const observe = (
    time: string,
    epcs: string[],
    bizStep: string,
    disposition: string,
    where: string,
    extra = {},
  ) => ({
    ...base,
    type: 'ObjectEvent',
    action: 'OBSERVE',
    eventTime: time,
    epcList: epcs,
    bizStep,
    disposition,
    bizLocation: { id: sgln(where) },
    ...extra,
  });
  const aggregate = (
    time: string,
    action: 'ADD' | 'DELETE',
    parent: string,
    children: string[],
    where: string,
  ) => ({
    ...base,
    type: 'AggregationEvent',
    action,
    eventTime: time,
    parentID: parent,
    ...(children.length > 0 ? { childEPCs: children } : {}),
    bizStep: action === 'ADD' ? 'packing' : 'unpacking',
    bizLocation: { id: sgln(where) },
  });
  const transfer = (
    time: string,
    epcs: string[],
    from: PartyName,
    to: PartyName,
    step: 'shipping' | 'receiving',
    doc: string,
    disposition?: string,
  ) =>
    observe(
      time,
      epcs,
      step,
      disposition ?? (step === 'shipping' ? 'in_transit' : 'sellable_accessible'),
      PARTIES[step === 'shipping' ? from : to].party,
      {
        sourceList: [{ type: 'owning_party', source: pgln(PARTIES[from].party) }],
        destinationList: [{ type: 'owning_party', destination: pgln(PARTIES[to].party) }],
        bizTransactionList: [
          { type: 'desadv', bizTransaction: `urn:epcglobal:cbv:bt:${PARTIES[from].party}:${doc}` },
        ],
      },
    );

  beforeAll(async () => {
    await stack.start(2);
    for (const name of Object.keys(PARTIES) as PartyName[]) {
      const roles =
        name === 'manufacturer'
          ? (['manufacturer'] as const)
          : name === 'regulator'
            ? (['regulator'] as const)
            : name.startsWith('pharmacy')
              ? (['dispenser'] as const)
              : (['distributor'] as const);
      tokens[name] = await stack.token(name, [...roles]);
    }
    approver = await stack.token('manufacturer', ['manufacturer'], 'test:manufacturer-qa');
    const M = PARTIES.manufacturer.party;
    const D1 = PARTIES.distributor.party;
    const D2 = PARTIES.distributor2.party;
    const P1 = PARTIES.pharmacy.party;
    const packs = serials.map(pack);
    await stack.capture(
      [
        {
          ...observe(at(1, 8), packs, 'commissioning', 'active', M),
          action: 'ADD',
          ilmd: { 'cbvmda:lotNumber': lot, 'cbvmda:itemExpirationDate': '2028-06-30' },
        },
        aggregate(at(1, 9), 'ADD', case1, packs.slice(0, 4), M),
        aggregate(at(1, 9), 'ADD', case2, packs.slice(4), M),
        aggregate(at(1, 10), 'ADD', pallet, [case1, case2], M),
        transfer(at(2, 8), [pallet], 'manufacturer', 'distributor', 'shipping', 'INV-1'),
      ],
      tokens.manufacturer,
    );
    await stack.capture(
      [
        transfer(at(3, 8), [pallet], 'manufacturer', 'distributor', 'receiving', 'INV-1'),
        aggregate(at(3, 9), 'DELETE', pallet, [], D1),
        transfer(at(4, 8), [case1], 'distributor', 'pharmacy', 'shipping', 'INV-2'),
        transfer(at(4, 9), [case2], 'distributor', 'distributor2', 'shipping', 'INV-3'),
      ],
      tokens.distributor,
    );
    await stack.capture(
      [
        transfer(at(5, 8), [case1], 'distributor', 'pharmacy', 'receiving', 'INV-2'),
        aggregate(at(5, 9), 'DELETE', case1, [], P1),
        observe(at(6, 15), [packs[0]!], 'dispensing', 'dispensed', P1),
      ],
      tokens.pharmacy,
    );
    await stack.capture(
      [
        transfer(at(5, 10), [case2], 'distributor', 'distributor2', 'receiving', 'INV-3'),
        aggregate(at(5, 11), 'DELETE', case2, [], D2),
        transfer(at(6, 8), [packs[4]!, packs[5]!], 'distributor2', 'pharmacy2', 'shipping', 'INV-4'),
      ],
      tokens.distributor2,
    );
    await stack.capture(
      [
        transfer(at(7, 8), [packs[4]!, packs[5]!], 'distributor2', 'pharmacy2', 'receiving', 'INV-4'),
        transfer(at(8, 8), [packs[5]!], 'pharmacy2', 'distributor2', 'shipping', 'RET-1'),
      ],
      tokens.pharmacy2,
    );
    await stack.capture(
      [transfer(at(9, 8), [packs[5]!], 'pharmacy2', 'distributor2', 'receiving', 'RET-1', 'returned')],
      tokens.distributor2,
    );
    // Every event projected once, on either replica, and the return folded in.
    await eventually(
      () =>
        stack.count(
          `SELECT count(*) AS n FROM holdings WHERE key = $1 AND owner = $2 AND status = 'returned'`,
          [keyOf(serials[5]!), D2],
        ),
      (n) => n === 1,
      'the returned pack back with the second distributor',
      120_000,
    );
    await eventually(
      () =>
        stack.count(`SELECT count(*) AS n FROM holdings WHERE key = $1 AND status = 'dispensed'`, [
          keyOf(serials[0]!),
        ]),
      (n) => n === 1,
      'the dispensed pack',
      120_000,
    );
  }, 300_000);

  afterAll(() => stack.stop());

  it('stores each event once across the two replicas and knows where every pack is and who held it', async () => {
    // Captures land on different partitions, projected side by side: wait for the last of them.
    await eventually(
      () => stack.count('SELECT count(*) AS n FROM events'),
      (n) => n >= 18,
      'every event',
      60_000,
    );
    expect(await stack.count('SELECT count(*) AS n FROM events')).toBe(18);
    expect(await stack.count('SELECT count(*) AS n FROM event_epcs')).toBeGreaterThan(18);
    const { rows } = await stack.recallDb.query<{
      serial: string;
      owner: string;
      status: string;
      parent_key: string | null;
    }>(
      `SELECT serial, owner, status, parent_key FROM holdings WHERE gtin = $1 AND lot = $2 ORDER BY serial`,
      [GTIN, lot],
    );
    expect(rows.map((r) => [r.serial, r.owner, r.status, r.parent_key])).toEqual([
      [serials[0], PARTIES.pharmacy.party, 'dispensed', null],
      [serials[1], PARTIES.pharmacy.party, 'active', null],
      [serials[2], PARTIES.pharmacy.party, 'active', null],
      [serials[3], PARTIES.pharmacy.party, 'active', null],
      [serials[4], PARTIES.pharmacy2.party, 'active', null],
      [serials[5], PARTIES.distributor2.party, 'returned', null],
      [serials[6], PARTIES.distributor2.party, 'active', null],
      [serials[7], PARTIES.distributor2.party, 'active', null],
    ]);
  });

  it('traces a pack backward to its commissioning through its case and pallet, without its case’s siblings', async () => {
    const answer = await stack.call(
      'GET',
      `/trace?epc=${encodeURIComponent(pack(serials[0]!))}&direction=backward`,
      tokens.regulator,
    );
    expect(answer.status).toBe(200);
    const graph = answer.json();
    const ids = graph.nodes.map((n: { id: string }) => n.id);
    expect(ids).toEqual(
      expect.arrayContaining([keyOf(serials[0]!), canonicalIdentifier(case1), canonicalIdentifier(pallet)]),
    );
    expect(ids).not.toContain(canonicalIdentifier(case2));
    expect(ids).not.toContain(keyOf(serials[1]!));
    expect(graph.edges.map((e: { type: string }) => e.type)).toEqual([
      'commissioned',
      'packed',
      'packed',
      'shipped',
      'received',
      'unpacked',
      'shipped',
      'received',
      'unpacked',
      'observed',
    ]);
    const shipped = graph.edges.find((e: { type: string }) => e.type === 'shipped');
    expect(shipped).toMatchObject({
      fromParties: [PARTIES.manufacturer.party],
      toParties: [PARTIES.distributor.party],
      to: [canonicalIdentifier(pallet)],
    });
    expect(shipped.eventHash).toMatch(/^ni:\/\/\/sha-256;/);
    expect(graph.nodes.find((n: { id: string }) => n.id === keyOf(serials[0]!))).toMatchObject({
      lot,
      expiry: '2028-06-30',
      status: 'dispensed',
      holder: PARTIES.pharmacy.party,
    });
    // A Digital Link names the same pack.
    const byLink = await stack.call(
      'GET',
      `/trace?epc=${encodeURIComponent(`https://id.gs1.org/01/${GTIN}/21/${serials[0]}`)}&direction=backward`,
      tokens.regulator,
    );
    expect(byLink.json().edges).toEqual(graph.edges);
  });

  it('traces the pallet forward to every pack and where each is now', async () => {
    const graph = (
      await stack.call('GET', `/trace?epc=${encodeURIComponent(pallet)}&direction=forward`, tokens.regulator)
    ).json();
    const ids = graph.nodes.map((n: { id: string }) => n.id);
    expect(ids).toEqual(expect.arrayContaining(serials.map(keyOf)));
    expect(graph.parties).toEqual(
      expect.arrayContaining(
        Object.values(PARTIES)
          .filter((p) => p.gcp.length > 0)
          .map((p) => p.party),
      ),
    );
  });

  it('answers bad trace requests with 400 and unknown packs with 404', async () => {
    expect((await stack.call('GET', '/trace?epc=hello', tokens.regulator)).status).toBe(400);
    expect(
      (
        await stack.call(
          'GET',
          `/trace?epc=${encodeURIComponent(pack(serials[0]!))}&direction=up`,
          tokens.regulator,
        )
      ).status,
    ).toBe(400);
    expect(
      (await stack.call('GET', `/trace?epc=${encodeURIComponent(pack(`${run}99`))}`, tokens.regulator))
        .status,
    ).toBe(404);
  });

  it('a pharmacy traces only through the events it may see', async () => {
    // Of the case it received it sees the shipping to it, its receiving and its unpacking: not the manufacturer's
    // packing (which would lead to the case's contents) nor the pallet's journey.
    const graph = (
      await stack.call('GET', `/trace?epc=${encodeURIComponent(case1)}&direction=backward`, tokens.pharmacy)
    ).json();
    expect(graph.edges.map((e: { type: string }) => e.type)).toEqual(['shipped', 'received', 'unpacked']);
    expect(
      graph.edges.every((e: { capturedBy: string }) => e.capturedBy !== PARTIES.manufacturer.party),
    ).toBe(true);
    const regulator = (
      await stack.call('GET', `/trace?epc=${encodeURIComponent(case1)}&direction=backward`, tokens.regulator)
    ).json();
    expect(regulator.nodes.map((n: { id: string }) => n.id)).toEqual(
      expect.arrayContaining(serials.slice(0, 4).map(keyOf)),
    );
  });

  it('gives the lot’s distribution by holder, whole to the regulator, one line to a pharmacy', async () => {
    const whole = (await stack.call('GET', `/lots/${GTIN}/${lot}/distribution`, tokens.regulator)).json();
    expect(whole.commissioned).toBe(8);
    const line = (party: string) => whole.holders.find((h: { holder: string }) => h.holder === party);
    expect(line(PARTIES.pharmacy.party)).toMatchObject({ inStock: 3, dispensed: 1 });
    expect(line(PARTIES.distributor2.party)).toMatchObject({ inStock: 2, returned: 1 });
    expect(line(PARTIES.pharmacy2.party)).toMatchObject({ inStock: 1 });
    const own = (await stack.call('GET', `/lots/${GTIN}/${lot}/distribution`, tokens.pharmacy)).json();
    expect(own.holders.map((h: { holder: string }) => h.holder)).toEqual([PARTIES.pharmacy.party]);
    const csv = await stack.call('GET', `/lots/${GTIN}/${lot}/distribution?format=csv`, tokens.regulator);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.text.split('\r\n')[0]).toBe(
      'holder,inStock,inTransit,dispensed,destroyed,exported,returned,other',
    );
    const xlsx = await stack.download(`/lots/${GTIN}/${lot}/distribution?format=xlsx`, tokens.regulator);
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toBe(XLSX_TYPE);
    expect(xlsx.headers.get('content-disposition')).toMatch(/filename=".*-distribution\.xlsx"/);
    const sheet = await readWorksheet(xlsx.body);
    expect(rowValues(sheet, 1)).toEqual([
      'holder',
      'inStock',
      'inTransit',
      'dispensed',
      'destroyed',
      'exported',
      'returned',
      'other',
    ]);
    // Every holder line of the JSON answer, with its counts as numbers.
    expect(sheet.rowCount).toBe(whole.holders.length + 1);
    const rows = Array.from({ length: whole.holders.length }, (_, i) => rowValues(sheet, i + 2));
    expect(rows).toEqual(
      whole.holders.map((h: Record<string, unknown>) =>
        ['holder', 'inStock', 'inTransit', 'dispensed', 'destroyed', 'exported', 'returned', 'other'].map(
          (k) => h[k],
        ),
      ),
    );
    expect(sheet.autoFilter).toBe(`A1:H${whole.holders.length + 1}`);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
  });

  it('gives the DSCSA transaction history of a pack and the lot’s event list', async () => {
    const history = (
      await stack.call('GET', `/packs/${GTIN}/${serials[5]}/transaction-history`, tokens.regulator)
    ).json();
    expect(history.product).toEqual({ gtin: GTIN, serial: serials[5], lot, expiry: '2028-06-30' });
    expect(
      history.transactionInformation.map((t: { seller: string; buyer: string }) => [t.seller, t.buyer]),
    ).toEqual([
      [PARTIES.manufacturer.party, PARTIES.distributor.party],
      [PARTIES.distributor.party, PARTIES.distributor2.party],
      [PARTIES.distributor2.party, PARTIES.pharmacy2.party],
      [PARTIES.pharmacy2.party, PARTIES.distributor2.party],
    ]);
    expect(history.transactionInformation[0].businessDocuments[0].id).toContain('INV-1');
    expect(
      (await stack.call('GET', `/packs/${GTIN}/${serials[5]}/transaction-history`, tokens.pharmacy)).status,
    ).toBe(404);
    const events = (await stack.call('GET', `/lots/${GTIN}/${lot}/events`, tokens.regulator)).json().events;
    expect(events).toHaveLength(18);
    expect(events[0]).toMatchObject({ bizStep: 'commissioning', quantity: 8, unit: 'EA', lot, gtin: GTIN });
    const csv = await stack.call('GET', `/lots/${GTIN}/${lot}/events?format=csv`, tokens.regulator);
    expect(csv.text.trim().split('\r\n')).toHaveLength(19);
    const sheet = await readWorksheet(
      (await stack.download(`/lots/${GTIN}/${lot}/events?format=xlsx`, tokens.regulator)).body,
    );
    expect(sheet.rowCount).toBe(19);
    expect(rowValues(sheet, 1)).toEqual(csv.text.split('\r\n')[0]!.split(','));
    events.forEach(
      (
        e: { quantity: number; eventTime: string; eventHash: string; gtin: string; bizStep: string },
        i: number,
      ) => {
        const row = sheet.getRow(i + 2);
        expect(row.getCell(2).value).toBe(e.gtin);
        expect(row.getCell(3).value).toBe(e.quantity);
        expect(row.getCell(7).value).toBe(e.bizStep);
        expect(row.getCell(13).value).toEqual(new Date(e.eventTime));
        expect(row.getCell(15).value).toBe(e.eventHash);
      },
    );
    expect(sheet.autoFilter).toBe('A1:O19');
  });

  it('documents csv and xlsx answers, and the format parameter, on every export in its OpenAPI description', async () => {
    const document = (await (await fetch(`${stack.recalls[0]!.baseUrl}/docs/openapi.json`)).json()) as {
      paths: Record<
        string,
        {
          get: {
            parameters: Array<{ name: string; schema?: { enum?: string[] } }>;
            responses: Record<string, { content?: Record<string, unknown> }>;
          };
        }
      >;
    };
    for (const path of [
      '/lots/{gtin}/{lot}/distribution',
      '/lots/{gtin}/{lot}/events',
      '/recalls/{id}/scope',
    ]) {
      const operation = document.paths[path]!.get;
      expect(Object.keys(operation.responses['200']!.content!).sort()).toEqual(
        ['application/json', 'text/csv', XLSX_TYPE].sort(),
      );
      expect(operation.parameters.find((p) => p.name === 'format')?.schema?.enum).toEqual([
        'json',
        'csv',
        'xlsx',
      ]);
    }
    expect((await stack.call('GET', `/lots/${GTIN}/${lot}/events?format=xls`, tokens.regulator)).status).toBe(
      400,
    );
  });

  it('refuses a recall of another company’s GTIN and bad recall bodies', async () => {
    const body = {
      gtin: GTIN,
      lots: [lot],
      classification: 'class-II',
      depth: 'retail',
      reason: 'assay out of specification',
      effectivenessCheckLevel: 'A',
    };
    expect((await stack.call('POST', '/recalls', tokens.distributor, body)).status).toBe(403);
    const other = await stack.token('distributor', ['manufacturer']);
    expect((await stack.call('POST', '/recalls', other, body)).status).toBe(403);
    const bad = await stack.call('POST', '/recalls', tokens.manufacturer, { ...body, depth: 'everywhere' });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/problem\+json/);
  });

  it('creates a draft, refuses its approval by its creator, issues it on another replica once, and VRS answers Recalled', async () => {
    const created = await stack.call('POST', '/recalls', tokens.manufacturer, {
      gtin: GTIN,
      lots: [lot],
      classification: 'class-II',
      depth: 'retail',
      reason: 'assay out of specification',
      effectivenessCheckLevel: 'A',
    });
    expect(created.status).toBe(201);
    recallId = created.json().id;
    expect(created.headers.get('location')).toBe(`/recalls/${recallId}`);
    expect(created.json().status).toBe('draft');

    const own = await stack.call('POST', `/recalls/${recallId}/approve`, tokens.manufacturer);
    expect(own.status).toBe(403);
    expect(own.json().code).toBe('SAME_USER');

    // Two users approve at once on the two replicas: one issues it, the other finds it issued.
    const answers = await Promise.all(
      [0, 1].map((replica) =>
        stack.call('POST', `/recalls/${recallId}/approve`, approver, undefined, replica),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    // The replicas' Prometheus endpoints together counted the draft opened and issued once.
    expect(await transitions('none', 'draft')).toBe(1);
    expect(await transitions('draft', 'issued')).toBe(1);
    await eventually(
      () => stack.messagesOn((t) => t.recallNotices),
      (n) => n === 1,
      'the notice published',
      60_000,
    );
    await eventually(
      () => stack.count('SELECT count(*) AS n FROM outbox'),
      (n) => n === 0,
      'the outbox emptied',
    );

    await eventually(
      async () =>
        (
          await stack.serializationDb.query(`SELECT count(*) AS n FROM serials WHERE recall_id = $1`, [
            recallId,
          ])
        ).rows[0].n,
      (n) => Number(n) === 8,
      'serialization marks the lot’s packs recalled',
      60_000,
    );
    const query = new URLSearchParams({
      exp: '280630',
      linkType: 'verificationService',
      context: 'dscsaSaleableReturn',
      reqGLN: PARTIES.distributor.party,
      corrUUID: randomUUID(),
    });
    const vrs = await fetch(
      `${stack.serialization.baseUrl}/verify/gtin/${GTIN}/lot/${lot}/ser/${serials[7]}?${query}`,
      {
        headers: {
          authorization: `Bearer ${tokens.distributor}`,
          'GS1US-Version': '1.3.0',
          accept: 'application/json',
        },
      },
    );
    expect(((await vrs.json()) as { data: unknown }).data).toMatchObject({
      verified: true,
      additionalInfo: 'Recalled',
    });
  });

  it('lists the scope, paged with Link rel=next and as CSV and xlsx; a pharmacy sees only its holdings', async () => {
    const first = await stack.call('GET', `/recalls/${recallId}/scope?perPage=5`, tokens.regulator);
    expect(first.status).toBe(200);
    const page1 = first.json();
    expect(page1.units).toBe(8);
    expect(page1.items).toHaveLength(5);
    const link = first.headers.get('link')!;
    expect(link).toMatch(/rel="next"/);
    const next = await stack.call('GET', /<([^>]+)>/.exec(link)![1]!, tokens.regulator);
    const page2 = next.json();
    expect(page2.items).toHaveLength(3);
    expect(next.headers.get('link')).toBeNull();
    const all = [...page1.items, ...page2.items];
    expect(all.map((i: { serial: string }) => i.serial).sort()).toEqual([...serials].sort());
    expect(all.find((i: { serial: string }) => i.serial === serials[6])).toMatchObject({
      epc: pack(serials[6]!),
      gtin: GTIN,
      lot,
      expiry: '2028-06-30',
      status: 'active',
      holder: PARTIES.distributor2.party,
      container: null,
    });
    const csv = await stack.call('GET', `/recalls/${recallId}/scope?format=csv`, tokens.manufacturer);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.text.trim().split('\r\n')).toHaveLength(9);
    const xlsx = await stack.download(`/recalls/${recallId}/scope?format=xlsx`, tokens.manufacturer);
    expect(xlsx.headers.get('content-type')).toBe(XLSX_TYPE);
    const sheet = await readWorksheet(xlsx.body);
    expect(rowValues(sheet, 1)).toEqual(csv.text.split('\r\n')[0]!.split(','));
    expect(sheet.rowCount).toBe(9);
    const byEpc = new Map(all.map((i: { epc: string }) => [i.epc, i]));
    for (let r = 2; r <= 9; r++) {
      const [epc, gtin, serial, lotCell, expiry, status, holder, , container, lastEventTime] = rowValues(
        sheet,
        r,
      );
      const item = byEpc.get(epc as string) as Record<string, string | null>;
      expect({ gtin, serial, lot: lotCell, status, holder, container }).toEqual({
        gtin: item.gtin,
        serial: item.serial,
        lot: item.lot,
        status: item.status,
        holder: item.holder,
        container: item.container,
      });
      // Dates are dates, not texts.
      expect(expiry).toEqual(new Date(`${item.expiry}T00:00:00Z`));
      expect(lastEventTime).toEqual(new Date(item.lastEventTime!));
    }
    expect(sheet.autoFilter).toBe('A1:J9');
    const pharmacy = (await stack.call('GET', `/recalls/${recallId}/scope`, tokens.pharmacy)).json();
    expect(pharmacy.items.map((i: { serial: string }) => i.serial).sort()).toEqual(
      serials.slice(0, 4).sort(),
    );
    expect(pharmacy.items.every((i: { holder: string }) => i.holder === PARTIES.pharmacy.party)).toBe(true);
  });

  it('names the consignees down to the recall’s depth with their units', async () => {
    const { consignees } = (
      await stack.call('GET', `/recalls/${recallId}/consignees`, tokens.regulator)
    ).json();
    expect(consignees).toEqual(
      [
        {
          party: PARTIES.distributor.party,
          level: 1,
          unitsReceived: 8,
          unitsShippedOn: 8,
          unitsOnHand: 0,
          unitsDispensed: 0,
          response: null,
        },
        {
          party: PARTIES.distributor2.party,
          level: 2,
          unitsReceived: 4,
          unitsShippedOn: 1,
          unitsOnHand: 3,
          unitsDispensed: 0,
          response: null,
        },
        {
          party: PARTIES.pharmacy.party,
          level: 2,
          unitsReceived: 4,
          unitsShippedOn: 0,
          unitsOnHand: 3,
          unitsDispensed: 1,
          response: null,
        },
      ].sort((a, b) => a.level - b.level || a.party.localeCompare(b.party)),
    );
    const own = (await stack.call('GET', `/recalls/${recallId}/consignees`, tokens.pharmacy)).json();
    expect(own.consignees.map((c: { party: string }) => c.party)).toEqual([PARTIES.pharmacy.party]);
  });

  it('moves effectiveness with responses and with destruction events', async () => {
    const before = (
      await stack.call('GET', `/recalls/${recallId}/effectiveness`, tokens.manufacturer)
    ).json();
    expect(before).toMatchObject({
      consignees: 3,
      notified: 3,
      responded: 0,
      unitsInScope: 8,
      unitsAccountedByEvents: 2,
      met: false,
    });

    const response = await stack.call('POST', `/recalls/${recallId}/responses`, tokens.pharmacy, {
      acknowledged: true,
      unitsOnHand: 3,
    });
    expect(response.status).toBe(201);
    expect(
      (await stack.call('POST', `/recalls/${recallId}/responses`, tokens.regulator, { acknowledged: true }))
        .status,
    ).toBe(403);
    const afterResponse = (
      await stack.call('GET', `/recalls/${recallId}/effectiveness`, tokens.manufacturer)
    ).json();
    expect(afterResponse).toMatchObject({ responded: 1, unitsAccountedByResponses: 3, unitsAccountedFor: 5 });

    await stack.capture(
      [observe(at(10, 8), [pack(serials[1]!)], 'destroying', 'destroyed', PARTIES.pharmacy.party)],
      tokens.pharmacy,
    );
    const afterDestruction = await eventually(
      async () => (await stack.call('GET', `/recalls/${recallId}/effectiveness`, tokens.manufacturer)).json(),
      (e) => e.unitsAccountedByEvents === 3,
      'the destruction counted',
      60_000,
    );
    // The pharmacy's three units on hand are now two (one destroyed): its response covers at most what it holds.
    expect(afterDestruction).toMatchObject({ unitsAccountedByResponses: 2, unitsAccountedFor: 5 });

    for (const who of ['distributor', 'distributor2'] as const)
      expect(
        (
          await stack.call('POST', `/recalls/${recallId}/responses`, tokens[who], {
            acknowledged: true,
            unitsOnHand: 0,
          })
        ).status,
      ).toBe(201);
    expect(
      (await stack.call('GET', `/recalls/${recallId}/effectiveness`, tokens.manufacturer)).json(),
    ).toMatchObject({ responded: 3, met: true });
    expect((await stack.call('GET', `/recalls/${recallId}/effectiveness`, tokens.pharmacy)).status).toBe(403);
  });

  it('closes the recall (another user than its creator), releasing the packs in serialization', async () => {
    expect((await stack.call('POST', `/recalls/${recallId}/close`, tokens.manufacturer)).status).toBe(403);
    const closed = await stack.call('POST', `/recalls/${recallId}/close`, approver);
    expect(closed.json().status).toBe('closed');
    expect(await transitions('issued', 'closed')).toBe(1);
    await eventually(
      async () =>
        (
          await stack.serializationDb.query(`SELECT count(*) AS n FROM serials WHERE recall_id = $1`, [
            recallId,
          ])
        ).rows[0].n,
      (n) => Number(n) === 0,
      'serialization releases the packs',
      60_000,
    );
  });

  it('opens a candidate for a critical excursion whose packs moved on, once, and none for a minor one', async () => {
    const excursion = (id: string, severity: 'minor' | 'critical') => ({
      excursionId: id,
      subject: pallet,
      gtin: GTIN,
      lots: [lot],
      measurementType: 'Temperature',
      allowedMin: 2,
      allowedMax: 8,
      observedMin: 2.5,
      observedMax: 14.2,
      uom: 'CEL',
      startedAt: '2026-03-02T12:00:00Z',
      severity,
    });
    const critical = `exc-${run}-c`;
    await stack.publish((t) => t.coldchainExcursions, pallet, excursion(`exc-${run}-m`, 'minor'));
    await stack.publish((t) => t.coldchainExcursions, pallet, excursion(critical, 'critical'));
    await stack.publish((t) => t.coldchainExcursions, pallet, excursion(critical, 'critical'));
    await eventually(
      () => stack.count('SELECT count(*) AS n FROM excursions'),
      (n) => n === 2,
      'both excursions recorded',
      60_000,
    );
    const { recalls } = (await stack.call('GET', '/recalls', tokens.manufacturer)).json();
    const candidates = recalls.filter((r: { status: string }) => r.status === 'candidate');
    expect(candidates).toHaveLength(1);
    expect(candidates[0]).toMatchObject({ excursionId: critical, gtin: GTIN, lots: [lot] });
    // Never issued without a person: the manufacturer's user approves it.
    const issued = await stack.call('POST', `/recalls/${candidates[0].id}/approve`, tokens.manufacturer);
    expect(issued.json().status).toBe('issued');
    await eventually(
      () => transitions('none', 'candidate'),
      (n) => n === 1,
      'the candidate counted',
    );
    expect(await transitions('candidate', 'issued')).toBe(1);
  });
});
