import { execFileSync } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Partitioners } from 'kafkajs';
import { Client } from 'pg';
import { createEphemeralIssuer } from '@pedigree/auth';
import { decodeEnvelope, ENVELOPE_VERSION, topicsWithPrefix, type TopicContract } from '@pedigree/contracts';
import { migrateServiceDatabase } from '@pedigree/database';
import { AnchorClient } from '@pedigree/fabric';
import { createKafkaClient } from '@pedigree/kafka';
import { hashLeaf, MerkleLog, verifyInclusion } from '@pedigree/merkle';
import { createLogger } from '@pedigree/observability';
import {
  connectFabricGateway,
  createTestDatabase,
  createTestTopics,
  kafkaBrokers,
  REPO_ROOT,
  selectProvider,
  startServiceProcess,
  testFabricNetwork,
  uniqueSuffix,
  waitForStatus,
  type FabricOrgConnection,
} from '@pedigree/testing';
import { machineSummary, percentile } from './report';

// The ledger-writer end to end on the local stack: epcis.events.v1 messages published at a fixed rate → leaves in
// PostgreSQL → heads anchored on the local Fabric network, with the lag followed over time; then, in the same run, the
// raw limits beside it (Kafka consumption, PostgreSQL inserts and Fabric anchoring without the writer) and proof
// verification (no ledger read).
//
// BENCH_RATE (events/s, default 10,000) and either BENCH_SECONDS (publishing time; the sustained case is
// BENCH_SECONDS=300) or BENCH_EVENTS (default 50,000). ANCHOR_MAX_LEAVES / ANCHOR_MAX_DELAY_MS are passed to the
// service when set. BENCH_RAW_MESSAGES (default 300,000) caps the raw Kafka and PostgreSQL measurements.
// BENCH_SERVICE_NODE_OPTIONS is the service's NODE_OPTIONS (e.g. `--cpu-prof --cpu-prof-dir=DIR` to profile it).
const RATE = Number(process.env.BENCH_RATE ?? 10_000);
/** Publishing stops after SECONDS (a publisher that fell behind has then published fewer events) or EVENTS. */
const SECONDS = process.env.BENCH_SECONDS ? Number(process.env.BENCH_SECONDS) : Infinity;
const EVENTS = process.env.BENCH_SECONDS
  ? Math.round(RATE * SECONDS)
  : Number(process.env.BENCH_EVENTS ?? 50_000);
const TICK_MS = 100;
/** One message in SAMPLE_EVERY has its publish → anchored latency measured. */
const SAMPLE_EVERY = 10;
const POLL_MS = 100;
const SERIES_MS = 1000;
/**
 * Publish calls waiting for Kafka's answer at most: a publisher that cannot keep up falls behind the offered rate
 * (reported as publishedPerSecond) rather than queue messages Kafka has not seen.
 */
const MAX_IN_FLIGHT = 4;
const DRAIN_TIMEOUT_MS = 15 * 60_000;
const RAW_ANCHORS = 20;
const VERIFY_LOG = 1_000_000;
const VERIFICATIONS = 20_000;

function proofVerification(): { meanUs: number; p99Us: number; pathLength: number } {
  const log = new MerkleLog();
  const leafHashes = Array.from({ length: VERIFY_LOG }, () => hashLeaf(randomBytes(32)));
  for (const leafHash of leafHashes) log.appendLeafHash(leafHash);
  const root = log.root();
  const claims = Array.from({ length: VERIFICATIONS }, () => {
    const leafIndex = Math.floor(Math.random() * VERIFY_LOG);
    return {
      leafIndex,
      treeSize: VERIFY_LOG,
      path: log.inclusionProof(leafIndex).path,
      root,
      leafHash: leafHashes[leafIndex]!,
    };
  });
  const durations = claims.map((claim) => {
    const start = process.hrtime.bigint();
    const result = verifyInclusion(claim);
    const us = Number(process.hrtime.bigint() - start) / 1e3;
    if (!result.ok) throw new Error(`proof of leaf ${claim.leafIndex} did not verify`);
    return us;
  });
  return {
    meanUs: durations.reduce((a, b) => a + b, 0) / durations.length,
    p99Us: percentile(durations, 99),
    pathLength: claims[0]!.path.length,
  };
}

