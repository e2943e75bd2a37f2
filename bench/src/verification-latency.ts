import { EPCIS_CONTEXT_URI } from '@pedigree/epcis';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { uniqueSuffix } from '@pedigree/testing';
import { startBenchService } from './bench-service';
import { machineSummary, percentile } from './report';

const execFileAsync = promisify(execFile);

// DSCSA VRS verification latency under an open-loop load: requests are sent at a fixed rate whatever the answers'
// latency, by vegeta (scripts/bench.sh builds it; VEGETA names the binary) on the same machine as the service,
// PostgreSQL and Kafka.
const PACKS = Number(process.env.BENCH_PACKS ?? 20_000);
const RATE = Number(process.env.BENCH_RATE ?? 2_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 10);
const VEGETA = process.env.VEGETA ?? 'vegeta';
const CLOCK_TICKS_PER_SECOND = 100;
const GTIN = '10614141073464';
const REQUESTER = '4012345000009';

function commissioningDocument(run: string, first: number, count: number): string {
  const events = Array.from({ length: count }, (_, i) => ({
    type: 'ObjectEvent',
    action: 'ADD',
    eventTime: new Date(Date.UTC(2026, 0, 1) + (first + i) * 1000).toISOString(),
    eventTimeZoneOffset: '+00:00',
    epcList: [`urn:epc:id:sgtin:0614141.107346.${run}${first + i}`],
    bizStep: 'commissioning',
    disposition: 'active',
    ilmd: { 'cbvmda:lotNumber': 'LOT1', 'cbvmda:itemExpirationDate': '2028-12-31' },
  }));
  return JSON.stringify({
    '@context': EPCIS_CONTEXT_URI,
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: new Date().toISOString(),
    epcisBody: { eventList: events },
  });
}

/** One answered request as vegeta recorded it: when it was sent, its status and latency (nanoseconds). */
interface Hit {
  sentAtNs: bigint;
  status: string;
  latencyNs: number;
}

/** CPU time (user + system) a process has used so far, from /proc (Linux). */
function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/**
 * Sends `rate` requests per second for `seconds` with vegeta (open loop: each request leaves on its own schedule,
 * whatever the answers' latency), cycling through `targets`; calls `atSecond.run` once `atSecond.second` seconds have
 * passed. Resolves with every hit in the order vegeta wrote them.
 */
async function attack(
  targets: string,
  rate: number,
  seconds: number,
  atSecond: { second: number; run: () => void },
): Promise<Hit[]> {
  const results = path.join(path.dirname(targets), 'results.bin');
  const timer = setTimeout(atSecond.run, atSecond.second * 1000);
  await execFileAsync(VEGETA, [
    'attack',
    '-format=json',
    `-targets=${targets}`,
    `-rate=${rate}/s`,
    `-duration=${seconds}s`,
    `-output=${results}`,
  ]);
  clearTimeout(timer);
  const { stdout } = await execFileAsync(VEGETA, ['encode', '-to=csv', results], {
    maxBuffer: 1 << 30,
  });
  // CSV columns: timestamp (ns since the epoch), status code, latency (ns), bytes out, bytes in, error, body, …
  return stdout
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      const [sentAt, status, latency] = line.split(',', 3);
      return { sentAtNs: BigInt(sentAt!), status: status!, latencyNs: Number(latency) };
    });
}

/** Latency percentiles (milliseconds), achieved rate and status codes of `hits` sent over `seconds`. */
function summarise(hits: Hit[], seconds: number) {
  const latencies = hits.map((hit) => hit.latencyNs);
  const ms = (ns: number) => Number((ns / 1e6).toFixed(2));
  const statusCodes: Record<string, number> = {};
  for (const hit of hits) statusCodes[hit.status] = (statusCodes[hit.status] ?? 0) + 1;
  return {
    requests: hits.length,
    achievedRequestsPerSecond: Math.round(hits.length / seconds),
    statusCodes,
    p50Ms: ms(percentile(latencies, 50)),
    p90Ms: ms(percentile(latencies, 90)),
    p99Ms: ms(percentile(latencies, 99)),
    maxMs: ms(percentile(latencies, 100)),
  };
}

