import os from 'node:os';
import { topicsWithPrefix, type EpcisEventMessage } from '@pedigree/contracts';
import { createKafkaClient, EnvelopeProducer } from '@pedigree/kafka';
import { createLogger } from '@pedigree/observability';
import { kafkaBrokers } from '@pedigree/testing';
import { startBenchService } from './bench-service';
import { machineSummary, percentile } from './report';
import {
  DISTRIBUTORS,
  inParallel,
  lotStory,
  MANUFACTURER,
  messagesOf,
  ms,
  observe,
  pack,
  PHARMACIES,
  pgln,
  sgln,
  sscc,
  timed,
  type Capture,
  type LotFacts,
} from './supply-chain';

// GET /events of the serialization service on a store of BENCH_EVENTS events (default 1 M), one common EPCIS query
// parameter at a time, as an admin (sees every event), as the manufacturer and as a distributor (the visibility rule
// applies to both): p50/p99 of BENCH_QUERIES requests each (default 200, BENCH_QUERY_CONCURRENCY in flight, default
// 4), each with values drawn at random from what was loaded. The store is the recall benchmark's supply chain (lots of BENCH_LOT_PACKS packs in
// cases of 20 and pallets of 25 cases, shipped on through two distributors to six pharmacies, some dispensed) plus a
// temperature and humidity reading (sensorElementList, at a cold-room sub-location) at every receipt, and a sampling
// event per pallet naming the lot's class (quantityList). The events reach the service through its real projection:
// they are published to its `epcis.events.v1` as typed envelopes exactly as its capture publishes them, and its
// projector stores them (rows, EPC index, registry) as it does every captured event.
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const LOT_PACKS = Number(process.env.BENCH_LOT_PACKS ?? 100_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 200);
const QUERY_CONCURRENCY = Number(process.env.BENCH_QUERY_CONCURRENCY ?? 4);
/** Untimed requests of each parameter before its timed ones (first plans, caches). */
const WARMUP_QUERIES = 5;
/** BENCH_ONLY=EQ_bizStep,MATCH_epc runs those parameters only (names as in the report). */
const ONLY = process.env.BENCH_ONLY?.split(',');
/** BENCH_KEEP=1 leaves the database in place after the run (for EXPLAIN ANALYZE of a parameter's SQL). */
const KEEP = process.env.BENCH_KEEP === '1';
/**
 * BENCH_DATABASE_URL: measure on a database kept by an earlier run with the same BENCH_EVENTS and BENCH_LOT_PACKS
 * (migrated to this build first) instead of loading one; the story is written again, unpublished, for the values.
 */
const REUSE = process.env.BENCH_DATABASE_URL;
const SHAPE = { casePacks: 20, palletCases: 25 };
const SEND_BATCH = 2_000;
const GOAL_P99_MS = 50;
for (const [name, value] of Object.entries({ EVENTS, LOT_PACKS, QUERIES, QUERY_CONCURRENCY }))
  if (!(Number.isInteger(value) && value >= 1)) throw new Error(`BENCH_${name} must be a whole number ≥ 1`);

const PROJECTOR_GROUP = 'serialization.projector';
const DISTRIBUTOR = DISTRIBUTORS[0]!;
const PARTIES = [MANUFACTURER, ...DISTRIBUTORS, ...PHARMACIES];
const lotClass = (lot: number) => `urn:epc:class:lgtin:0614141.107346.LOT${lot}`;
/** A party's cold room: a sub-location of its GLN (the GLN with extension COLD1, AI 254). */
const coldRoom = (gln: string) => `urn:epc:id:sgln:${gln.slice(0, 7)}.${gln.slice(7, 12)}.COLD1`;

/** What was loaded, for drawing query values that exist. */
interface Loaded {
  /** Packs commissioned per lot (the last lot may be cut short). */
  lotPacks: number[];
  firstEventTime: number;
  lastEventTime: number;
  firstRecordTime: number;
  lastRecordTime: number;
  /** The shipping notices (desadv) of pallets shipped to distributors. */
  desadvs: string[];
}

