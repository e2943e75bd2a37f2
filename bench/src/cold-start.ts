import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { startServiceProcess, uniqueSuffix, waitForStatus } from '@pedigree/testing';
import { startBenchService } from './bench-service';
import { machineSummary } from './report';
import {
  attack,
  attackStart,
  loadRegistry,
  REQUESTER,
  summarise,
  writeVrsTargets,
  type Hit,
} from './vrs-load';

// A new serialization process taking VRS traffic the moment /health/ready says yes, with the warm-up (WarmUp in
// libs/service-runtime) and without it, in the same run: BENCH_RUNS rounds, each starting one process of each kind
// (alternating which goes first) on the same registry, waiting for readiness, then sending BENCH_RATE requests per
// second for BENCH_SECONDS with vegeta (open loop). Latency is reported for the requests sent in the first 2 s, the
// first 5 s and the rest, with the machine's load (`uptime`) before and after each.
const PACKS = Number(process.env.BENCH_PACKS ?? 20_000);
const RATE = Number(process.env.BENCH_RATE ?? 2_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const READY_TIMEOUT_MS = 180_000;

function load(): string {
  return execFileSync('uptime', { encoding: 'utf8' })
    .replace(/^.*load average:\s*/s, '')
    .trim();
}

/** Hits sent in [fromS, toS) seconds after the attack's start. */
function window(hits: Hit[], start: bigint, fromS: number, toS: number): Hit[] {
  const from = start + BigInt(fromS * 1e9);
  const to = start + BigInt(toS * 1e9);
  return hits.filter((hit) => hit.sentAtNs >= from && hit.sentAtNs < to);
}

async function main(): Promise<void> {
  // The process that loads the registry is not measured: it needs no warm-up.
  const bench = await startBenchService('serialization', {
    VRS_RESPONDER_GLN: '0614141000005',
    WARMUP_ENABLED: 'false',
  });
  const requester = await bench.issuer.token({
    sub: 'bench-vrs',
    party: REQUESTER,
    roles: ['distributor'],
    gcp: [],
  });
  const run = uniqueSuffix().slice(-5);
  await loadRegistry(bench.service.baseUrl, bench.manufacturerToken, bench.db, run, PACKS);
  await bench.service.stop();

  for (let round = 1; round <= RUNS; round += 1) {
    for (const warmUp of round % 2 === 1 ? [true, false] : [false, true]) {
      const loadBefore = load();
      const startedAt = performance.now();
      const service = await startServiceProcess('serialization', {
        ...bench.serviceEnv,
        WARMUP_ENABLED: String(warmUp),
      });
      process.once('exit', () => service.process.kill());
      const targets = writeVrsTargets(service.baseUrl, requester, run, PACKS, RATE * SECONDS);
      const ready = (await waitForStatus(service, '/health/ready', 200, READY_TIMEOUT_MS)) as {
        details: Record<string, unknown>;
      };
      const readyAfterSeconds = Number(((performance.now() - startedAt) / 1000).toFixed(2));
      const hits = await attack(targets, RATE, SECONDS);
      const loadAfter = load();
      await service.stop();
      rmSync(path.dirname(targets), { recursive: true });
      const start = attackStart(hits);
      console.log(
        JSON.stringify({
          benchmark:
            'VRS latency of a new serialization process from the moment it is ready (vegeta, open loop)',
          round,
          warmUp: ready.details['warm-up'],
          readyAfterSeconds,
          targetRequestsPerSecond: RATE,
          seconds: SECONDS,
          registryPacks: PACKS,
          first2s: summarise(window(hits, start, 0, 2), 2),
          first5s: summarise(window(hits, start, 0, 5), 5),
          rest: summarise(window(hits, start, 5, SECONDS), SECONDS - 5),
          loadBefore,
          loadAfter,
          machine: machineSummary(),
        }),
      );
    }
  }
  await bench.stop();
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
