import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { topicsWithPrefix, type EpcisEventMessage } from '@pedigree/contracts';
import { documentEventHashes, EPCIS_CONTEXT_URI, type EpcisEvent } from '@pedigree/epcis';
import { createKafkaClient, EnvelopeProducer } from '@pedigree/kafka';
import { createLogger } from '@pedigree/observability';
import { kafkaBrokers, uniqueSuffix } from '@pedigree/testing';
import { startBenchService } from './bench-service';
import { machineSummary, percentile } from './report';

// Readings ingest end to end with everything co-located on this machine: HTTP POST /readings → Kafka → the cold-chain
// service's consumer → PostgreSQL (monthly partitions) → evaluation of the subjects they touch. Beside it, PostgreSQL
// COPY of the same rows into a table of the same shape, measured in the same run. During the load, readings that open
// excursions are posted for a pallet of packs, and the time to their coldchain.excursions.v1 message is measured.
// Then the shipment summary latency of a 30-day shipment with one reading a minute.
const READINGS = Number(process.env.BENCH_READINGS ?? 1_000_000);
const LOGGERS = Number(process.env.BENCH_LOGGERS ?? 100);
const PER_REQUEST = Number(process.env.BENCH_PER_REQUEST ?? 5_000);
const PARALLEL = Number(process.env.BENCH_PARALLEL ?? 8);
const SUMMARIES = Number(process.env.BENCH_SUMMARIES ?? 100);
const GTIN = '10614141073464';
const MINUTE = 60_000;
const START = Date.UTC(2026, 0, 1);

const sscc = (n: number) => {
  const body = `10614141${String(n).padStart(9, '0')}`;
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum += Number(body[body.length - 1 - i]) * (i % 2 === 0 ? 3 : 1);
  return `${body}${(10 - (sum % 10)) % 10}`;
};
const ssccEpc = (n: number) => `urn:epc:id:sscc:0614141.${sscc(n).slice(0, 1)}${sscc(n).slice(8, 17)}`;

/** Commissioning of `packs` packs, their packing into a pallet and a logger associated with it, as captured messages. */
function palletStory(
  run: string,
  pallet: number,
  packs: number,
  logger: string,
  at: number,
): EpcisEventMessage[] {
  const serials = Array.from(
    { length: packs },
    (_, i) => `urn:epc:id:sgtin:0614141.107346.${run}P${pallet}S${i}`,
  );
  const events = [
    {
      type: 'ObjectEvent',
      action: 'ADD',
      eventTime: new Date(at - 3 * MINUTE).toISOString(),
      eventTimeZoneOffset: '+00:00',
      epcList: serials,
      bizStep: 'commissioning',
      ilmd: { 'cbvmda:lotNumber': `LOT${pallet}` },
    },
    {
      type: 'AggregationEvent',
      action: 'ADD',
      eventTime: new Date(at - 2 * MINUTE).toISOString(),
      eventTimeZoneOffset: '+00:00',
      parentID: ssccEpc(pallet),
      childEPCs: serials,
      bizStep: 'packing',
    },
    {
      type: 'AssociationEvent',
      action: 'ADD',
      eventTime: new Date(at - MINUTE).toISOString(),
      eventTimeZoneOffset: '+00:00',
      parentID: logger,
      childEPCs: [ssccEpc(pallet)],
    },
  ];
  const document = {
    '@context': EPCIS_CONTEXT_URI,
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: new Date().toISOString(),
    epcisBody: { eventList: events },
  };
  const hashes = documentEventHashes(document);
  return events.map((event, i) => ({
    eventHash: hashes[i]!,
    captureId: `bench-${run}-${pallet}`,
    capturedBy: '0614141000005',
    capturedByRoles: ['manufacturer'],
    capturedByGcps: ['0614141'],
    recordTime: new Date().toISOString(),
    namespaces: {},
    event: { ...event, eventID: hashes[i] } as unknown as EpcisEvent,
  }));
}

const reading = (time: number, value: number) => ({
  time: new Date(time).toISOString(),
  type: 'Temperature',
  value,
  uom: 'CEL',
});

