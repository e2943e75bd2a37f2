import { topicsWithPrefix } from '@pedigree/contracts';
import { createKafkaClient } from '@pedigree/kafka';
import { createLogger } from '@pedigree/observability';
import { EPCIS_CONTEXT_URI } from '@pedigree/epcis';
import { Jaeger, kafkaBrokers, uniqueSuffix } from '@pedigree/testing';
import { startBenchService } from './bench-service';
import { machineSummary, percentile } from './report';

// Capture → Kafka → projection, end to end, with everything co-located on this machine: the serialization service
// as its own process, the local stack's PostgreSQL and Kafka. Then query latency on the registry that built up.
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const EVENTS_PER_DOCUMENT = Number(process.env.BENCH_DOCUMENT_EVENTS ?? 1_000);
const PARALLEL_CAPTURES = Number(process.env.BENCH_PARALLEL ?? 4);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 2_000);
const QUERY_CONCURRENCY = 8;
if (!(QUERIES >= 1)) throw new Error('BENCH_QUERIES must be at least 1');
/** BENCH_SHIP=0 skips the second phase (shipping every commissioned pack). */
const SHIP = process.env.BENCH_SHIP !== '0';
/** The serialization service's projector consumer group, under the service's topic prefix. */
const PROJECTOR_GROUP = 'serialization.projector';

type Step = 'commissioning' | 'shipping';

/** `count` events of one step for the packs numbered from `first`: commissioning them, or shipping them (OBSERVE). */
function stepDocument(step: Step, run: string, first: number, count: number) {
  const events = Array.from({ length: count }, (_, i) => {
    const n = first + i;
    const common = {
      type: 'ObjectEvent',
      eventTimeZoneOffset: '+00:00',
      epcList: [`urn:epc:id:sgtin:0614141.107346.${run}${n}`],
      readPoint: { id: 'urn:epc:id:sgln:0614141.00001.0' },
      bizLocation: { id: 'urn:epc:id:sgln:0614141.00001.0' },
    };
    return step === 'commissioning'
      ? {
          ...common,
          action: 'ADD',
          eventTime: new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString(),
          bizStep: 'commissioning',
          disposition: 'active',
          ilmd: {
            'cbvmda:lotNumber': `L${Math.floor(n / 10_000)}`,
            'cbvmda:itemExpirationDate': '2028-12-31',
          },
        }
      : {
          ...common,
          action: 'OBSERVE',
          eventTime: new Date(Date.UTC(2026, 6, 1) + n * 1000).toISOString(),
          bizStep: 'shipping',
          disposition: 'in_transit',
        };
  });
  return JSON.stringify({
    '@context': EPCIS_CONTEXT_URI,
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: new Date().toISOString(),
    epcisBody: { eventList: events },
  });
}

