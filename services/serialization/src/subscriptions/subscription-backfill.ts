import type { Logger } from '@pedigree/observability';
import { abortableDelay } from '@pedigree/kafka';
import {
  LEASE_SECONDS,
  type EventCopy,
  type Subscription,
  type SubscriptionRepository,
} from './subscription.repository';

/** A page of stored events a subscription's query selects since its start, in record-time order. */
export interface StoredPage {
  events: Array<EventCopy & { recordTime: Date }>;
  /** Where the next page starts; undefined after the last page. */
  next: string | undefined;
}

/** The event store, as the backfill reads it: the subscription's query, as its subscriber may see it. */
export type StoredEvents = (subscription: Subscription, after: string | undefined) => Promise<StoredPage>;

/** How far the projector (events topic → event store) has come. */
export interface ProjectionProgress<Mark> {
  /** A mark past every event published to the events topic until now. */
  mark(): Promise<Mark>;
  /** Whether every event before `mark` is in the event store. */
  reached(mark: Mark): Promise<boolean>;
}

export interface BackfillOptions {
  /** This process, as lease owner. */
  owner: string;
  /** How often the projector's progress is asked while waiting for it. */
  waitPollMs: number;
  /** How often backfills left by a stopped process are looked for. */
  sweepMs: number;
}

/**
 * Fills the feed of a subscription that starts in the past with the stored events since its start (ADR 0020). The
 * subscription is already visible to the matcher, which appends every event it reads from now on; an event it passed
 * before may still be on its way to the event store, so the backfill first waits until the projector has stored
 * everything published until then, then reads the store. What both append is one entry (a feed holds an event
 * once). Nothing is delivered while `backfill_pending`; a backfill whose process died (its lease expired) is taken
 * over by another replica.
 */
export class SubscriptionBackfill<Mark> {
  private readonly stop = new AbortController();
  private sweeping: Promise<void> | undefined;

  constructor(
    private readonly repository: Pick<
      SubscriptionRepository,
      'append' | 'claimBackfills' | 'renewBackfill' | 'finishBackfill'
    >,
    private readonly stored: StoredEvents,
    private readonly projection: ProjectionProgress<Mark>,
    private readonly logger: Logger,
    private readonly options: BackfillOptions,
  ) {}

  /** Looks for backfills whose process stopped, until `close`. */
  start(): void {
    this.sweeping = (async () => {
      while (!this.stop.signal.aborted) {
        await abortableDelay(this.options.sweepMs, this.stop.signal);
        try {
          for (const subscription of await this.repository.claimBackfills(this.options.owner))
            await this.fill(subscription);
        } catch (error) {
          if (!this.stop.signal.aborted)
            this.logger.warn({ err: error }, 'subscription backfill failed; retrying');
        }
      }
    })();
  }

  async close(): Promise<void> {
    this.stop.abort();
    await this.sweeping;
  }

  /**
   * Fills the subscription's feed and lets it be delivered; false when this process stopped first or lost the lease
   * (the backfill is then taken over).
   */
  async fill(subscription: Subscription): Promise<boolean> {
    let renewed = Date.now();
    /** Whether to go on: not stopping, and the lease still this process's (renewed when a third of it is gone). */
    const keep = async (): Promise<boolean> => {
      if (this.stop.signal.aborted) return false;
      if (Date.now() - renewed < (LEASE_SECONDS * 1000) / 3) return true;
      renewed = Date.now();
      return this.repository.renewBackfill(subscription.id, this.options.owner);
    };
    const mark = await this.projection.mark();
    while (!(await this.projection.reached(mark))) {
      if (!(await keep())) return false;
      await abortableDelay(this.options.waitPollMs, this.stop.signal);
    }
    let after: string | undefined;
    do {
      if (!(await keep())) return false;
      const page = await this.stored(subscription, after);
      await this.repository.append(page.events, [
        {
          feedId: subscription.feedId,
          entries: page.events.map((e) => ({ entryKey: e.entryKey, recordTime: e.recordTime })),
        },
      ]);
      after = page.next;
    } while (after !== undefined);
    return this.repository.finishBackfill(subscription.id, this.options.owner);
  }
}