/**
 * The n-th message of the run as the serialization service publishes it: a commissioning event of its own pack.
 * The event hash is not recomputed from the event (≈ 40 µs each, which the load generator cannot spare at 10,000/s
 * on two shared cores): it is a well-formed GS1 hash ID of a digest unique to the message. The writer logs the hash
 * the capture computed and never recomputes it, so its work is the same.
 */
function message(run: string, n: number): { key: string; value: string; hash: string } {
  const digest = createHash('sha256').update(`${run}/${n}`).digest('hex');
  const hash = `ni:///sha-256;${digest}?ver=CBV2.0`;
  const now = new Date().toISOString();
  const envelope = {
    messageId: randomUUID(),
    type: 'epcis.event.captured',
    envelopeVersion: ENVELOPE_VERSION,
    occurredAt: now,
    producer: 'serialization',
    payload: {
      eventHash: hash,
      captureId: run,
      capturedBy: '0614141000005',
      recordTime: now,
      namespaces: {},
      event: {
        type: 'ObjectEvent',
        action: 'ADD',
        eventTime: new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString(),
        eventTimeZoneOffset: '+00:00',
        epcList: [`urn:epc:id:sgtin:0614141.107346.${run}${n}`],
        bizStep: 'commissioning',
        disposition: 'active',
        readPoint: { id: 'urn:epc:id:sgln:0614141.00001.0' },
      },
    },
  };
  return { key: hash, value: JSON.stringify(envelope), hash };
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

interface Sample {
  /** Seconds since publishing started. */
  t: number;
  published: number;
  appended: number;
  anchored: number;
  /** Age of the oldest published event not yet anchored (s). */
  lagSeconds: number;
}

/** Least-squares slope of y over x. */
function slope(points: Array<{ x: number; y: number }>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxy = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return sxx === 0 ? 0 : sxy / sxx;
}

const round = (value: number, digits = 0) => Number(value.toFixed(digits));

async function main(): Promise<void> {
  const verification = proofVerification();
  process.stderr.write(
    `proof verification: mean ${verification.meanUs.toFixed(1)} µs, p99 ${verification.p99Us.toFixed(1)} µs\n`,
  );

  const infrastructure = await selectProvider().start();
  process.env.PEDIGREE_TEST_INFRASTRUCTURE = JSON.stringify(infrastructure);
  const fabric = testFabricNetwork();
  const chaincode = `bench${uniqueSuffix().toLowerCase()}`;
  for (const name of [chaincode, `${chaincode}raw`])
    execFileSync(
      'bash',
      [path.join(REPO_ROOT, 'scripts/stack.sh'), 'fabric-chaincode', name, '--profile', 'test'],
      { stdio: 'ignore' },
    );
  const issuer = await createEphemeralIssuer();
  const databaseUrl = await createTestDatabase('bench_ledger_writer');
  await migrateServiceDatabase('ledger-writer', databaseUrl);
  const prefix = `bench${uniqueSuffix()}.`;
  await createTestTopics(prefix);
  const org = fabric.orgs.manufacturer;
  const service = await startServiceProcess('ledger-writer', {
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: kafkaBrokers().join(','),
    KAFKA_TOPIC_PREFIX: prefix,
    LOG_LEVEL: 'warn',
    FABRIC_PEER_ENDPOINT: org.peerEndpoint,
    FABRIC_PEER_HOST_ALIAS: org.peerHostAlias,
    FABRIC_TLS_CA_CERT: org.tlsCaCertPath,
    FABRIC_MSP_ID: org.mspId,
    FABRIC_USER_CERT: org.userCertPath,
    FABRIC_USER_KEY: org.userKeyPath,
    FABRIC_CHANNEL: fabric.channel,
    FABRIC_CHAINCODE: chaincode,
    ...(process.env.ANCHOR_MAX_LEAVES ? { ANCHOR_MAX_LEAVES: process.env.ANCHOR_MAX_LEAVES } : {}),
    ...(process.env.ANCHOR_MAX_DELAY_MS ? { ANCHOR_MAX_DELAY_MS: process.env.ANCHOR_MAX_DELAY_MS } : {}),
    ...issuer.env,
    ...(process.env.BENCH_SERVICE_NODE_OPTIONS
      ? { NODE_OPTIONS: process.env.BENCH_SERVICE_NODE_OPTIONS }
      : {}),
  });
  await waitForStatus(service, '/health/ready');
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const kafka = createKafkaClient({
    brokers: kafkaBrokers(),
    clientId: 'bench',
    logger: createLogger('bench', 'silent'),
  });
  // A plain producer (acks=all) with several requests in flight: the load generator must not be the bottleneck.
  const producer = kafka.producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const topic = topicsWithPrefix(prefix).epcisEvents;
  await producer.connect();
  const run = uniqueSuffix().slice(-5);
  decodeEnvelope(topic, message(run, -1).value); // the generated messages satisfy the topic's contract

  // Follow the log: its size and the anchored size, every POLL_MS.
  const anchoredSeen: Array<{ size: number; at: number }> = [];
  let appended = 0;
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const { rows } = await db.query<{ size: string; anchored: string | null }>(
        `SELECT (SELECT size FROM log_state) AS size,
                (SELECT max(tree_size) FROM log_heads WHERE status = 'anchored') AS anchored`,
      );
      appended = Number(rows[0]?.size ?? 0);
      const anchored = Number(rows[0]?.anchored ?? 0);
      if (anchored > (anchoredSeen[anchoredSeen.length - 1]?.size ?? 0))
        anchoredSeen.push({ size: anchored, at: Date.now() });
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  })();
  const anchoredNow = () => anchoredSeen[anchoredSeen.length - 1]?.size ?? 0;

  // Publish RATE events/s in ticks of TICK_MS. A message counts as published once Kafka acknowledged it (when capture
  // answers 202); `acked` records when each acknowledgement came and how many messages were acknowledged by then.
  const acked: Array<{ at: number; upTo: number }> = [];
  let acknowledged = 0;
  const sampled = new Map<string, number>();
  let inFlight = 0;
  let publishError: unknown;
  const perTick = Math.max(1, Math.round((RATE * TICK_MS) / 1000));
  const serviceCpuStart = cpuSeconds(service.process.pid!);
  const loadStart = os.loadavg();
  const started = Date.now();
  const samples: Sample[] = [];
  const publishedAtCount = (count: number): number => {
    // When the count-th message (1-based) was acknowledged.
    let lo = 0;
    let hi = acked.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (acked[mid]!.upTo >= count) hi = mid;
      else lo = mid + 1;
    }
    return acked[lo]?.at ?? started;
  };
  const sampler = setInterval(() => {
    const now = Date.now();
    const anchored = anchoredNow();
    const published = acknowledged;
    const lagSeconds = anchored >= published ? 0 : (now - publishedAtCount(anchored + 1)) / 1000;
    samples.push({ t: (now - started) / 1000, published, appended, anchored, lagSeconds });
    if (samples.length % 10 === 0)
      process.stderr.write(
        `t=${Math.round((now - started) / 1000)} s published ${published} appended ${appended} anchored ${anchored} lag ${lagSeconds.toFixed(1)} s\n`,
      );
  }, SERIES_MS);

  for (let i = 0, tick = 0; i < EVENTS && Date.now() - started < SECONDS * 1000; i += perTick, tick++) {
    if (publishError) throw publishError;
    const due = started + tick * TICK_MS;
    if (Date.now() < due) await new Promise((r) => setTimeout(r, due - Date.now()));
    while (inFlight >= MAX_IN_FLIGHT) await new Promise((r) => setTimeout(r, 5));
    const messages = Array.from({ length: Math.min(perTick, EVENTS - i) }, (_, j) => message(run, i + j));
    inFlight++;
    producer
      .send({ topic: topic.name, acks: -1, messages: messages.map(({ key, value }) => ({ key, value })) })
      .then(
        () => {
          const at = Date.now();
          for (let j = 0; j < messages.length; j += SAMPLE_EVERY) sampled.set(messages[j]!.hash, at);
          acknowledged += messages.length;
          acked.push({ at, upTo: acknowledged });
          inFlight--;
        },
        (error: unknown) => (publishError = error),
      );
  }
  while (inFlight > 0 && !publishError) await new Promise((r) => setTimeout(r, 5));
  if (publishError) throw publishError;
  const publishedAt = Date.now();
  const total = acknowledged;
  const publishSeconds = (publishedAt - started) / 1000;
  const atPublishEnd = { appended, anchored: anchoredNow() };
  const serviceCpuPublishing = cpuSeconds(service.process.pid!) - serviceCpuStart;
  const loadEnd = os.loadavg();

  const drainDeadline = Date.now() + DRAIN_TIMEOUT_MS;
  while (anchoredNow() < total && Date.now() < drainDeadline) await new Promise((r) => setTimeout(r, 100));
  clearInterval(sampler);
  polling = false;
  await poller;
  const allAnchored = anchoredNow() >= total;
  if (!allAnchored)
    process.stderr.write(`not everything anchored ${DRAIN_TIMEOUT_MS / 60_000} min after publishing\n`);
  const anchoredSeconds = (anchoredSeen[anchoredSeen.length - 1]!.at - started) / 1000;
  const { rows: lastAppend } = await db.query<{ at: Date }>(`SELECT max(appended_at) AS at FROM log_leaves`);
  const appendedSeconds = (lastAppend[0]!.at.getTime() - started) / 1000;
  const { rows: heads } = await db.query<{ n: string }>(
    `SELECT count(*) AS n FROM log_heads WHERE status = 'anchored'`,
  );

  // Publish → anchored latency of the sampled messages: from Kafka's acknowledgement to when the bench first saw a
  // head covering their leaf.
  const latencies: number[] = [];
  const hashes = [...sampled.keys()];
  for (let i = 0; i < hashes.length; i += 5000) {
    const entries = hashes.slice(i, i + 5000).map((hash) => /;([0-9a-f]{64})\?/.exec(hash)![1]!);
    const { rows } = await db.query<{ leaf_index: string; event_hash: string }>(
      `SELECT leaf_index, event_hash FROM log_leaves WHERE entry = ANY($1)`,
      [entries],
    );
    for (const row of rows) {
      const index = Number(row.leaf_index);
      const seen = anchoredSeen.find((a) => a.size > index);
      if (seen) latencies.push((seen.at - sampled.get(row.event_hash)!) / 1000);
    }
  }

  const rawMessages = Math.min(total, Number(process.env.BENCH_RAW_MESSAGES ?? 300_000));
  const rawConsume = await rawKafkaConsumption(kafka, topic, rawMessages);
  const rawAnchor = await rawAnchorRoundTrips(org, fabric.channel, `${chaincode}raw`);
  const rawInsert = await rawPostgresInsert(db, rawMessages);
  await producer.disconnect();
  await db.end();
  await service.stop();

  // Lag over time: the maximum per tenth of the publishing time, and the trend over its second half.
  const publishing = samples.filter((s) => s.t <= publishSeconds);
  const windows = Array.from({ length: 10 }, (_, w) => {
    const inWindow = publishing.filter(
      (s) => s.t > (w * publishSeconds) / 10 && s.t <= ((w + 1) * publishSeconds) / 10,
    );
    return {
      untilSeconds: round(((w + 1) * publishSeconds) / 10),
      maxLagSeconds: round(Math.max(0, ...inWindow.map((s) => s.lagSeconds)), 2),
      maxLagEvents: Math.max(0, ...inWindow.map((s) => s.published - s.anchored)),
      maxAppendLagEvents: Math.max(0, ...inWindow.map((s) => s.published - s.appended)),
    };
  });
  const secondHalf = publishing.filter((s) => s.t > publishSeconds / 2);
  const appendedPerSecond = total / appendedSeconds;
  const anchoredPerSecond = total / anchoredSeconds;

  console.log(
    JSON.stringify({
      benchmark: 'ledger-writer append and anchor, sustained',
      events: total,
      offeredRate: RATE,
      publishedPerSecond: round(total / publishSeconds),
      publishSeconds: round(publishSeconds, 1),
      appendedPerSecond: round(appendedPerSecond),
      allAppendedSeconds: round(appendedSeconds, 1),
      anchoredPerSecond: round(anchoredPerSecond),
      allAnchoredSeconds: round(anchoredSeconds, 1),
      allAnchored,
      heads: Number(heads[0]!.n),
      ratioAppendedToOffered: round(appendedPerSecond / RATE, 2),
      ratioAnchoredToOffered: round(anchoredPerSecond / RATE, 2),
      lag: {
        maxSeconds: round(Math.max(0, ...publishing.map((s) => s.lagSeconds)), 2),
        atPublishEndSeconds: round(publishing[publishing.length - 1]?.lagSeconds ?? 0, 2),
        atPublishEndEvents: total - atPublishEnd.anchored,
        atPublishEndAppendEvents: total - atPublishEnd.appended,
        drainSecondsAfterPublishing: round(anchoredSeconds - publishSeconds, 1),
        trendSecondHalfSecondsPerMinute: round(
          60 * slope(secondHalf.map((s) => ({ x: s.t, y: s.lagSeconds }))),
          3,
        ),
        perTenthOfPublishing: windows,
      },
      publishToAnchoredSeconds: {
        sampledEvents: latencies.length,
        p50: round(percentile(latencies, 50), 2),
        p99: round(percentile(latencies, 99), 2),
        max: round(percentile(latencies, 100), 2),
        goalP99: 5,
      },
      writerCpuMicrosecondsPerEvent: round((serviceCpuPublishing * 1e6) / (atPublishEnd.appended || 1)),
      raw: {
        kafkaConsume: rawConsume,
        postgresInsert: rawInsert,
        ratioAppendedToRawInsert: round(appendedPerSecond / rawInsert.rowsPerSecond, 2),
        ratioAppendedToRawConsume: round(appendedPerSecond / rawConsume.messagesPerSecond, 2),
        fabricAnchor: rawAnchor,
        writerSecondsPerHead: round(anchoredSeconds / Number(heads[0]!.n), 2),
      },
      proofVerification: {
        logLeaves: VERIFY_LOG,
        pathLength: verification.pathLength,
        meanMicroseconds: round(verification.meanUs, 1),
        p99Microseconds: round(verification.p99Us, 1),
        goalMicroseconds: 1000,
      },
      settings: {
        ANCHOR_MAX_LEAVES: Number(process.env.ANCHOR_MAX_LEAVES ?? 5000),
        ANCHOR_MAX_DELAY_MS: Number(process.env.ANCHOR_MAX_DELAY_MS ?? 1000),
      },
      loadAverage1m: { start: round(loadStart[0]!, 2), end: round(loadEnd[0]!, 2) },
      machine: machineSummary(),
    }),
  );
}