async function inParallel<T>(items: T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

/**
 * A serialization service process (with `env` added to its environment) on its own topics and database, and the
 * capture → projection measurement against it.
 */
async function openSession(env: Record<string, string> = {}) {
  const {
    service,
    db,
    manufacturerToken: token,
    topicPrefix,
    stop,
  } = await startBenchService('serialization', env);
  const run = uniqueSuffix().slice(-5);
  const topic = topicsWithPrefix(topicPrefix).epcisEvents.name;
  const admin = createKafkaClient({
    brokers: kafkaBrokers(),
    clientId: 'bench',
    logger: createLogger('bench', 'silent'),
  }).admin();
  await admin.connect();

  /**
   * Events published to the events topic, and events projected: the projector commits a partition's offset only
   * after the database transaction holding its batch has committed. Asking Kafka costs the system under test next to
   * nothing, where counting registry rows scanned the table on every poll (a tenth of a core at 1 M rows).
   */
  async function topicProgress(): Promise<{ published: number; projected: number }> {
    const [ends, [committed]] = await Promise.all([
      admin.fetchTopicOffsets(topic),
      admin.fetchOffsets({ groupId: topicPrefix + PROJECTOR_GROUP, topics: [topic] }),
    ]);
    return {
      published: ends.reduce((sum, p) => sum + Number(p.high), 0),
      projected: (committed?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0),
    };
  }

  /**
   * Captures EVENTS events of `step` (PARALLEL_CAPTURES documents in flight) and waits until the projector has
   * committed all of them; returns the capture rate and the end-to-end rate, both from the first capture request,
   * after checking that that many registry rows satisfy `projectedWhen` (SQL).
   */
  async function captureAndProject(step: Step, projectedWhen: string) {
    // The documents are built before the clock starts: the load generator shares the two cores with the system
    // under test, and building them while measuring took about a tenth of the CPU.
    const documents = Array.from({ length: Math.ceil(EVENTS / EVENTS_PER_DOCUMENT) }, (_, d) => {
      const first = d * EVENTS_PER_DOCUMENT;
      return stepDocument(step, run, first, Math.min(EVENTS_PER_DOCUMENT, EVENTS - first));
    });
    const started = Date.now();
    let captured = 0;
    await inParallel(documents, PARALLEL_CAPTURES, async (body) => {
      const response = await fetch(`${service.baseUrl}/capture`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/ld+json' },
        body,
      });
      if (response.status !== 202)
        throw new Error(`capture answered ${response.status}: ${await response.text()}`);
      captured += EVENTS_PER_DOCUMENT;
      process.stderr.write(`\r${step}: captured ${Math.min(captured, EVENTS)}/${EVENTS}`);
    });
    const captureSeconds = (Date.now() - started) / 1000;
    // Every accepted capture is on the topic (202 comes after Kafka's acknowledgement): done once all are projected.
    const { published } = await topicProgress();
    for (
      let progress = await topicProgress();
      progress.projected < published;
      progress = await topicProgress()
    ) {
      process.stderr.write(`\r${step}: projected ${progress.projected}/${published} messages   `);
      await new Promise((r) => setTimeout(r, 200));
    }
    const endToEndSeconds = (Date.now() - started) / 1000;
    process.stderr.write('\n');
    const projected = Number(
      (await db.query(`SELECT count(*) AS n FROM serials WHERE ${projectedWhen}`)).rows[0].n,
    );
    if (projected !== EVENTS) throw new Error(`${step}: ${projected} registry rows of ${EVENTS} expected`);
    return {
      captureEventsPerSecond: Math.round(EVENTS / captureSeconds),
      endToEndEventsPerSecond: Math.round(EVENTS / endToEndSeconds),
      registryRows: projected,
    };
  }

  return {
    service,
    db,
    token,
    run,
    captureAndProject,
    async close() {
      await admin.disconnect();
      await stop();
    },
  };
}

/**
 * BENCH_TRACING=compare: the capture → projection rate with OpenTelemetry off (OTEL_SDK_DISABLED) and on (every span
 * sampled and exported over OTLP to a Jaeger of its own), alternating off, on, off, on on fresh service processes so
 * that the machine's drift hits both alike; reports each round and on ÷ off (goal ≥ 0.9).
 */
