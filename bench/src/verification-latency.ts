import { EPCIS_CONTEXT_URI } from '@pedigree/epcis';
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { uniqueSuffix } from '@pedigree/testing';
import { startBenchService } from './bench-service';
import { machineSummary, percentile } from './report';

// DSCSA VRS verification latency under an open-loop load: requests are sent at a fixed rate whatever the answers'
// latency, by a load generator in this process on the same machine as the service, PostgreSQL and Kafka.
const PACKS = Number(process.env.BENCH_PACKS ?? 20_000);
const RATE = Number(process.env.BENCH_RATE ?? 2_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
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

/** One GET on a keep-alive connection; resolves to the status once the whole body is read. */
function get(agent: http.Agent, url: URL, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.get({ agent, host: url.hostname, port: url.port, path, headers }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.on('error', reject);
  });
}

/** Sends `rate` requests per second for `seconds`, each on its own schedule; returns latencies (ms) and failures. */
async function openLoop(
  rate: number,
  seconds: number,
  send: () => Promise<number>,
): Promise<{ latencies: number[]; failures: number; sent: number; elapsed: number }> {
  const latencies: number[] = [];
  let failures = 0;
  let sent = 0;
  const total = rate * seconds;
  const started = performance.now();
  const inFlight: Array<Promise<void>> = [];
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
    for (; sent < due; sent++) {
      const start = performance.now();
      inFlight.push(
        send().then(
          (status) => {
            if (status === 200) latencies.push(performance.now() - start);
            else failures++;
          },
          () => {
            failures++;
          },
        ),
      );
    }
    // Sleep between ticks: a busy loop would take a core from the service on this machine.
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(inFlight);
  return { latencies, failures, sent, elapsed: (performance.now() - started) / 1000 };
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

  const url = new URL(service.baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const headers = {
    authorization: `Bearer ${wholesaler}`,
    'gs1us-version': '1.3.0',
    accept: 'application/json',
  };
  const verify = () => {
    const n = Math.floor(Math.random() * PACKS);
    // One request in ten names a serial the registry does not have.
    const serial = Math.random() < 0.1 ? `${run}X${n}` : `${run}${n}`;
    const query = `exp=281231&linkType=verificationService&context=dscsaSaleableReturn&reqGLN=${REQUESTER}&corrUUID=${randomUUID()}`;
    return get(agent, url, `/verify/gtin/${GTIN}/lot/LOT1/ser/${serial}?${query}`, headers);
  };
  await openLoop(Math.min(RATE, 500), WARMUP_SECONDS, verify);
  const result = await openLoop(RATE, SECONDS, verify);
  const recorded = Number(
    (await db.query(`SELECT count(*) AS n FROM verifications WHERE kind = 'vrs'`)).rows[0].n,
  );

  console.log(
    JSON.stringify({
      benchmark: 'DSCSA VRS verification latency (open loop, load generator on the same machine)',
      registryPacks: PACKS,
      targetRequestsPerSecond: RATE,
      achievedRequestsPerSecond: Math.round(result.sent / result.elapsed),
      seconds: SECONDS,
      answered: result.latencies.length,
      failures: result.failures,
      recordedVerifications: recorded,
      p50Ms: Number(percentile(result.latencies, 50).toFixed(2)),
      p90Ms: Number(percentile(result.latencies, 90).toFixed(2)),
      p99Ms: Number(percentile(result.latencies, 99).toFixed(2)),
      maxMs: Number(Math.max(...result.latencies).toFixed(2)),
      goalP99Ms: 10,
      machine: machineSummary(),
    }),
  );
  agent.destroy();
  await stop();
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