async function main(): Promise<void> {
  const {
    service,
    db,
    issuer,
    manufacturerToken: manufacturer,
    stop,
  } = await startBenchService('serialization', {
    VRS_RESPONDER_GLN: '0614141000005',
  });
  const wholesaler = await issuer.token({
    sub: 'bench-vrs',
    party: REQUESTER,
    roles: ['distributor'],
    gcp: [],
  });
  const run = uniqueSuffix().slice(-5);

  for (let first = 0; first < PACKS; first += 1000) {
    const response = await fetch(`${service.baseUrl}/capture`, {
      method: 'POST',
      headers: { authorization: `Bearer ${manufacturer}`, 'content-type': 'application/ld+json' },
      body: commissioningDocument(run, first, Math.min(1000, PACKS - first)),
    });
    if (response.status !== 202)
      throw new Error(`capture answered ${response.status}: ${await response.text()}`);
  }
  let projected = 0;
  while (projected < PACKS) {
    await new Promise((r) => setTimeout(r, 500));
    projected = Number((await db.query('SELECT count(*) AS n FROM serials')).rows[0].n);
    process.stderr.write(`\rregistry ${projected}/${PACKS}   `);
  }
  process.stderr.write('\n');
  // The registry as it is once autovacuum has caught up with the bulk load (otherwise its first round, vacuuming and
  // analysing the freshly loaded tables, competes with the measured requests for the two cores).
  await db.query('VACUUM ANALYZE');

  // One target per request (a fresh corrUUID each); one in ten names a serial the registry does not have.
  const header = {
    Authorization: [`Bearer ${wholesaler}`],
    'GS1US-Version': ['1.3.0'],
    Accept: ['application/json'],
  };
  const targets = Array.from({ length: RATE * (WARMUP_SECONDS + SECONDS) }, () => {
    const n = Math.floor(Math.random() * PACKS);
    const serial = Math.random() < 0.1 ? `${run}X${n}` : `${run}${n}`;
    const query = `exp=281231&linkType=verificationService&context=dscsaSaleableReturn&reqGLN=${REQUESTER}&corrUUID=${randomUUID()}`;
    return JSON.stringify({
      method: 'GET',
      url: `${service.baseUrl}/verify/gtin/${GTIN}/lot/LOT1/ser/${serial}?${query}`,
      header,
    });
  });
  const directory = mkdtempSync(path.join(tmpdir(), 'pedigree-vrs-bench-'));
  const targetFile = path.join(directory, 'targets.jsonl');
  writeFileSync(targetFile, `${targets.join('\n')}\n`);
  // One attack at the full rate. Its first WARMUP_SECONDS are reported apart from the measured window: vegeta opens
  // its connections, and V8 optimises the service's hot code on a background thread that takes one of the two cores
  // for 100–200 ms a few seconds into the load (seen with perf; it put 300–400 answers over 10 ms in every run).
  let cpuAtWindowStart = 0;
  const hits = await attack(targetFile, RATE, WARMUP_SECONDS + SECONDS, {
    second: WARMUP_SECONDS,
    run: () => (cpuAtWindowStart = processCpuSeconds(service.process.pid!)),
  });
  const serviceCpuSeconds = processCpuSeconds(service.process.pid!) - cpuAtWindowStart;
  rmSync(directory, { recursive: true });
  const attackStartNs = hits.reduce(
    (first, hit) => (hit.sentAtNs < first ? hit.sentAtNs : first),
    hits[0]!.sentAtNs,
  );
  const measuredFrom = attackStartNs + BigInt(WARMUP_SECONDS) * 1_000_000_000n;
  const measured = hits.filter((hit) => hit.sentAtNs >= measuredFrom);
  const warmUp = hits.filter((hit) => hit.sentAtNs < measuredFrom);
  const recorded = Number(
    (await db.query(`SELECT count(*) AS n FROM verifications WHERE kind = 'vrs'`)).rows[0].n,
  );
  const { p99Ms: warmUpP99Ms, maxMs: warmUpMaxMs } = summarise(warmUp, WARMUP_SECONDS);

  console.log(
    JSON.stringify({
      benchmark: 'DSCSA VRS verification latency (open loop, vegeta on the same machine)',
      registryPacks: PACKS,
      targetRequestsPerSecond: RATE,
      warmUpSeconds: WARMUP_SECONDS,
      seconds: SECONDS,
      ...summarise(measured, SECONDS),
      recordedVerifications: recorded,
      serviceCpuMicrosPerRequest: Math.round((serviceCpuSeconds * 1e6) / measured.length),
      warmUpP99Ms,
      warmUpMaxMs,
      goalP99Ms: 10,
      machine: machineSummary(),
    }),
  );
  await stop();
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