/**
 * The raw Kafka limit: a bare consumer group reading the run's topic from the start, nothing done per message but
 * counting; the envelope decoding the writer does is timed apart on the messages read.
 */
async function rawKafkaConsumption(
  kafka: ReturnType<typeof createKafkaClient>,
  topic: TopicContract,
  messages: number,
): Promise<{ messages: number; messagesPerSecond: number; decodeMicroseconds: number }> {
  const consumer = kafka.consumer({ groupId: `bench-raw-${uniqueSuffix()}` });
  await consumer.connect();
  await consumer.subscribe({ topic: topic.name, fromBeginning: true });
  let count = 0;
  let decodeNs = 0n;
  let decoded = 0;
  let firstAt = 0;
  const done = new Promise<number>((resolve) => {
    void consumer.run({
      partitionsConsumedConcurrently: 6,
      eachBatch: async ({ batch }) => {
        firstAt ||= Date.now();
        count += batch.messages.length;
        // Time decoding on one message in ten, to keep the raw rate raw.
        for (let i = 0; i < batch.messages.length; i += 10) {
          const start = process.hrtime.bigint();
          decodeEnvelope(topic, batch.messages[i]!.value);
          decodeNs += process.hrtime.bigint() - start;
          decoded++;
        }
        if (count >= messages) resolve(Date.now());
      },
    });
  });
  const endedAt = await done;
  await consumer.disconnect();
  return {
    messages: count,
    messagesPerSecond: round(count / ((endedAt - firstAt) / 1000)),
    decodeMicroseconds: round(Number(decodeNs) / 1e3 / decoded, 1),
  };
}