async function compareTracing(): Promise<void> {
  const jaeger = new Jaeger();
  await jaeger.start();
  const modes: Record<'off' | 'on', Record<string, string>> = {
    off: { OTEL_SDK_DISABLED: 'true' },
    on: {
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${jaeger.otlpHttp}`,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_TRACES_SAMPLER: 'always_on',
    },
  };
  let tracesSeen = 0;
  const rounds: Array<{
    tracing: 'off' | 'on';
    endToEndEventsPerSecond: number;
    captureEventsPerSecond: number;
  }> = [];
  try {
    for (const tracing of ['off', 'on', 'off', 'on'] as const) {
      const session = await openSession(modes[tracing]);
      try {
        const figures = await session.captureAndProject('commissioning', 'true');
        rounds.push({ tracing, ...figures });
      } finally {
        await session.close();
      }
    }
    // Evidence that the rounds with tracing on exported their spans: traces Jaeger holds for the service (≤ 200 asked).
    tracesSeen = (await jaeger.traces('serialization')).length;
  } finally {
    await jaeger.stop();
  }
  const mean = (mode: 'off' | 'on', key: 'endToEndEventsPerSecond' | 'captureEventsPerSecond') => {
    const of = rounds.filter((r) => r.tracing === mode);
    return of.reduce((sum, r) => sum + r[key], 0) / of.length;
  };
  const ratio = mean('on', 'endToEndEventsPerSecond') / mean('off', 'endToEndEventsPerSecond');
  console.log(
    JSON.stringify({
      benchmark: 'serialization capture → projection, tracing off and on',
      events: EVENTS,
      eventsPerDocument: EVENTS_PER_DOCUMENT,
      parallelCaptures: PARALLEL_CAPTURES,
      rounds,
      endToEndOff: Math.round(mean('off', 'endToEndEventsPerSecond')),
      endToEndOn: Math.round(mean('on', 'endToEndEventsPerSecond')),
      captureOff: Math.round(mean('off', 'captureEventsPerSecond')),
      captureOn: Math.round(mean('on', 'captureEventsPerSecond')),
      ratioOnToOff: Number(ratio.toFixed(2)),
      jaegerTracesOfSerialization: tracesSeen,
      goalRatio: 0.9,
      machine: machineSummary(),
    }),
  );
}

async function main(): Promise<void> {
  if (process.env.BENCH_TRACING === 'compare') return compareTracing();
  const { service, db, token, run, captureAndProject, close } = await openSession();
  const commissioning = await captureAndProject('commissioning', 'true');
  // Planner statistics as autovacuum keeps them in a running system (right after a bulk load they are stale, and a
  // query by business step then sorts the whole table instead of walking the event-time index).
  await db.query('ANALYZE');

  const latencies: number[] = [];
  const queries = Array.from({ length: QUERIES }, (_, i) => {
    const n = Math.floor(Math.random() * EVENTS);
    return i % 2 === 0
      ? `/epcs/${encodeURIComponent(`urn:epc:id:sgtin:0614141.107346.${run}${n}`)}/events`
      : `/events?EQ_bizStep=commissioning&GE_eventTime=${encodeURIComponent(new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString())}&perPage=100`;
  });
  await inParallel(queries, QUERY_CONCURRENCY, async (path) => {
    const start = process.hrtime.bigint();
    const response = await fetch(service.baseUrl + path, { headers: { authorization: `Bearer ${token}` } });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`query answered ${response.status}`);
    latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
  });

  // Then every pack is shipped: each event now names an item the registry holds, so the projector reads the item's
  // stored events back and replays them (the path of every event after commissioning).
  const shipping = SHIP ? await captureAndProject('shipping', `status = 'in_transit'`) : undefined;

  console.log(
    JSON.stringify({
      benchmark: 'serialization capture → projection, then query',
      events: EVENTS,
      eventsPerDocument: EVENTS_PER_DOCUMENT,
      parallelCaptures: PARALLEL_CAPTURES,
      ...commissioning,
      goalEventsPerSecond: 10000,
      ratioToGoal: Number((commissioning.endToEndEventsPerSecond / 10000).toFixed(2)),
      queries: QUERIES,
      queryConcurrency: QUERY_CONCURRENCY,
      queryP50Ms: Number(percentile(latencies, 50).toFixed(1)),
      queryP99Ms: Number(percentile(latencies, 99).toFixed(1)),
      ...(shipping && {
        shippingCaptureEventsPerSecond: shipping.captureEventsPerSecond,
        shippingEndToEndEventsPerSecond: shipping.endToEndEventsPerSecond,
      }),
      machine: machineSummary(),
    }),
  );
  await close();
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
