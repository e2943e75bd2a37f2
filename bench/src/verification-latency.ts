import path from 'node:path';
import { rmSync } from 'node:fs';
import { uniqueSuffix } from '@pedigree/testing';
import { startBenchService } from './bench-service';
import { machineSummary } from './report';
import {
  attack,
  attackStart,
  loadRegistry,
  processCpuSeconds,
  REQUESTER,
  summarise,
  writeVrsTargets,
} from './vrs-load';

// DSCSA VRS verification latency under an open-loop load: requests are sent at a fixed rate whatever the answers'
// latency, by vegeta (scripts/bench.sh builds it; VEGETA names the binary) on the same machine as the service,
// PostgreSQL and Kafka.
const PACKS = Number(process.env.BENCH_PACKS ?? 20_000);
const RATE = Number(process.env.BENCH_RATE ?? 2_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 10);
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
  await loadRegistry(service.baseUrl, manufacturer, db, run, PACKS);
  const targetFile = writeVrsTargets(
    service.baseUrl,
    wholesaler,
    run,
    PACKS,
    RATE * (WARMUP_SECONDS + SECONDS),
  );
  // One attack at the full rate. Its first WARMUP_SECONDS are reported apart from the measured window: vegeta opens
  // its connections, and V8 optimises the service's hot code on a background thread that takes one of the two cores
  // for 100–200 ms a few seconds into the load (seen with perf; it put 300–400 answers over 10 ms in every run).
  let cpuAtWindowStart = 0;
  const hits = await attack(targetFile, RATE, WARMUP_SECONDS + SECONDS, {
    second: WARMUP_SECONDS,
    run: () => (cpuAtWindowStart = processCpuSeconds(service.process.pid!)),
  });
  const serviceCpuSeconds = processCpuSeconds(service.process.pid!) - cpuAtWindowStart;
  rmSync(path.dirname(targetFile), { recursive: true });
  const measuredFrom = attackStart(hits) + BigInt(WARMUP_SECONDS) * 1_000_000_000n;
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
