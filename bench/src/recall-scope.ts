import type { Client } from 'pg';
import { topicsWithPrefix, type EpcisEventMessage } from '@pedigree/contracts';
import { canonicalIdentifier } from '@pedigree/epcis';
import { createKafkaClient, EnvelopeProducer } from '@pedigree/kafka';
import { createLogger } from '@pedigree/observability';
import { kafkaBrokers } from '@pedigree/testing';
import { startBenchService } from './bench-service';
import { machineSummary, median, percentile } from './report';
import {
  GTIN,
  inParallel,
  lotStory,
  MANUFACTURER,
  messagesOf,
  ms,
  pack,
  timed,
  type LotFacts,
} from './supply-chain';

// The recall service on a store of BENCH_EVENTS events (default 1 M): lots of BENCH_LOT_PACKS packs (default
// 100,000) in three aggregation levels (packs → cases of BENCH_CASE_PACKS → pallets of BENCH_PALLET_CASES cases),
// part of them shipped to two distributors, unpacked and sent on to six pharmacies, some packs dispensed. The events
// reach the service through its real path, `epcis.events.v1` consumed by its projection; they are published to the
// topic directly, as typed envelopes exactly as the serialization service's capture publishes them (GS1 event hash,
// capturer, roles, company prefixes), which loads faster than capturing them over HTTP through serialization.
// Then, on the first lot: its recall scope (summary and first page) beside one hand-written recursive SQL query of the
// same scope on the same database; its CSV streamed whole; the trace of one pack; the lot's distribution.
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const LOT_PACKS = Number(process.env.BENCH_LOT_PACKS ?? 100_000);
const CASE_PACKS = Number(process.env.BENCH_CASE_PACKS ?? 20);
const PALLET_CASES = Number(process.env.BENCH_PALLET_CASES ?? 25);
const SCOPE_RUNS = Number(process.env.BENCH_SCOPE_RUNS ?? 20);
const CSV_RUNS = Number(process.env.BENCH_CSV_RUNS ?? 3);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 500);
const QUERY_CONCURRENCY = Number(process.env.BENCH_QUERY_CONCURRENCY ?? 4);
const FIRST_PAGE = 500;
/** Messages per producer request while loading. */
const SEND_BATCH = 2_000;
for (const [name, value] of Object.entries({
  EVENTS,
  LOT_PACKS,
  CASE_PACKS,
  PALLET_CASES,
  SCOPE_RUNS,
  CSV_RUNS,
  QUERIES,
}))
  if (!(Number.isInteger(value) && value >= 1)) throw new Error(`BENCH_${name} must be a whole number ≥ 1`);

const PROJECTOR_GROUP = 'recall.projector';

/**
 * The hand-written peer: one recursive SQL query over the stored events (not the service's `holdings` projection)
 * for the same scope — the lot's packs, the chain of containers each sits in now (the newest packing of it not undone
 * by a later unpacking), and its newest event over itself and that chain, which gives status and holder — answering
 * the status counts and the first page in key order, as the service's scope answer does.
 */