/** A deterministic reading, about one in twelve above 8 °C. */
const reading = (n: number) => 2 + ((n * 7919) % 85) / 10;

/**
 * One lot of the story with the extra events the query parameters need: after each receipt the receiver's reading of
 * the goods in its cold room, after each of the manufacturer's pallets a sampling of two units of the lot.
 */
function* lotWithReadings(lot: number, loaded: Loaded): Generator<Capture> {
  const facts: LotFacts = { packs: 0, dispensed: 0, events: 0 };
  let readings = 0;
  for (const capture of lotStory(lot, LOT_PACKS, facts, SHAPE)) {
    yield capture;
    const first = capture.events[0] as { bizStep?: string; epcList?: string[] };
    if (capture.by === MANUFACTURER) {
      const { epcList: _none, ...sampling } = observe([], 'inspecting', 'active', MANUFACTURER.party, {
        quantityList: [{ epcClass: lotClass(lot), quantity: 2 }],
      });
      yield { key: `s:${capture.key}`, by: MANUFACTURER, events: [sampling] };
    } else if (first.bizStep === 'receiving') {
      const n = readings++;
      const room = coldRoom(capture.by.party);
      const event = observe(first.epcList ?? [], 'storing', 'sellable_accessible', capture.by.party, {
        readPoint: { id: room },
        bizLocation: { id: room },
        sensorElementList: [
          {
            sensorMetadata: { deviceID: `urn:epc:id:giai:${capture.by.party.slice(0, 7)}.LOGGER${n % 10}` },
            sensorReport: [
              { type: 'gs1:Temperature', value: reading(n + lot), uom: 'CEL' },
              { type: 'gs1:RelativeHumidity', value: 40 + (n % 20), uom: 'A93' },
            ],
          },
        ],
      });
      yield { key: `r:${capture.key}`, by: capture.by, events: [event] };
    }
    for (const event of capture.events as Array<{ bizStep?: string; bizTransactionList?: unknown }>)
      if (event.bizStep === 'shipping' && capture.by === MANUFACTURER)
        for (const t of event.bizTransactionList as Array<{ bizTransaction: string }>)
          loaded.desadvs.push(t.bizTransaction);
  }
  loaded.lotPacks[lot] = facts.packs;
}

const random = (n: number) => Math.floor(Math.random() * n);
const pick = <T>(values: readonly T[]): T => values[random(values.length)]!;
const iso = (t: number) => new Date(t).toISOString();
const q = (params: Record<string, string>) => `/events?${new URLSearchParams(params).toString()}`;