/**
 * The raw Fabric limit: heads anchored one after the other with AnchorClient (submit, wait for the commit) on a
 * chaincode of their own, nothing else; the writer can anchor no more heads per second than this.
 */
async function rawAnchorRoundTrips(
  org: FabricOrgConnection,
  channel: string,
  chaincode: string,
): Promise<{ heads: number; p50Ms: number; maxMs: number }> {
  const connection = await connectFabricGateway(org);
  try {
    const client = new AnchorClient(connection.gateway.getNetwork(channel), chaincode);
    const durations: number[] = [];
    let previous: { treeSize: number; rootHash: string | null } = { treeSize: 0, rootHash: null };
    for (let treeSize = 1; treeSize <= RAW_ANCHORS; treeSize++) {
      const head = {
        treeSize,
        rootHash: randomBytes(32).toString('hex'),
        previousTreeSize: previous.treeSize,
        previousRootHash: previous.rootHash,
      };
      const start = Date.now();
      await client.anchor(head);
      durations.push(Date.now() - start);
      previous = head;
    }
    return { heads: RAW_ANCHORS, p50Ms: percentile(durations, 50), maxMs: percentile(durations, 100) };
  } finally {
    connection.close();
  }
}

/**
 * The raw PostgreSQL limit: rows shaped as the writer's leaves, inserted into a copy of log_leaves (same indexes) in
 * batches of 1,000 with the writer's unnest statement, one transaction per batch, nothing else.
 */