async function main(): Promise<void> {
  // The service's READINGS_* and EVALUATION_* settings pass through (e.g. READINGS_CONSUMER_CONCURRENCY=6).
  const settings = Object.entries(process.env).filter(
    (entry): entry is [string, string] => /^(READINGS|EVALUATION)_/.test(entry[0]) && entry[1] !== undefined,
  );
  const bench = await startBenchService('cold-chain', {
    EVALUATION_POLL_MS: '200',
    ...Object.fromEntries(settings),
  });
  const run = uniqueSuffix()
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(-8);
  const topics = topicsWithPrefix(bench.topicPrefix);
  const kafka = createKafkaClient({
    brokers: kafkaBrokers(),
    clientId: 'bench-coldchain',
    logger: createLogger('bench', 'warn'),
  });
  const producer = new EnvelopeProducer(kafka, 'bench');
  const base = bench.service.baseUrl;
  const headers = { authorization: `Bearer ${bench.manufacturerToken}`, 'content-type': 'application/json' };
  const post = async (body: unknown) => {
    const response = await fetch(`${base}/readings`, { method: 'POST', headers, body: JSON.stringify(body) });
    if (response.status !== 202)
      throw new Error(`POST /readings answered ${response.status}: ${await response.text()}`);
  };
  const put = await fetch(`${base}/profiles/${GTIN}`, {
    method: 'PUT',
    headers,
    body: JSON.stringify({ storage: 'refrigerated', excursionBudgetMinutes: 100_000 }),
  });
  if (put.status !== 200) throw new Error(`PUT /profiles answered ${put.status}`);

  // Pallet 1: the excursion probe (10 packs, its own logger); pallet 2: the 30-day shipment (10 packs).
  const probeLogger = `urn:epc:id:giai:0614141.${run}PROBE`;
  const monthLogger = `urn:epc:id:giai:0614141.${run}MONTH`;
  const stories = [
    ...palletStory(run, 1, 10, probeLogger, START),
    ...palletStory(run, 2, 10, monthLogger, START),
  ];
  await producer.publish(
    topics.epcisEvents,
    stories.map((payload) => ({ key: payload.captureId, payload })),
  );
  const waitFor = async (what: string, probe: () => Promise<boolean>, timeoutMs = 600_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await probe())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const count = async (sql: string) => Number((await bench.db.query<{ n: string }>(sql)).rows[0]!.n);
  await waitFor(
    'the pallets consumed',
    async () => (await count(`SELECT count(*) AS n FROM associations`)) === 2,
  );

  // The excursion messages, as they arrive.
  const arrivals = new Map<string, number>();
  const consumer = kafka.consumer({ groupId: `${bench.topicPrefix}bench-excursions` });
  await consumer.connect();
  await consumer.subscribe({ topic: topics.coldchainExcursions.name, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const envelope = JSON.parse(message.value!.toString()) as { payload: { startedAt: string } };
      if (!arrivals.has(envelope.payload.startedAt)) arrivals.set(envelope.payload.startedAt, Date.now());
    },
  });

  // The load: LOGGERS loggers, one reading a minute each, PER_REQUEST readings per request, PARALLEL requests at once.
  const perLogger = Math.ceil(READINGS / LOGGERS);
  const requests: Array<{ loggerId: string; readings: ReturnType<typeof reading>[] }> = [];
  for (let l = 0; l < LOGGERS; l++)
    for (let first = 0; first < perLogger; first += PER_REQUEST)
      requests.push({
        loggerId: `${run}-L${l}`,
        readings: Array.from({ length: Math.min(PER_REQUEST, perLogger - first) }, (_, i) =>
          reading(START + (first + i) * MINUTE, 5),
        ),
      });
  const total = requests.reduce((sum, r) => sum + r.readings.length, 0);
  const posted = new Map<string, number>();
  let probeMinute = 0;
  /** How long the probe's POST took (202 once Kafka acknowledged it), seconds: part of the excursion latency. */
  const probeAcknowledged: number[] = [];
  let loading = true;
  const probe = (async () => {
    // Every 500 ms, one excursion on the probe pallet: an in-range reading, then one out of range a minute later.
    while (loading) {
      const at = START + probeMinute * MINUTE;
      probeMinute += 2;
      const sent = Date.now();
      posted.set(new Date(at + MINUTE).toISOString(), sent);
      await post({ loggerId: probeLogger, readings: [reading(at, 5), reading(at + MINUTE, 12)] });
      probeAcknowledged.push((Date.now() - sent) / 1000);
      await new Promise((r) => setTimeout(r, 500));
    }
  })();
  const started = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      while (next < requests.length) await post(requests[next++]!);
    }),
  );
  const acknowledged = Date.now();
  await waitFor(
    'every reading stored',
    async () => (await count(`SELECT count(*) AS n FROM readings WHERE logger_id LIKE '${run}-L%'`)) >= total,
  );
  const stored = Date.now();
  loading = false;
  await probe;
  await waitFor(
    'every subject evaluated',
    async () => (await count(`SELECT count(*) AS n FROM dirty_subjects`)) === 0,
  );
  await waitFor(
    'every probe excursion published',
    async () => [...posted.keys()].every((startedAt) => arrivals.has(startedAt)),
    120_000,
  );
  const evaluated = Date.now();
  const latencies = [...posted].map(([startedAt, at]) => (arrivals.get(startedAt)! - at) / 1000);

  // PostgreSQL COPY of the same rows (server-side, from a CSV file), into a partitioned table of the same shape.
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-coldchain-'));
  const file = path.join(dir, 'readings.csv');
  writeFileSync(
    file,
    requests
      .flatMap((r) => r.readings.map((x) => `${r.loggerId}-copy,${x.time},${x.value},,,CEL`))
      .join('\n') + '\n',
  );
  await bench.db.query(`CREATE TABLE readings_copy (LIKE readings INCLUDING ALL)`);
  // psql's \copy streams the file through a client connection, as a loader would (a server-side COPY from a file needs
  // the pg_read_server_files role).
  const { host, port, user, database } = (
    bench.db as unknown as {
      connectionParameters: { host: string; port: number; user: string; database: string };
    }
  ).connectionParameters;
  const copyStart = Date.now();
  execFileSync('psql', [
    '-q',
    '-h',
    host,
    '-p',
    String(port),
    '-U',
    user,
    '-d',
    database,
    '-c',
    `\\copy readings_copy (logger_id, time, celsius, min_celsius, max_celsius, uom) FROM '${file}' WITH (FORMAT csv)`,
  ]);
  const copySeconds = (Date.now() - copyStart) / 1000;
  rmSync(dir, { recursive: true, force: true });

  // A 30-day shipment, one reading a minute (43,200 readings), then its summary's latency.
  const month = Array.from({ length: 43_200 }, (_, i) => reading(START + i * MINUTE, i % 1440 < 30 ? 9 : 5));
  for (let i = 0; i < month.length; i += PER_REQUEST)
    await post({ loggerId: monthLogger, readings: month.slice(i, i + PER_REQUEST) });
  await waitFor(
    'the 30-day shipment stored',
    async () =>
      (await count(
        `SELECT count(*) AS n FROM readings WHERE logger_id = '${monthLogger.replace('urn:epc:id:giai:0614141.', 'https://id.gs1.org/8004/0614141')}'`,
      )) === 43_200,
  );
  await waitFor(
    'the 30-day shipment evaluated',
    async () => (await count(`SELECT count(*) AS n FROM dirty_subjects`)) === 0,
  );
  const summaries: number[] = [];
  for (let i = 0; i < SUMMARIES; i++) {
    const t0 = process.hrtime.bigint();
    const response = await fetch(`${base}/shipments/${sscc(2)}/temperature`, { headers });
    const body = (await response.json()) as { readings: number };
    if (response.status !== 200 || body.readings !== 43_200)
      throw new Error(`summary answered ${response.status}: ${JSON.stringify(body).slice(0, 200)}`);
    summaries.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }

  await consumer.disconnect();
  await producer.disconnect();
  await bench.stop();
  const ingestSeconds = (stored - started) / 1000;
  console.log(
    JSON.stringify({
      benchmark:
        'cold-chain readings ingest (HTTP → Kafka → PostgreSQL → evaluation), excursion latency, shipment summary',
      machine: machineSummary(),
      readings: total,
      loggers: LOGGERS,
      readingsPerRequest: PER_REQUEST,
      parallelRequests: PARALLEL,
      settings: Object.fromEntries(settings),
      acknowledgedPerSecond: Math.round(total / ((acknowledged - started) / 1000)),
      storedPerSecond: Math.round(total / ingestSeconds),
      evaluatedAfterSeconds: (evaluated - started) / 1000,
      copyPerSecond: Math.round(total / copySeconds),
      storedToCopyRatio: Number((total / ingestSeconds / (total / copySeconds)).toFixed(3)),
      excursions: latencies.length,
      excursionLatencySeconds: {
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        max: Math.max(...latencies),
        probePostP50: percentile(probeAcknowledged, 50),
        probePostP99: percentile(probeAcknowledged, 99),
      },
      shipmentSummaryMs: { readings: 43_200, p50: percentile(summaries, 50), p99: percentile(summaries, 99) },
    }),
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
