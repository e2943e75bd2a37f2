import type { Logger } from '@pedigree/observability';
import { gs1Signature } from '@pedigree/contracts';
import { formatEventIdentifiers, type EpcFormat } from '../query/presentation';
import { queryContext, queryDocument } from '../query/query-answers';
import { startOf } from './subscription-matcher';
import { WebhookClient } from './webhook-client';
import { nextRun, parseSchedule } from './schedule';
import type {
  Acknowledgement,
  FeedEvent,
  Subscription,
  SubscriptionRepository,
} from './subscription.repository';

/** Where a WebSocket subscription's deliveries go: the sockets this process holds. */
export interface SocketSender {
  /** Sends `body` (UTF-8 JSON) on the subscription's socket as text; false when this process holds no socket for it. */
  send(subscriptionId: string, body: Buffer): Promise<boolean>;
}

export interface DelivererOptions {
  /** This process, as lease owner. */
  owner: string;
  /** How long a receiver has to answer a delivery. */
  timeoutMs: number;
  /** Longest wait between two attempts of a failing delivery. */
  maxBackoffSeconds: number;
  /** How often the feeds are looked at when no notification came. */
  pollMs: number;
  /** Deliveries in flight at once in this process. */
  concurrency: number;
}

/** What a delivery attempt came to. */
type Outcome =
  { ok: true } | { ok: false; status: number | null; error: string; tooLarge: boolean; gone?: boolean };

/** A batch read from a feed after one position, its events written as JSON once for every subscription there. */
interface Batch {
  events: FeedEvent[];
  /** Each event's JSON in the batch's identifier format. */
  json: string[];
  /** All of them, comma-separated, as UTF-8 (what a subscription receiving the whole batch gets). */
  list: Buffer;
  readAt: number;
}

/**
 * Batches kept for the next subscriptions at the same position (a full batch cannot change; others may grow): the
 * newest few, as a position once passed is rarely asked again (at most ≈ 1 MB each with 500 events).
 */
const BATCH_CACHE = 32;
const BATCH_FRESH_MS = 100;

/** Seconds before attempt n + 1 after n failures in a row: 1, 2, 4, … up to `max`. */
export function backoffSeconds(failedAttempts: number, max: number): number {
  return Math.min(max, 2 ** Math.min(failedAttempts, 20));
}

/**
 * Delivers feed events to subscribers, on every replica: it claims due subscriptions (row locks, SKIP LOCKED, a
 * lease), sends the batch after the cursor, and moves the cursor only once the receiver answered 2xx. A batch read
 * after one position is read and written as JSON once for all subscriptions at that position (each gets its own
 * document and signature); the cursors of deliveries finishing together move in one statement. A failure is
 * recorded and retried with backoff; after a 413 the batch is halved. Scheduled subscriptions deliver when their
 * schedule is due (an empty document when reportIfEmpty and nothing matched).
 */
export class SubscriptionDeliverer {
  private stopped = false;
  private wake: (() => void) | undefined;
  private woken = false;
  private loop: Promise<void> | undefined;
  private lastRenewal = 0;
  private readonly batches = new Map<string, Promise<Batch>>();
  private acks: Array<{ ack: Acknowledgement; done: () => void; failed: (error: unknown) => void }> = [];
  private flushing = false;
  private readonly webhooks = new WebhookClient();

  constructor(
    private readonly repository: SubscriptionRepository,
    private readonly sockets: SocketSender,
    private readonly logger: Logger,
    private readonly options: DelivererOptions,
  ) {}

  start(): void {
    this.loop = this.run();
  }

  /** Something was appended: look now rather than at the next poll. */
  notify(): void {
    this.signal();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.signal();
    await this.loop;
    this.webhooks.close();
  }