const PEER_SQL = `
WITH RECURSIVE
lot_packs AS (
  SELECT DISTINCT i.key
  FROM events e JOIN event_epcs i ON i.event_hash = e.event_hash AND i.role = 'epc'
  WHERE e.lot = $1 AND e.biz_step = 'commissioning' AND i.key LIKE $2
),
chain(pack, key, depth, now) AS (
  SELECT key, key, 0, true FROM lot_packs
  UNION ALL
  SELECT chain.pack, inside.parent, chain.depth + 1,
         chain.now AND NOT EXISTS (
           SELECT 1 FROM event_epcs up JOIN events u ON u.event_hash = up.event_hash
           WHERE up.key = inside.parent AND up.role = 'parent' AND up.event_type = 'AggregationEvent'
             AND u.action = 'DELETE' AND u.event_time > inside.event_time AND u.error_declared_at IS NULL
             AND (NOT EXISTS (SELECT 1 FROM event_epcs k WHERE k.event_hash = u.event_hash AND k.role = 'child')
                  OR EXISTS (SELECT 1 FROM event_epcs k WHERE k.event_hash = u.event_hash AND k.role = 'child'
                                                           AND k.key = chain.key)))
  FROM chain
  CROSS JOIN LATERAL (
    SELECT p.key AS parent, e.event_time
    FROM event_epcs c
    JOIN events e ON e.event_hash = c.event_hash AND e.action = 'ADD' AND e.error_declared_at IS NULL
    JOIN event_epcs p ON p.event_hash = c.event_hash AND p.role = 'parent'
    WHERE c.key = chain.key AND c.role = 'child' AND c.event_type = 'AggregationEvent'
    ORDER BY e.event_time DESC LIMIT 1
  ) inside
  WHERE chain.depth < 10
),
latest AS (
  SELECT DISTINCT ON (chain.pack) chain.pack, e.disposition, e.event_time
  FROM chain
  JOIN event_epcs n ON n.key = chain.key AND n.role = 'epc' AND n.event_type = 'ObjectEvent'
  JOIN events e ON e.event_hash = n.event_hash AND e.error_declared_at IS NULL
  WHERE chain.now
  ORDER BY chain.pack, e.event_time DESC
),
holder AS (
  SELECT DISTINCT ON (chain.pack) chain.pack, e.destination_parties[1] AS party
  FROM chain
  JOIN event_epcs n ON n.key = chain.key AND n.role = 'epc' AND n.event_type = 'ObjectEvent'
  JOIN events e ON e.event_hash = n.event_hash AND e.biz_step = 'receiving' AND e.error_declared_at IS NULL
  ORDER BY chain.pack, e.event_time DESC
),
scope AS (
  SELECT l.pack AS key,
         CASE l.disposition WHEN 'sellable_accessible' THEN 'active' ELSE l.disposition END AS status,
         coalesce(h.party, $3) AS holder,
         c.key AS container,
         l.event_time AS last_event_time
  FROM latest l LEFT JOIN holder h ON h.pack = l.pack
       LEFT JOIN chain c ON c.pack = l.pack AND c.depth = 1 AND c.now
)
SELECT json_build_object(
  'byStatus', (SELECT json_object_agg(status, n) FROM (SELECT status, count(*) AS n FROM scope GROUP BY status) s),
  'items', (SELECT json_agg(x) FROM (SELECT * FROM scope ORDER BY key COLLATE "C" LIMIT ${FIRST_PAGE}) x)
) AS answer`;

