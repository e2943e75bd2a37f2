import { EPCIS_CONTEXT_URI } from '@pedigree/epcis';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { uniqueSuffix } from '@pedigree/testing';
import { startBenchService } from './bench-service';
import { machineSummary } from './report';

// DSCSA VRS verification latency under an open-loop load: requests are sent at a fixed rate whatever the answers'
// latency, by vegeta (scripts/bench.sh builds it; VEGETA names the binary) on the same machine as the service,
// PostgreSQL and Kafka.
const PACKS = Number(process.env.BENCH_PACKS ?? 20_000);
const RATE = Number(process.env.BENCH_RATE ?? 2_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
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

interface VegetaReport {
  latencies: Record<'50th' | '90th' | '99th' | 'max', number>;
  rate: number;
  requests: number;
  status_codes: Record<string, number>;
}

/** CPU time (user + system) a process has used so far, from /proc (Linux). */
function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/**
 * Sends `rate` requests per second for `seconds` with vegeta (open loop: each request leaves on its own schedule,
 * whatever the answers' latency), cycling through `targets`. Latencies in the report are nanoseconds.
 */
function attack(targets: string, rate: number, seconds: number): VegetaReport {
  const results = path.join(path.dirname(targets), `results-${rate}.bin`);
  execFileSync(VEGETA, [
    'attack',
    '-format=json',
    `-targets=${targets}`,
    `-rate=${rate}/s`,
    `-duration=${seconds}s`,
    `-output=${results}`,
  ]);
  return JSON.parse(
    execFileSync(VEGETA, ['report', '-type=json', results], { encoding: 'utf8' }),
  ) as VegetaReport;
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
  const targets = Array.from({ length: RATE * SECONDS }, () => {
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
  attack(targetFile, Math.min(RATE, 500), WARMUP_SECONDS);
  const cpuBefore = processCpuSeconds(service.process.pid!);
  const result = attack(targetFile, RATE, SECONDS);
  const serviceCpuSeconds = processCpuSeconds(service.process.pid!) - cpuBefore;
  rmSync(directory, { recursive: true });
  const ms = (ns: number) => Number((ns / 1e6).toFixed(2));
  const recorded = Number(
    (await db.query(`SELECT count(*) AS n FROM verifications WHERE kind = 'vrs'`)).rows[0].n,
  );

  console.log(
    JSON.stringify({
      benchmark: 'DSCSA VRS verification latency (open loop, vegeta on the same machine)',
      registryPacks: PACKS,
      targetRequestsPerSecond: RATE,
      achievedRequestsPerSecond: Math.round(result.rate),
      seconds: SECONDS,
      requests: result.requests,
      statusCodes: result.status_codes,
      recordedVerifications: recorded,
      serviceCpuMicrosPerRequest: Math.round((serviceCpuSeconds * 1e6) / result.requests),
      p50Ms: ms(result.latencies['50th']),
      p90Ms: ms(result.latencies['90th']),
      p99Ms: ms(result.latencies['99th']),
      maxMs: ms(result.latencies.max),
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