  /**
   * Keeps up to `concurrency` deliveries in flight: claims as many subscriptions as there are free slots, and claims
   * again as soon as one finishes, a notification comes, or the poll interval passes.
   */
  private async run(): Promise<void> {
    const inFlight = new Map<string, Promise<void>>();
    while (!this.stopped) {
      let claimed = 0;
      try {
        if (Date.now() - this.lastRenewal > 10_000) {
          this.lastRenewal = Date.now();
          await this.repository.renewSockets(this.options.owner);
          await this.repository.removeDelivered().catch((error: unknown) => {
            this.logger.debug({ err: error }, 'clean-up of delivered events deferred');
          });
        }
        const free = this.options.concurrency - inFlight.size;
        if (free > 0) {
          const subscriptions = await this.repository.claim(this.options.owner, free, [...inFlight.keys()]);
          claimed = subscriptions.length;
          for (const subscription of subscriptions) {
            const delivery: Promise<void> = this.deliver(subscription)
              .catch((error: unknown) => {
                this.logger.warn(
                  { err: error, subscriptionId: subscription.id },
                  'subscription delivery failed',
                );
              })
              .finally(() => {
                inFlight.delete(subscription.id);
                this.signal();
              });
            inFlight.set(subscription.id, delivery);
          }
        }
      } catch (error) {
        this.logger.warn({ err: error }, 'subscription delivery round failed; retrying');
      }
      if (!this.stopped && (claimed === 0 || inFlight.size >= this.options.concurrency)) await this.idle();
    }
    await Promise.all(inFlight.values());
  }

