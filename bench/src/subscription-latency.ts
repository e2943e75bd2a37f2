import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EPCIS_CONTEXT_URI } from '@pedigree/epcis';
import { uniqueSuffix } from '@pedigree/testing';
import { startBenchService } from './bench-service';
import { machineSummary, percentile } from './report';

// Capture → Kafka → subscription matcher → feed → webhook, end to end on this machine: the serialization service as
// its own process, the local stack's PostgreSQL and Kafka, and BENCH_SUBSCRIPTIONS webhook subscriptions to one named
// query, all served by one HTTP receiver in this process. Events are captured at BENCH_RATE events/s (a document of
// a tenth of that every 100 ms) for BENCH_SECONDS; every event matches, so each subscription receives every event.
// Latency: from the moment the capture request was sent to the moment the receiver read the delivery.
const RATE = Number(process.env.BENCH_RATE ?? 1_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const SUBSCRIPTIONS = Number(process.env.BENCH_SUBSCRIPTIONS ?? 100);
const TICK_MS = 100;
const DRAIN_TIMEOUT_MS = Number(process.env.BENCH_DRAIN_TIMEOUT_MS ?? 180_000);

function shippingDocument(run: string, tick: number, count: number): { body: string; ids: string[] } {
  const ids = Array.from({ length: count }, (_, i) => `urn:uuid:${run}-${tick}-${i}`);
  const events = ids.map((eventID, i) => ({
    type: 'ObjectEvent',
    action: 'OBSERVE',
    eventID,
    eventTime: new Date(Date.UTC(2026, 6, 1) + tick * 1000 + i).toISOString(),
    eventTimeZoneOffset: '+00:00',
    epcList: [`urn:epc:id:sgtin:0614141.107346.S${run}-${tick}-${i}`],
    bizStep: 'shipping',
    disposition: 'in_transit',
    readPoint: { id: 'urn:epc:id:sgln:0614141.00001.0' },
  }));
  return {
    ids,
    body: JSON.stringify({
      '@context': EPCIS_CONTEXT_URI,
      type: 'EPCISDocument',
      schemaVersion: '2.0',
      creationDate: new Date().toISOString(),
      epcisBody: { eventList: events },
    }),
  };
}

/** The largest value (a spread of a million arguments overflows the stack). */
function largest(values: number[]): number {
  return values.reduce((max, v) => (v > max ? v : max), 0);
}

async function main(): Promise<void> {
  // The service's subscription settings (SUBSCRIPTION_BATCH_SIZE, SUBSCRIPTION_DELIVERY_CONCURRENCY, …) pass through.
  const settings = Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => entry[0].startsWith('SUBSCRIPTION_') && entry[1] !== undefined,
    ),
  );
  const { service, manufacturerToken: token, stop } = await startBenchService('serialization', settings);
  const run = uniqueSuffix().slice(-6);
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let deliveries = 0;
  const receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const now = Date.now();
      const document = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        epcisBody: { queryResults: { resultsBody: { eventList: Array<{ eventID: string }> } } };
      };
      deliveries += 1;
      for (const event of document.epcisBody.queryResults.resultsBody.eventList) {
        const sent = sentAt.get(event.eventID);
        if (sent !== undefined) latencies.push(now - sent);
      }
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  const call = (path: string, body: unknown) =>
    fetch(`${service.baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  try {
    if ((await call('/queries', { name: 'shipped', query: { EQ_bizStep: ['shipping'] } })).status !== 201)
      throw new Error('the query was refused');
    for (let i = 0; i < SUBSCRIPTIONS; i++) {
      const response = await call('/queries/shipped/subscriptions', {
        dest: `${receiverUrl}/r/${i}`,
        signatureToken: `token-${i}`,
        stream: true,
      });
      if (response.status !== 201) throw new Error(`subscription ${i}: ${response.status}`);
    }

    const perTick = Math.max(1, Math.round((RATE * TICK_MS) / 1000));
    const ticks = Math.round((SECONDS * 1000) / TICK_MS);
    const captureLatencies: number[] = [];
    const inFlight: Array<Promise<void>> = [];
    const started = Date.now();
    for (let tick = 0; tick < ticks; tick++) {
      const due = started + tick * TICK_MS;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      const { body, ids } = shippingDocument(run, tick, perTick);
      const sent = Date.now();
      for (const id of ids) sentAt.set(id, sent);
      inFlight.push(
        fetch(`${service.baseUrl}/capture`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/ld+json' },
          body,
        }).then(async (response) => {
          if (response.status !== 202)
            throw new Error(`capture answered ${response.status}: ${await response.text()}`);
          captureLatencies.push(Date.now() - sent);
        }),
      );
    }
    await Promise.all(inFlight);
    const captureSeconds = (Date.now() - started) / 1000;
    const expected = ticks * perTick * SUBSCRIPTIONS;
    const drainDeadline = Date.now() + DRAIN_TIMEOUT_MS;
    while (latencies.length < expected && Date.now() < drainDeadline) {
      process.stderr.write(`\rdelivered ${latencies.length}/${expected} event deliveries   `);
      await new Promise((r) => setTimeout(r, 500));
    }
    process.stderr.write('\n');
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(
      `${JSON.stringify({
        benchmark: 'subscription-latency',
        machine: machineSummary(),
        rate: RATE,
        seconds: SECONDS,
        subscriptions: SUBSCRIPTIONS,
        settings,
        eventsCaptured: ticks * perTick,
        captureSeconds: Number(captureSeconds.toFixed(1)),
        eventDeliveriesExpected: expected,
        eventDeliveriesReceived: latencies.length,
        webhookRequests: deliveries,
        deliveredEventsPerSecond: Math.round(latencies.length / seconds),
        captureToWebhookMs: latencies.length
          ? { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: largest(latencies) }
          : null,
        captureRequestMs: {
          p50: percentile(captureLatencies, 50),
          p99: percentile(captureLatencies, 99),
          max: largest(captureLatencies),
        },
      })}\n`,
    );
  } finally {
    receiver.close();
    await stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