async function rawPostgresInsert(db: Client, rows: number): Promise<{ rows: number; rowsPerSecond: number }> {
  await db.query(`CREATE TABLE raw_leaves (LIKE log_leaves INCLUDING ALL)`);
  const started = Date.now();
  for (let first = 0; first < rows; first += 1000) {
    const count = Math.min(1000, rows - first);
    const entries = Array.from({ length: count }, (_, i) =>
      createHash('sha256')
        .update(`raw ${first + i}`)
        .digest('hex'),
    );
    await db.query(
      `INSERT INTO raw_leaves (leaf_index, entry, leaf_hash, event_hash, kind, source_topic, source_partition, source_offset, message_id)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::bigint[], $9::text[])`,
      [
        entries.map((_, i) => first + i),
        entries,
        entries.map((entry) => hashLeaf(entry)),
        entries.map((entry) => `ni:///sha-256;${entry}?ver=CBV2.0`),
        entries.map(() => 'epcis-event'),
        entries.map(() => 'bench.epcis.events.v1'),
        entries.map((_, i) => (first + i) % 6),
        entries.map((_, i) => first + i),
        entries.map(() => randomUUID()),
      ],
    );
  }
  const seconds = (Date.now() - started) / 1000;
  await db.query(`DROP TABLE raw_leaves`);
  return { rows, rowsPerSecond: round(rows / seconds) };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
