import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Command } from 'commander';
import { verifyGs1Signature, type SubscriptionAnswer } from '@pedigree/contracts';
import { ExitCode, type CliIo } from '../io';

export interface SubscribeOptions {
  api: string;
  token?: string;
  /** Create (or replace nothing: reuse) the named query from these /events parameters first. */
  query?: string;
  host: string;
  port: string;
  /** The URL the service posts to (default http://<host>:<port>/epcis). */
  publicUrl?: string;
  initialRecordTime?: string;
  epcFormat?: string;
  /** Stop after this many verified events. */
  count?: string;
}

interface Delivered {
  epcisBody?: {
    queryResults?: {
      subscriptionID?: string;
      resultsBody?: { eventList?: Array<Record<string, unknown>> };
    };
  };
}

/** One line per delivered event: what a terminal user wants to see of it. */
export function eventLine(event: Record<string, unknown>): string {
  const ids = ['epcList', 'childEPCs', 'inputEPCList', 'outputEPCList']
    .flatMap((list) => (Array.isArray(event[list]) ? (event[list] as string[]) : []))
    .concat(typeof event['parentID'] === 'string' ? [event['parentID'] as string] : []);
  return JSON.stringify({
    eventID: event['eventID'],
    type: event['type'],
    eventTime: event['eventTime'],
    bizStep: event['bizStep'],
    disposition: event['disposition'],
    ...(ids.length > 0 ? { epcs: ids } : {}),
    ...(event['errorDeclaration'] ? { errorDeclaration: event['errorDeclaration'] } : {}),
  });
}

/**
 * A local webhook receiver subscribed to a named query: it makes a signature token, subscribes with stream: true,
 * checks GS1-Signature on every delivery (401 and a FAILED line when it does not verify; 204 otherwise) and prints
 * each event. Ends (and unsubscribes) on `stop()` or after `count` events.
 */
export async function runSubscriber(
  queryName: string,
  options: SubscribeOptions,
  io: CliIo,
  fetchImpl: typeof fetch = fetch,
): Promise<{ stop: () => Promise<void>; done: Promise<void>; dest: string; subscriptionId: string }> {
  if (!options.token) {
    io.stderr('pedigree subscribe: give --token or set PEDIGREE_TOKEN\n');
    throw new ExitCode(2);
  }
  const api = options.api.replace(/\/+$/, '');
  const headers = { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' };
  const call = async (method: string, path: string, body?: unknown, extra: Record<string, string> = {}) => {
    try {
      return await fetchImpl(`${api}${path}`, {
        method,
        headers: { ...headers, ...extra },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      io.stderr(`pedigree subscribe: cannot reach ${api}: ${(error as Error).message}\n`);
      throw new ExitCode(2);
    }
  };
  if (options.query !== undefined) {
    const params = new URLSearchParams(options.query);
    const query: Record<string, string[]> = {};
    for (const [name, value] of params) (query[name] ??= []).push(value);
    const created = await call('POST', '/queries', { name: queryName, query });
    if (created.status !== 201 && created.status !== 409) {
      io.stderr(`pedigree subscribe: the query was refused: ${created.status} ${await created.text()}\n`);
      throw new ExitCode(2);
    }
  }

  const signatureToken = randomBytes(24).toString('hex');
  const limit = options.count === undefined ? undefined : Number(options.count);
  let seen = 0;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const signature = request.headers['gs1-signature'];
      if (typeof signature !== 'string' || !verifyGs1Signature(body, signatureToken, signature)) {
        io.stdout(`FAILED signature check: a delivery of ${body.length} bytes was refused\n`);
        response.writeHead(401).end();
        return;
      }
      let document: Delivered;
      try {
        document = JSON.parse(body.toString('utf8')) as Delivered;
      } catch {
        response.writeHead(400).end();
        return;
      }
      const events = document.epcisBody?.queryResults?.resultsBody?.eventList ?? [];
      io.stdout(`VERIFIED delivery: ${events.length} event(s)\n`);
      for (const event of events) io.stdout(`${eventLine(event)}\n`);
      response.writeHead(204).end();
      seen += events.length;
      if (limit !== undefined && seen >= limit) finish();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(options.port), options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const dest = options.publicUrl ?? `http://${options.host}:${port}/epcis`;

  const subscribed = await call(
    'POST',
    `/queries/${encodeURIComponent(queryName)}/subscriptions`,
    {
      dest,
      signatureToken,
      stream: true,
      ...(options.initialRecordTime ? { initialRecordTime: options.initialRecordTime } : {}),
    },
    options.epcFormat ? { 'GS1-EPC-Format': options.epcFormat } : {},
  );
  if (subscribed.status !== 201) {
    io.stderr(
      `pedigree subscribe: the subscription was refused: ${subscribed.status} ${await subscribed.text()}\n`,
    );
    server.close();
    throw new ExitCode(2);
  }
  const subscription = (await subscribed.json()) as SubscriptionAnswer;
  io.stderr(`subscribed to ${queryName} (${subscription.subscriptionID}); deliveries to ${dest}\n`);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await call(
      'DELETE',
      `/queries/${encodeURIComponent(queryName)}/subscriptions/${subscription.subscriptionID}`,
    ).catch(() => undefined);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    finish();
  };
  return { stop, done, dest, subscriptionId: subscription.subscriptionID };
}

export function registerSubscribeCommand(program: Command, io: CliIo): void {
  program
    .command('subscribe')
    .description(
      'Subscribe a local webhook to a named query (stream: true) and print every delivery whose GS1-Signature ' +
        'verifies, one JSON line per event; Ctrl-C unsubscribes. Exit 0 when stopped (or after --count events), 2 on errors.',
    )
    .argument('<queryName>', 'the named query (yours; --query creates it)')
    .option(
      '--query <params>',
      'create the query first from /events parameters, e.g. "EQ_bizStep=shipping&eventType=ObjectEvent"',
    )
    .option(
      '--api <url>',
      'serialization service base URL',
      process.env.PEDIGREE_API ?? 'http://localhost:3001',
    )
    .option('--token <token>', 'access token (default $PEDIGREE_TOKEN)', process.env.PEDIGREE_TOKEN)
    .option('--host <host>', 'address the receiver listens on', '127.0.0.1')
    .option('--port <port>', 'port the receiver listens on (0: any free port)', '0')
    .option('--public-url <url>', 'the URL the service posts to, when not http://<host>:<port>/epcis')
    .option('--initial-record-time <time>', 'also deliver the stored events recorded since then')
    .option(
      '--epc-format <format>',
      'GS1-EPC-Format of the deliveries (Always_GS1_Digital_Link, Always_EPC_URN, …)',
    )
    .option('--count <n>', 'stop after n events')
    .action(async (queryName: string, options: SubscribeOptions) => {
      const subscriber = await runSubscriber(queryName, options, io);
      const interrupt = () => void subscriber.stop();
      process.once('SIGINT', interrupt);
      process.once('SIGTERM', interrupt);
      await subscriber.done;
      await subscriber.stop();
      process.off('SIGINT', interrupt);
      process.off('SIGTERM', interrupt);
    });
}
