import type { Logger } from '@pedigree/observability';
import { gs1Signature } from '@pedigree/contracts';
import { formatEventIdentifiers, type EpcFormat } from '../query/presentation';
import { queryContext, queryDocument } from '../query/query-answers';
import { nextRun, parseSchedule } from './schedule';
import type { QueuedEvent, Subscription, SubscriptionRepository } from './subscription.repository';

/** Where a WebSocket subscription's deliveries go: the sockets this process holds. */
export interface SocketSender {
  /** Sends `body` on the subscription's socket; false when this process holds no socket for it. */
  send(subscriptionId: string, body: string): Promise<boolean>;
}

export interface DelivererOptions {
  /** This process, as lease owner. */
  owner: string;
  /** How long a receiver has to answer a delivery. */
  timeoutMs: number;
  /** Longest wait between two attempts of a failing delivery. */
  maxBackoffSeconds: number;
  /** How often the queue is looked at when no notification came. */
  pollMs: number;
  /** Deliveries in flight at once in this process. */
  concurrency: number;
}

/** What a delivery attempt came to. */
type Outcome =
  { ok: true } | { ok: false; status: number | null; error: string; tooLarge: boolean; gone?: boolean };

const EVENT_JSON_CACHE = 20_000;

/** Seconds before attempt n + 1 after n failures in a row: 1, 2, 4, … up to `max`. */
export function backoffSeconds(failedAttempts: number, max: number): number {
  return Math.min(max, 2 ** Math.min(failedAttempts, 20));
}

/**
 * Delivers queued events to subscribers, on every replica: it claims due subscriptions (row locks, SKIP LOCKED, a
 * lease), sends a batch after the cursor, and moves the cursor only once the receiver answered 2xx. A failure is
 * recorded and retried with backoff; after a 413 the batch is halved. Scheduled subscriptions deliver when their
 * schedule is due (an empty document when reportIfEmpty and nothing matched).
 */
export class SubscriptionDeliverer {
  private stopped = false;
  private wake: (() => void) | undefined;
  private woken = false;
  private loop: Promise<void> | undefined;
  private lastRenewal = 0;
  /** Events written as JSON, by format and entry (the latest EVENT_JSON_CACHE). */
  private readonly eventJson = new Map<string, string>();

  constructor(
    private readonly repository: SubscriptionRepository,
    private readonly sockets: SocketSender,
    private readonly logger: Logger,
    private readonly options: DelivererOptions,
  ) {}

  start(): void {
    this.loop = this.run();
  }

  /** Something was queued: look now rather than at the next poll. */
  notify(): void {
    this.signal();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.signal();
    await this.loop;
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
          await this.repository.removeDeliveredEvents().catch((error: unknown) => {
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
    const events = await this.repository.pending(subscription.id, subscription.batchSize);
    const scheduled = !subscription.stream;
    if (events.length === 0 && !(scheduled && subscription.reportIfEmpty)) {
      await this.repository.acknowledge(
        subscription.id,
        this.options.owner,
        [],
        this.nextRunOf(subscription),
      );
      return;
    }
    const body = this.body(subscription, events);
    const outcome = await this.send(subscription, body);
    if (outcome.ok) {
      // A scheduled run is over once this delivery empties the queue.
      const drained = scheduled && (await this.repository.pendingCount(subscription.id)) <= events.length;
      await this.repository.acknowledge(
        subscription.id,
        this.options.owner,
        events.map((e) => e.position),
        drained ? this.nextRunOf(subscription) : undefined,
      );
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
   * The EPCISQueryDocument of a delivery. Each event is written as JSON once per identifier format and spliced into
   * every subscription's document (subscriptions to one query receive the same events).
   */
  private body(subscription: Subscription, events: QueuedEvent[]): string {
    const format = subscription.epcFormat as EpcFormat;
    const document = queryDocument([], format, { subscriptionID: subscription.id });
    document['@context'] = queryContext(events.map((e) => e.namespaces));
    const list = events.map((e) => {
      const key = `${format}\n${e.entryKey}`;
      let json = this.eventJson.get(key);
      if (json === undefined) {
        json =
          format === 'No_Preference' || format === 'Never_Translates'
            ? e.eventJson
            : JSON.stringify(
                formatEventIdentifiers(
                  JSON.parse(e.eventJson) as Record<string, unknown>,
                  format,
                  e.capturerGcps,
                ),
              );
        if (this.eventJson.size >= EVENT_JSON_CACHE) this.eventJson.clear();
        this.eventJson.set(key, json);
      }
      return json;
    });
    return JSON.stringify(document).replace('"eventList":[]', () => `"eventList":[${list.join(',')}]`);
  }

  /** For a scheduled subscription whose run is over: when the next one is due (streams: unchanged). */
  private nextRunOf(subscription: Subscription): Date | null | undefined {
    if (subscription.stream || subscription.schedule === null) return undefined;
    return nextRun(parseSchedule(subscription.schedule), new Date()) ?? null;
  }

  private async send(subscription: Subscription, body: string): Promise<Outcome> {
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
      const response = await fetch(subscription.dest!, {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.status >= 200 && response.status < 300) return { ok: true };
      return {
        ok: false,
        status: response.status,
        error: `the receiver answered ${response.status}`,
        tooLarge: response.status === 413,
      };
    } catch (error) {
      const cause = (error as Error & { cause?: Error }).cause;
      return { ok: false, status: null, error: cause?.message ?? (error as Error).message, tooLarge: false };
    }
  }
}