/** The parameters measured, each a generator of a query with values drawn from what was loaded. */
function parameterQueries(loaded: Loaded): Array<[string, () => string]> {
  const lots = loaded.lotPacks.length;
  const randomPack = () => {
    const lot = random(lots);
    return pack(lot, random(loaded.lotPacks[lot]!));
  };
  const randomContainer = (level: 1 | 2) => {
    const lot = random(lots);
    const cases = Math.ceil(loaded.lotPacks[lot]! / SHAPE.casePacks);
    return sscc(level, lot, random(level === 1 ? cases : Math.ceil(cases / SHAPE.palletCases)));
  };
  const eventTime = () => loaded.firstEventTime + random(loaded.lastEventTime - loaded.firstEventTime);
  const party = () => pick(PARTIES).party;
  const recordTime = () =>
    iso(loaded.firstRecordTime + random(loaded.lastRecordTime - loaded.firstRecordTime));
  return [
    ['eventType', () => q({ eventType: pick(['ObjectEvent', 'AggregationEvent']) })],
    [
      'EQ_bizStep',
      () =>
        q({
          EQ_bizStep: pick([
            'commissioning',
            'packing',
            'shipping',
            'receiving',
            'unpacking',
            'dispensing',
            'storing',
            'inspecting',
          ]),
        }),
    ],
    [
      'EQ_disposition',
      () => q({ EQ_disposition: pick(['active', 'in_transit', 'sellable_accessible', 'dispensed']) }),
    ],
    ['EQ_action', () => q({ EQ_action: pick(['ADD', 'OBSERVE', 'DELETE']) })],
    [
      'GE_eventTime+LT_eventTime (1 h)',
      () => {
        const t = eventTime();
        return q({ GE_eventTime: iso(t), LT_eventTime: iso(t + 3_600_000) });
      },
    ],
    // A poll: what was recorded in the last hour of the store.
    ['GE_recordTime (last hour)', () => q({ GE_recordTime: iso(loaded.lastRecordTime - random(3_600_000)) })],
    // Any time, in record time order (the order that reads a record time range by its index).
    [
      'GE_recordTime+orderBy=recordTime (any time)',
      () => q({ GE_recordTime: recordTime(), orderBy: 'recordTime', orderDirection: 'ASC' }),
    ],
    // Any time, without orderBy: a record time window is served in record time order (pageOrder).
    ['GE_recordTime (any time)', () => q({ GE_recordTime: recordTime() })],
    // Any time in event time order: the events recorded after it are those of later event times, which a walk in
    // event time order reaches only after the earlier ones, and the record time index gives unsorted.
    [
      'GE_recordTime+orderBy=eventTime (any time)',
      () => q({ GE_recordTime: recordTime(), orderBy: 'eventTime', orderDirection: 'ASC' }),
    ],
    ['MATCH_epc (one pack)', () => q({ MATCH_epc: randomPack() })],
    ['MATCH_anyEPC (one case)', () => q({ MATCH_anyEPC: randomContainer(1) })],
    ['MATCH_parentID (one pallet)', () => q({ MATCH_parentID: randomContainer(2) })],
    ['EQ_bizLocation', () => q({ EQ_bizLocation: sgln(party()) })],
    ['EQ_readPoint', () => q({ EQ_readPoint: pick([sgln, coldRoom])(party()) })],
    ['WD_bizLocation', () => q({ WD_bizLocation: sgln(party()) })],
    ['EQ_bizTransaction_desadv', () => q({ EQ_bizTransaction_desadv: pick(loaded.desadvs) })],
    ['EQ_source_owning_party', () => q({ EQ_source_owning_party: pgln(party()) })],
    ['EQ_destination_owning_party', () => q({ EQ_destination_owning_party: pgln(party()) })],
    ['MATCH_epcClass (lot class)', () => q({ MATCH_epcClass: lotClass(random(lots)) })],
    ['EQ_ILMD_cbvmda:lotNumber', () => q({ 'EQ_ILMD_cbvmda:lotNumber': `LOT${random(lots)}` })],
    ['EXISTS_sensorElementList', () => q({ EXISTS_sensorElementList: '' })],
    ['GE_value_CEL', () => q({ GE_value_CEL: String(7 + random(3)) })],
    [
      'orderBy=eventTime DESC, eventCountLimit',
      () => q({ orderBy: 'eventTime', orderDirection: 'DESC', eventCountLimit: '50' }),
    ],
  ];
}

