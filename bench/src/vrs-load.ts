import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Client } from 'pg';
import { EPCIS_CONTEXT_URI } from '@pedigree/epcis';
import { percentile } from './report';

// What the VRS benchmarks share: a registry of commissioned packs, vegeta targets verifying them, an open-loop attack
// (requests are sent at a fixed rate whatever the answers' latency) and its summary.
const execFileAsync = promisify(execFile);
const VEGETA = process.env.VEGETA ?? 'vegeta';
const CLOCK_TICKS_PER_SECOND = 100;
const GTIN = '10614141073464';
export const REQUESTER = '4012345000009';

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

/**
 * Commissions `packs` packs of serials prefixed `run` through `POST /capture` and waits until the registry holds them
 * all; then VACUUM ANALYZE, so that autovacuum's first round on the freshly loaded tables does not compete with the
 * measured requests for the two cores.
 */
export async function loadRegistry(
  baseUrl: string,
  manufacturerToken: string,
  db: Client,
  run: string,
  packs: number,
): Promise<void> {
  for (let first = 0; first < packs; first += 1000) {
    const response = await fetch(`${baseUrl}/capture`, {
      method: 'POST',
      headers: { authorization: `Bearer ${manufacturerToken}`, 'content-type': 'application/ld+json' },
      body: commissioningDocument(run, first, Math.min(1000, packs - first)),
    });
    if (response.status !== 202)
      throw new Error(`capture answered ${response.status}: ${await response.text()}`);
  }
  let projected = 0;
  while (projected < packs) {
    await new Promise((r) => setTimeout(r, 500));
    projected = Number((await db.query('SELECT count(*) AS n FROM serials')).rows[0].n);
    process.stderr.write(`\rregistry ${projected}/${packs}   `);
  }
  process.stderr.write('\n');
  await db.query('VACUUM ANALYZE');
}

/**
 * Writes `count` vegeta targets (one request each, a fresh corrUUID each) verifying random packs of the registry
 * loaded by `loadRegistry`; one in ten names a serial the registry does not have. Returns the file.
 */
export function writeVrsTargets(
  baseUrl: string,
  requesterToken: string,
  run: string,
  packs: number,
  count: number,
): string {
  const header = {
    Authorization: [`Bearer ${requesterToken}`],
    'GS1US-Version': ['1.3.0'],
    Accept: ['application/json'],
  };
  const targets = Array.from({ length: count }, () => {
    const n = Math.floor(Math.random() * packs);
    const serial = Math.random() < 0.1 ? `${run}X${n}` : `${run}${n}`;
    const query = `exp=281231&linkType=verificationService&context=dscsaSaleableReturn&reqGLN=${REQUESTER}&corrUUID=${randomUUID()}`;
    return JSON.stringify({
      method: 'GET',
      url: `${baseUrl}/verify/gtin/${GTIN}/lot/LOT1/ser/${serial}?${query}`,
      header,
    });
  });
  const directory = mkdtempSync(path.join(tmpdir(), 'pedigree-vrs-bench-'));
  const targetFile = path.join(directory, 'targets.jsonl');
  writeFileSync(targetFile, `${targets.join('\n')}\n`);
  return targetFile;
}

/** One answered request as vegeta recorded it: when it was sent, its status and latency (nanoseconds). */
export interface Hit {
  sentAtNs: bigint;
  status: string;
  latencyNs: number;
}

/** CPU time (user + system) a process has used so far, from /proc (Linux). */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/**
 * Sends `rate` requests per second for `seconds` with vegeta (open loop: each request leaves on its own schedule,
 * whatever the answers' latency), cycling through `targets`; calls `atSecond.run` once `atSecond.second` seconds have
 * passed. Resolves with every hit in the order vegeta wrote them.
 */
export async function attack(
  targets: string,
  rate: number,
  seconds: number,
  atSecond?: { second: number; run: () => void },
): Promise<Hit[]> {
  const results = path.join(path.dirname(targets), 'results.bin');
  const timer = atSecond && setTimeout(atSecond.run, atSecond.second * 1000);
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

/** When the first hit of `hits` was sent (ns since the epoch). */
export function attackStart(hits: Hit[]): bigint {
  return hits.reduce((first, hit) => (hit.sentAtNs < first ? hit.sentAtNs : first), hits[0]!.sentAtNs);
}

/** Latency percentiles (milliseconds), achieved rate and status codes of `hits` sent over `seconds`. */
export function summarise(hits: Hit[], seconds: number) {
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