  /** Waits for a notification, a finished delivery or the poll interval; at once if one came meanwhile. */
  private idle(): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.signal(), this.options.pollMs);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        this.woken = false;
        resolve();
      };
    });
  }

  /** Ends the current wait, or the next one before it starts. */
  private signal(): void {
    if (this.wake) this.wake();
    else this.woken = true;
  }

  /** One delivery for a claimed subscription. */
  async deliver(subscription: Subscription): Promise<void> {
    const scheduled = !subscription.stream;
    const batch = await this.batch(subscription);
    // A scheduled run reads one event more than it sends: it is over when nothing is left after this delivery.
    const read = scheduled ? batch.events.slice(0, subscription.batchSize) : batch.events;
    const runOver = scheduled && batch.events.length <= subscription.batchSize;
    const cursor = read.length > 0 ? read[read.length - 1]!.position : subscription.cursor;
    const start = startOf(subscription).getTime();
    const events = read.filter((e) => e.recordTime.getTime() >= start);
    if (events.length === 0 && !(scheduled && subscription.reportIfEmpty)) {
      // Nothing for this subscriber (none yet, or only events before its start): the cursor passes them.
      await this.acknowledge({
        id: subscription.id,
        cursor,
        nextRunAt: this.nextRunOf(subscription, runOver),
      });
      return;
    }
    const list =
      events.length === batch.events.length
        ? batch.list
        : Buffer.from(
            read.flatMap((e, i) => (e.recordTime.getTime() >= start ? [batch.json[i]!] : [])).join(','),
          );
    const body = this.body(subscription, events, list);
    const outcome = await this.send(subscription, body);
    if (outcome.ok) {
      await this.acknowledge({
        id: subscription.id,
        cursor,
        nextRunAt: this.nextRunOf(subscription, runOver),
      });
      return;
    }
    if (outcome.gone) {
      await this.repository.delete(subscription.id);
      return;
    }
    const smaller = outcome.tooLarge && events.length > 1 ? Math.ceil(events.length / 2) : undefined;
    this.logger.warn(
      {
        subscriptionId: subscription.id,
        status: outcome.status,
        error: outcome.error,
        events: events.length,
      },
      'subscription delivery failed',
    );
    await this.repository.fail(
      subscription.id,
      this.options.owner,
      { status: outcome.status, error: outcome.error, events: events.length },
      smaller !== undefined ? 0 : backoffSeconds(subscription.failedAttempts, this.options.maxBackoffSeconds),
      smaller,
    );
  }

  /**
   * The events after the subscription's cursor, written as JSON: for streams shared with every subscription of the
   * feed at the same position, batch size and format (read again once stale, unless full); scheduled runs read one
   * event more, each for itself.
   */
  private batch(subscription: Subscription): Promise<Batch> {
    const format = subscription.epcFormat as EpcFormat;
    if (!subscription.stream)
      return this.readBatch(subscription.feedId, subscription.cursor, subscription.batchSize + 1, format);
    const key = `${subscription.feedId}:${subscription.cursor}:${subscription.batchSize}:${format}`;
    const cached = this.batches.get(key);
    if (cached)
      return cached.then((batch) =>
        this.reusable(batch, subscription.batchSize) ? batch : this.fresh(key, subscription),
      );
    return this.fresh(key, subscription);
  }

  private reusable(batch: Batch, size: number): boolean {
    return (
      batch.events.length === size || (batch.events.length > 0 && Date.now() - batch.readAt < BATCH_FRESH_MS)
    );
  }

  private fresh(key: string, subscription: Subscription): Promise<Batch> {
    const batch = this.readBatch(
      subscription.feedId,
      subscription.cursor,
      subscription.batchSize,
      subscription.epcFormat as EpcFormat,
    );
    this.batches.delete(key);
    this.batches.set(key, batch);
    for (const old of this.batches.keys()) {
      if (this.batches.size <= BATCH_CACHE) break;
      this.batches.delete(old);
    }
    batch.catch(() => this.batches.delete(key));
    return batch;
  }

  private async readBatch(feedId: number, after: number, limit: number, format: EpcFormat): Promise<Batch> {
    const events = await this.repository.read(feedId, after, limit);
    const json = events.map((e) =>
      format === 'No_Preference' || format === 'Never_Translates'
        ? e.eventJson
        : JSON.stringify(
            formatEventIdentifiers(
              JSON.parse(e.eventJson) as Record<string, unknown>,
              format,
              e.capturerGcps,
            ),
          ),
    );
    return { events, json, list: Buffer.from(json.join(',')), readAt: Date.now() };
  }

  /**
   * Acknowledges a delivery with those that finish meanwhile: one statement for all of them, the next one once it
   * is done.
   */
  private acknowledge(ack: Acknowledgement): Promise<void> {
    return new Promise((done, failed) => {
      this.acks.push({ ack, done, failed });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.acks.length > 0) {
      const waiting = this.acks;
      this.acks = [];
      try {
        await this.repository.acknowledge(
          this.options.owner,
          waiting.map((w) => w.ack),
        );
        for (const w of waiting) w.done();
      } catch (error) {
        for (const w of waiting) w.failed(error);
      }
    }
    this.flushing = false;
  }

  /**
   * The EPCISQueryDocument of a delivery, as UTF-8: the batch's event list (encoded once) spliced into the
   * subscription's document.
   */
  private body(subscription: Subscription, events: FeedEvent[], list: Buffer): Buffer {
    const document = queryDocument([], subscription.epcFormat as EpcFormat, {
      subscriptionID: subscription.id,
    });
    document['@context'] = queryContext(events.map((e) => e.namespaces));
    const json = JSON.stringify(document);
    const at = json.indexOf('"eventList":[]') + '"eventList":['.length;
    return Buffer.concat([Buffer.from(json.slice(0, at)), list, Buffer.from(json.slice(at))]);
  }

  /** For a scheduled subscription whose run is over: when the next one is due (streams, runs going on: unchanged). */
  private nextRunOf(subscription: Subscription, runOver: boolean): Date | null | undefined {
    if (!runOver || subscription.stream || subscription.schedule === null) return undefined;
    return nextRun(parseSchedule(subscription.schedule), new Date()) ?? null;
  }

  private async send(subscription: Subscription, body: Buffer): Promise<Outcome> {
    if (subscription.socketOwner !== null) {
      try {
        return (await this.sockets.send(subscription.id, body))
          ? { ok: true }
          : { ok: false, status: null, error: 'the WebSocket is closed', tooLarge: false, gone: true };
      } catch (error) {
        return { ok: false, status: null, error: (error as Error).message, tooLarge: false };
      }
    }
    const headers: Record<string, string> = {
      'content-type': 'application/ld+json',
      'gs1-epcis-version': '2.0.0',
      'gs1-cbv-version': '2.0.0',
    };
    if (subscription.signatureToken)
      headers['gs1-signature'] = gs1Signature(body, subscription.signatureToken);
    try {
      const status = await this.webhooks.post(subscription.dest!, headers, body, this.options.timeoutMs);
      if (status >= 200 && status < 300) return { ok: true };
      return { ok: false, status, error: `the receiver answered ${status}`, tooLarge: status === 413 };
    } catch (error) {
      return { ok: false, status: null, error: (error as Error).message, tooLarge: false };
    }
  }
}
