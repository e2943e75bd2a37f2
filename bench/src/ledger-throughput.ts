import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Client } from 'pg';
import { createEphemeralIssuer } from '@pedigree/auth';
import { topicsWithPrefix } from '@pedigree/contracts';
import { migrateServiceDatabase } from '@pedigree/database';
import { eventHash, type EpcisEvent } from '@pedigree/epcis';
import { createKafkaClient, EnvelopeProducer } from '@pedigree/kafka';
import { hashLeaf, MerkleLog, verifyInclusion } from '@pedigree/merkle';
import { createLogger } from '@pedigree/observability';
import {
  createTestDatabase,
  createTestTopics,
  kafkaBrokers,
  REPO_ROOT,
  selectProvider,
  startServiceProcess,
  testFabricNetwork,
  uniqueSuffix,
  waitForStatus,
} from '@pedigree/testing';
import { machineSummary, percentile } from './report';

// The ledger-writer end to end on the local stack: epcis.events.v1 messages published at a fixed rate → leaves in
// PostgreSQL → heads anchored on the local Fabric network. Then proof verification on its own (no ledger read).
const EVENTS = Number(process.env.BENCH_EVENTS ?? 50_000);
const RATE = Number(process.env.BENCH_RATE ?? 10_000);
const TICK_MS = 100;
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

async function main(): Promise<void> {
  const verification = proofVerification();
  process.stderr.write(
    `proof verification: mean ${verification.meanUs.toFixed(1)} µs, p99 ${verification.p99Us.toFixed(1)} µs\n`,
  );

  const infrastructure = await selectProvider().start();
  process.env.PEDIGREE_TEST_INFRASTRUCTURE = JSON.stringify(infrastructure);
  const fabric = testFabricNetwork();
  const chaincode = `bench${uniqueSuffix().toLowerCase()}`;
  execFileSync(
    'bash',
    [path.join(REPO_ROOT, 'scripts/stack.sh'), 'fabric-chaincode', chaincode, '--profile', 'test'],
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
  });
  await waitForStatus(service, '/health/ready');
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const producer = new EnvelopeProducer(
    createKafkaClient({
      brokers: kafkaBrokers(),
      clientId: 'bench',
      logger: createLogger('bench', 'silent'),
    }),
    'serialization',
  );
  const topic = topicsWithPrefix(prefix).epcisEvents;
  await producer.connect();

  // Prepare the messages first, so that publishing runs at the rate asked for.
  const run = uniqueSuffix().slice(-5);
  const messages = Array.from({ length: EVENTS }, (_, n) => {
    const event: EpcisEvent = {
      type: 'ObjectEvent',
      action: 'ADD',
      eventTime: new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString(),
      eventTimeZoneOffset: '+00:00',
      epcList: [`urn:epc:id:sgtin:0614141.107346.${run}${n}`],
      bizStep: 'commissioning',
      disposition: 'active',
      readPoint: { id: 'urn:epc:id:sgln:0614141.00001.0' },
    };
    const hash = eventHash(event);
    return {
      key: hash,
      payload: {
        eventHash: hash,
        captureId: run,
        capturedBy: '0614141000005',
        recordTime: new Date().toISOString(),
        namespaces: {},
        event,
      },
    };
  });
  const publishedAt = new Map<string, number>();
  const anchoredSeen: Array<{ size: number; at: number }> = [];
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const { rows } = await db.query<{ n: string | null }>(
        `SELECT max(tree_size) AS n FROM log_heads WHERE status = 'anchored'`,
      );
      const size = Number(rows[0]?.n ?? 0);
      if (size > (anchoredSeen[anchoredSeen.length - 1]?.size ?? 0))
        anchoredSeen.push({ size, at: Date.now() });
      await new Promise((r) => setTimeout(r, 50));
    }
  })();

  const perTick = Math.max(1, Math.round((RATE * TICK_MS) / 1000));
  const started = Date.now();
  for (let i = 0, tick = 0; i < EVENTS; i += perTick, tick++) {
    const due = started + tick * TICK_MS;
    if (Date.now() < due) await new Promise((r) => setTimeout(r, due - Date.now()));
    const slice = messages.slice(i, i + perTick);
    const at = Date.now();
    for (const m of slice) publishedAt.set(m.key, at);
    await producer.publish(topic, slice);
  }
  const publishSeconds = (Date.now() - started) / 1000;
  while ((anchoredSeen[anchoredSeen.length - 1]?.size ?? 0) < EVENTS)
    await new Promise((r) => setTimeout(r, 100));
  const anchoredSeconds = (anchoredSeen[anchoredSeen.length - 1]!.at - started) / 1000;
  polling = false;
  await poller;

  const { rows: leaves } = await db.query<{ leaf_index: string; event_hash: string; appended_at: Date }>(
    'SELECT leaf_index, event_hash, appended_at FROM log_leaves ORDER BY leaf_index',
  );
  const appendedSeconds = (Math.max(...leaves.map((l) => l.appended_at.getTime())) - started) / 1000;
  const { rows: heads } = await db.query<{ n: string }>(
    `SELECT count(*) AS n FROM log_heads WHERE status = 'anchored'`,
  );
  const latencies = leaves.map((leaf) => {
    const index = Number(leaf.leaf_index);
    const seen = anchoredSeen.find((a) => a.size > index)!;
    return (seen.at - publishedAt.get(leaf.event_hash)!) / 1000;
  });

  const report = [
    `## ledger-writer throughput (bench/src/ledger-throughput.ts)`,
    ``,
    `Machine: ${machineSummary()}. Local stack (PostgreSQL, Kafka, Fabric 2.5: 1 Raft orderer, 2 peers, both-org endorsement), all co-located.`,
    `${EVENTS} epcis.events.v1 messages published at ${RATE}/s target (6 partitions); service defaults unless set: ANCHOR_MAX_LEAVES=${process.env.ANCHOR_MAX_LEAVES ?? 5000}, ANCHOR_MAX_DELAY_MS=${process.env.ANCHOR_MAX_DELAY_MS ?? 1000}.`,
    ``,
    `| figure | value |`,
    `|---|---|`,
    `| publish rate achieved | ${Math.round(EVENTS / publishSeconds)} events/s |`,
    `| leaves appended | ${Math.round(EVENTS / appendedSeconds)} leaves/s (all ${EVENTS} in ${appendedSeconds.toFixed(1)} s) |`,
    `| leaves anchored | ${Math.round(EVENTS / anchoredSeconds)} leaves/s (all in ${anchoredSeconds.toFixed(1)} s, ${heads[0]!.n} heads) |`,
    `| publish → anchored latency p50 | ${percentile(latencies, 50).toFixed(2)} s |`,
    `| publish → anchored latency p99 | ${percentile(latencies, 99).toFixed(2)} s (goal < 5 s) |`,
    `| inclusion proof verification (log of ${VERIFY_LOG} leaves, ${verification.pathLength}-hash path, no ledger read) | mean ${verification.meanUs.toFixed(1)} µs, p99 ${verification.p99Us.toFixed(1)} µs (goal < 1 ms) |`,
    ``,
    `Latency is measured from the publish call to the moment the bench saw (polling every 50 ms) a head covering the leaf recorded as anchored.`,
  ].join('\n');
  process.stdout.write(`\n${report}\n`);
  await producer.disconnect();
  await db.end();
  await service.stop();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