async function main(): Promise<void> {
  const { service, db, issuer, topicPrefix, serviceEnv, stop } = await startBenchService(
    'serialization',
    {},
    REUSE,
  );
  const topic = topicsWithPrefix(topicPrefix).epcisEvents;
  const kafka = createKafkaClient({
    brokers: kafkaBrokers(),
    clientId: 'bench',
    logger: createLogger('bench', 'silent'),
  });
  const admin = kafka.admin();
  await admin.connect();
  const producer = new EnvelopeProducer(kafka, 'serialization');
  const principals = {
    admin: await issuer.token({ sub: 'bench-admin', party: MANUFACTURER.party, roles: ['admin'], gcp: [] }),
    // The party that captured most events (every commissioning, packing and first shipment).
    manufacturer: await issuer.token({
      sub: 'bench-manufacturer',
      party: MANUFACTURER.party,
      roles: ['manufacturer'],
      gcp: MANUFACTURER.gcps,
    }),
    distributor: await issuer.token({
      sub: 'bench-distributor',
      party: DISTRIBUTOR.party,
      roles: ['distributor'],
      gcp: DISTRIBUTOR.gcps,
    }),
  };

  async function topicProgress(): Promise<{ published: number; projected: number }> {
    const [ends, [committed]] = await Promise.all([
      admin.fetchTopicOffsets(topic.name),
      admin.fetchOffsets({ groupId: topicPrefix + PROJECTOR_GROUP, topics: [topic.name] }),
    ]);
    return {
      published: ends.reduce((sum, p) => sum + Number(p.high), 0),
      projected: (committed?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0),
    };
  }

  // Load: lots until EVENTS events are published (the last lot is cut short where it reaches them). Each capture is
  // recorded five minutes after its last event.
  const loaded: Loaded = {
    lotPacks: [],
    firstEventTime: Infinity,
    lastEventTime: 0,
    firstRecordTime: Infinity,
    lastRecordTime: 0,
    desadvs: [],
  };
  let published = 0;
  let pending: Array<{ key: string; payload: EpcisEventMessage }> = [];
  const started = Date.now();
  const flush = async () => {
    if (!REUSE) await producer.publish(topic, pending);
    published += pending.length;
    pending = [];
    process.stderr.write(`\rpublished ${published}/${EVENTS} events`);
  };
  loading: for (let lot = 0; ; lot++) {
    for (const capture of lotWithReadings(lot, loaded)) {
      const times = capture.events.map((e) => Date.parse(e.eventTime as string));
      const recordTime = Math.max(...times) + 300_000;
      loaded.firstEventTime = Math.min(loaded.firstEventTime, ...times);
      loaded.lastEventTime = Math.max(loaded.lastEventTime, ...times);
      loaded.firstRecordTime = Math.min(loaded.firstRecordTime, recordTime);
      loaded.lastRecordTime = Math.max(loaded.lastRecordTime, recordTime);
      if (REUSE) published += capture.events.length;
      else pending.push(...messagesOf(capture, iso(recordTime)));
      if (pending.length >= SEND_BATCH) await flush();
      if (published + pending.length >= EVENTS) break loading;
    }
  }
  if (pending.length > 0) await flush();
  process.stderr.write('\n');
  for (
    let progress = await topicProgress();
    progress.projected < progress.published;
    progress = await topicProgress()
  ) {
    process.stderr.write(`\rprojected ${progress.projected}/${progress.published} events   `);
    await new Promise((r) => setTimeout(r, 1000));
  }
  const loadSeconds = (Date.now() - started) / 1000;
  process.stderr.write('\n');
  const storedEvents = Number((await db.query('SELECT count(*) AS n FROM events')).rows[0].n);
  if (storedEvents !== published) throw new Error(`${storedEvents} events stored of ${published} published`);
  // The tables as autovacuum keeps them in a running system: planner statistics and the visibility map.
  await db.query('VACUUM ANALYZE');

  const get = async (path: string, token: string) => {
    const response = await fetch(service.baseUrl + path, { headers: { authorization: `Bearer ${token}` } });
    const body = await response.text();
    if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${body}`);
    return { response, body };
  };
  const eventsIn = (body: string) =>
    (JSON.parse(body) as { epcisBody: { queryResults: { resultsBody: { eventList: unknown[] } } } }).epcisBody
      .queryResults.resultsBody.eventList.length;

  // Page 2: the first page of a query by business step or location, untimed; the page its Link names, timed.
  const secondPage = async (path: string, token: string) => {
    const first = await get(path, token);
    const link = /<([^>]+)>;\s*rel="next"/.exec(first.response.headers.get('link') ?? '')?.[1];
    if (!link) return { ms: undefined, events: 0 };
    const next = new URL(link, service.baseUrl);
    const [page, time] = await timed(() => get(next.pathname + next.search, token));
    return { ms: time, events: eventsIn(page.body) };
  };

  const loadBefore = os.loadavg();
  const queryStarted = Date.now();
  const results: Array<{
    parameter: string;
    principal: keyof typeof principals;
    p50Ms: number;
    p99Ms: number;
    maxMs: number;
    meanEvents: number;
  }> = [];
  const allMs: number[] = [];
  const pageTwo = () =>
    pick([
      q({ EQ_bizStep: pick(['commissioning', 'shipping', 'receiving']), perPage: '100' }),
      q({ EQ_bizLocation: sgln(pick(PARTIES).party), perPage: '100' }),
    ]);
  const cases: Array<[string, () => string]> = [
    ...parameterQueries(loaded),
    ['nextPageToken (page 2)', pageTwo],
  ];
  for (const [parameter, make] of cases) {
    if (ONLY && !ONLY.includes(parameter.split(' ')[0]!)) continue;
    for (const principal of Object.keys(principals) as Array<keyof typeof principals>) {
      const token = principals[principal];
      const measure = async (path: string) =>
        parameter.startsWith('nextPageToken')
          ? secondPage(path, token)
          : (async () => {
              const [answer, time] = await timed(() => get(path, token));
              return { ms: time, events: eventsIn(answer.body) };
            })();
      for (let i = 0; i < WARMUP_QUERIES; i++) await measure(make());
      const times: number[] = [];
      let events = 0;
      await inParallel(
        Array.from({ length: QUERIES }, () => make()),
        QUERY_CONCURRENCY,
        async (path) => {
          const result = await measure(path);
          if (result.ms === undefined) return;
          times.push(result.ms);
          events += result.events;
        },
      );
      if (times.length === 0) continue;
      allMs.push(...times);
      const row = {
        parameter,
        principal,
        p50Ms: ms(percentile(times, 50)),
        p99Ms: ms(percentile(times, 99)),
        maxMs: ms(Math.max(...times)),
        meanEvents: Number((events / times.length).toFixed(1)),
      };
      results.push(row);
      process.stderr.write(`${JSON.stringify(row)}\n`);
    }
  }
  const loadAfter = os.loadavg();

  const over = results.filter((r) => r.p99Ms > GOAL_P99_MS);
  const worst = results.reduce((a, b) => (b.p99Ms > a.p99Ms ? b : a));
  console.log(
    JSON.stringify({
      benchmark: 'serialization GET /events per common query parameter, admin, manufacturer and distributor',
      events: published,
      lots: loaded.lotPacks.length,
      lotPacks: LOT_PACKS,
      ...(REUSE
        ? { loaded: 'kept database of an earlier run' }
        : {
            loadEndToEndEventsPerSecond: Math.round(published / loadSeconds),
            loadSeconds: Number(loadSeconds.toFixed(1)),
          }),
      queriesPerParameter: QUERIES,
      queryConcurrency: QUERY_CONCURRENCY,
      parameters: results,
      summary: {
        measured: results.length,
        overallP50Ms: ms(percentile(allMs, 50)),
        overallP99Ms: ms(percentile(allMs, 99)),
        worstP99: { parameter: worst.parameter, principal: worst.principal, p99Ms: worst.p99Ms },
        goalP99Ms: GOAL_P99_MS,
        overGoal: over.map((r) => `${r.parameter} (${r.principal}): ${r.p99Ms} ms`),
        querySeconds: Number(((Date.now() - queryStarted) / 1000).toFixed(1)),
        loadAverageBefore: loadBefore.map((l) => Number(l.toFixed(2))),
        loadAverageAfter: loadAfter.map((l) => Number(l.toFixed(2))),
      },
      machine: machineSummary(),
    }),
  );
  await producer.disconnect();
  await admin.disconnect();
  if (KEEP) {
    await db.end();
    await service.stop();
    process.stderr.write(`database kept: ${serviceEnv.DATABASE_URL}\n`);
  } else await stop();
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