async function main(): Promise<void> {
  const { service, db, manufacturerToken: token, topicPrefix, stop } = await startBenchService('recall');
  const topic = topicsWithPrefix(topicPrefix).epcisEvents;
  const kafka = createKafkaClient({
    brokers: kafkaBrokers(),
    clientId: 'bench',
    logger: createLogger('bench', 'silent'),
  });
  const admin = kafka.admin();
  await admin.connect();
  const producer = new EnvelopeProducer(kafka, 'serialization');

  /** Messages on the topic, and messages the projector has committed (after their transaction). */
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

  // Load: lots of LOT_PACKS packs until EVENTS events are published (the last lot is cut short where it reaches them).
  const recalled: LotFacts = { packs: 0, dispensed: 0, events: 0 };
  let published = 0;
  let pending: Array<{ key: string; payload: EpcisEventMessage }> = [];
  const recordTime = new Date().toISOString();
  const started = Date.now();
  const flush = async () => {
    await producer.publish(topic, pending);
    published += pending.length;
    pending = [];
    process.stderr.write(`\rpublished ${published}/${EVENTS} events`);
  };
  loading: for (let lot = 0; ; lot++) {
    const facts = lot === 0 ? recalled : { packs: 0, dispensed: 0, events: 0 };
    for (const capture of lotStory(lot, LOT_PACKS, facts, {
      casePacks: CASE_PACKS,
      palletCases: PALLET_CASES,
    })) {
      pending.push(...messagesOf(capture, recordTime));
      if (pending.length >= SEND_BATCH) await flush();
      if (published + pending.length >= EVENTS && lot > 0) break loading;
    }
  }
  if (pending.length > 0) await flush();
  const publishSeconds = (Date.now() - started) / 1000;
  process.stderr.write('\n');
  for (
    let progress = await topicProgress();
    progress.projected < progress.published;
    progress = await topicProgress()
  ) {
    process.stderr.write(`\rprojected ${progress.projected}/${progress.published} events   `);
    await new Promise((r) => setTimeout(r, 500));
  }
  const loadSeconds = (Date.now() - started) / 1000;
  process.stderr.write('\n');
  const storedEvents = Number((await db.query('SELECT count(*) AS n FROM events')).rows[0].n);
  if (storedEvents !== published) throw new Error(`${storedEvents} events stored of ${published} published`);
  // Rows the projection wrote (inserted, updated, deleted) into the holdings and custody tables during the load.
  await new Promise((r) => setTimeout(r, 1500)); // table statistics reach pg_stat within a second
  const writes = (
    await db.query<{ table: string; n: string }>(
      `SELECT relname AS table, n_tup_ins + n_tup_upd + n_tup_del AS n FROM pg_stat_user_tables
       WHERE relname IN ('holdings', 'custody_changes')`,
    )
  ).rows.reduce((sum, r) => ({ ...sum, [r.table]: Number(r.n) }), {} as Record<string, number>);
  // The tables as autovacuum keeps them in a running system: planner statistics (stale right after a bulk load) and the
  // visibility map, without which the distribution's index-only count visits every pack's heap row (as the
  // verification benchmark does; the peer's query reads the same vacuumed tables).
  await db.query('VACUUM ANALYZE');

  const get = async (path: string, accept?: string) => {
    const response = await fetch(service.baseUrl + path, {
      headers: { authorization: `Bearer ${token}`, ...(accept ? { accept } : {}) },
    });
    const body = Buffer.from(await response.arrayBuffer());
    if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${body.toString()}`);
    return { response, body };
  };

  // The recall of the first lot: a draft is enough to read its scope.
  const created = await fetch(`${service.baseUrl}/recalls`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      gtin: GTIN,
      lots: ['LOT0'],
      classification: 'class-II',
      depth: 'consumer',
      reason: 'bench',
      effectivenessCheckLevel: 'B',
    }),
  });
  if (created.status !== 201)
    throw new Error(`POST /recalls answered ${created.status}: ${await created.text()}`);
  const recallId = ((await created.json()) as { id: string }).id;

  // The peer's estimates are far off (recursion), which makes PostgreSQL JIT-compile it for seconds at every run; a
  // person tuning that query by hand switches JIT off for it, so the bench does (the service's queries never reach it).
  await db.query('SET jit = off');
  const peerParameters = ['LOT0', `https://id.gs1.org/01/${GTIN}/21/%`, MANUFACTURER.party];
  if (process.env.BENCH_EXPLAIN === '1')
    for (const row of (await db.query(`EXPLAIN (ANALYZE, BUFFERS) ${PEER_SQL}`, peerParameters)).rows)
      process.stderr.write(`${row['QUERY PLAN']}\n`);

  // Scope, summary and first page: the service, then the peer, alternating so that both see the same machine.
  const serviceMs: number[] = [];
  const peerMs: number[] = [];
  let serviceAnswer:
    | {
        units: number;
        byStatus: Record<string, number>;
        items: Array<{ epc: string; status: string; holder: string | null; container: string | null }>;
      }
    | undefined;
  let peerAnswer:
    | {
        byStatus: Record<string, number>;
        items: Array<{ key: string; status: string; holder: string | null; container: string | null }>;
      }
    | undefined;
  for (let run = 0; run <= SCOPE_RUNS; run++) {
    const [answer, serviceTime] = await timed(async () =>
      JSON.parse((await get(`/recalls/${recallId}/scope?perPage=${FIRST_PAGE}`)).body.toString()),
    );
    const [peer, peerTime] = await timed(
      async () => (await (db as Client).query(PEER_SQL, peerParameters)).rows[0].answer,
    );
    // The first run of each warms caches and is not counted.
    if (run > 0) {
      serviceMs.push(serviceTime);
      peerMs.push(peerTime);
    }
    serviceAnswer = answer;
    peerAnswer = peer;
  }
  // Both answer the same scope: the units the story wrote, its dispensed packs, and the same first page.
  const peerUnits = Object.values(peerAnswer!.byStatus).reduce((a, b) => a + b, 0);
  if (serviceAnswer!.units !== recalled.packs || peerUnits !== recalled.packs)
    throw new Error(
      `scope: service ${serviceAnswer!.units}, peer ${peerUnits}, story ${recalled.packs} packs`,
    );
  if (
    serviceAnswer!.byStatus.dispensed !== recalled.dispensed ||
    peerAnswer!.byStatus.dispensed !== recalled.dispensed
  )
    throw new Error(
      `dispensed: service ${serviceAnswer!.byStatus.dispensed}, peer ${peerAnswer!.byStatus.dispensed}, story ${recalled.dispensed}`,
    );
  const line = (i: { key: string; status: string; holder: string | null; container: string | null }) =>
    `${i.key} ${i.status} ${i.holder ?? ''} ${i.container ?? ''}`;
  const servicePage = serviceAnswer!.items.map((i) =>
    line({
      ...i,
      key: canonicalIdentifier(i.epc),
      container: i.container && canonicalIdentifier(i.container),
    }),
  );
  const peerPage = peerAnswer!.items.map(line);
  const differs = servicePage.findIndex((l, i) => l !== peerPage[i]);
  if (differs >= 0 || servicePage.length !== peerPage.length)
    throw new Error(`first pages differ: service «${servicePage[differs]}», peer «${peerPage[differs]}»`);

  // The whole scope as CSV, streamed (and as xlsx, for comparison).
  const csvMs: number[] = [];
  const xlsxMs: number[] = [];
  let csvBytes = 0;
  for (let run = 0; run < CSV_RUNS; run++) {
    const [csv, csvTime] = await timed(() => get(`/recalls/${recallId}/scope?format=csv`));
    const lines = csv.body.toString().trimEnd().split('\r\n').length;
    if (lines !== recalled.packs + 1) throw new Error(`CSV: ${lines} lines for ${recalled.packs} packs`);
    csvBytes = csv.body.length;
    csvMs.push(csvTime);
    xlsxMs.push((await timed(() => get(`/recalls/${recallId}/scope?format=xlsx`)))[1]);
  }

  // Trace of one pack (backward and forward) and the lot's distribution, QUERY_CONCURRENCY in flight.
  const traceMs: number[] = [];
  const traces = Array.from({ length: QUERIES }, () => pack(0, Math.floor(Math.random() * recalled.packs)));
  await inParallel(traces, QUERY_CONCURRENCY, async (epc) => {
    traceMs.push((await timed(() => get(`/trace?epc=${encodeURIComponent(epc)}&direction=both`)))[1]);
  });
  const distributionMs: number[] = [];
  await inParallel(Array.from({ length: QUERIES }), QUERY_CONCURRENCY, async () => {
    distributionMs.push((await timed(() => get(`/lots/${GTIN}/LOT0/distribution`)))[1]);
  });

  console.log(
    JSON.stringify({
      benchmark: 'recall: scope of a lot in three aggregation levels, CSV, trace, distribution',
      events: published,
      lotPacks: recalled.packs,
      casePacks: CASE_PACKS,
      palletCases: PALLET_CASES,
      loadPublishEventsPerSecond: Math.round(published / publishSeconds),
      loadEndToEndEventsPerSecond: Math.round(published / loadSeconds),
      loadSeconds: Number(loadSeconds.toFixed(1)),
      holdingsRowWrites: writes.holdings,
      custodyRowWrites: writes.custody_changes,
      scopeRuns: SCOPE_RUNS,
      scopeFirstPageMedianMs: ms(median(serviceMs)),
      scopeFirstPageMaxMs: ms(Math.max(...serviceMs)),
      scopeGoalMs: 1000,
      peerSqlMedianMs: ms(median(peerMs)),
      peerSqlMaxMs: ms(Math.max(...peerMs)),
      scopeToPeerRatio: Number((median(serviceMs) / median(peerMs)).toFixed(3)),
      csvMedianMs: ms(median(csvMs)),
      csvMiB: Number((csvBytes / 2 ** 20).toFixed(1)),
      csvGoalMs: 5000,
      xlsxMedianMs: ms(median(xlsxMs)),
      queries: QUERIES,
      queryConcurrency: QUERY_CONCURRENCY,
      traceP50Ms: ms(percentile(traceMs, 50)),
      traceP99Ms: ms(percentile(traceMs, 99)),
      traceGoalP99Ms: 50,
      distributionP50Ms: ms(percentile(distributionMs, 50)),
      distributionP99Ms: ms(percentile(distributionMs, 99)),
      distributionGoalP99Ms: 200,
      machine: machineSummary(),
    }),
  );
  await producer.disconnect();
  await admin.disconnect();
  await stop();
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
