import { inSpan, type Logger } from '@pedigree/observability';
import { decideCut, type HeadPolicy } from './head-policy';
import { PendingTraces } from './pending-traces';
import {
  HeadRejectedError,
  type AnchorLedger,
  type AnchorPublisher,
  type Head,
  type HeadStore,
  type OffsetCommitter,
} from './ports';

export interface Backoff {
  initialMs: number;
  maxMs: number;
}

/** How anchoring is doing, for readiness and logs. */
export type AnchoringState =
  | { status: 'ok' }
  | { status: 'fabric-down'; since: Date; attempts: number; error: string }
  | { status: 'rejected'; head: Head; reason: string };

export interface Clock {
  now(): Date;
}

/** What the loop does after a step: run again now, wait (at most) some time or until woken, or stop for good. */
export type NextStep = { wait: number | 'until-woken' } | { stop: true };

/**
 * Turns appended leaves into anchored heads, one head at a time: re-anchors a recorded-but-unanchored head first
 * (the chaincode answers an identical resubmission with its record), otherwise cuts a new head when the policy says
 * so; once the ledger committed it, records it, and then publishes the notice and releases the Kafka offsets it covers
 * in the background, while the next head is cut and submitted (the chaincode takes a head only once the one before
 * it is committed, so submissions cannot overlap; the bookkeeping can).
 * Fabric unreachable → retried with exponential backoff; a head the chaincode refuses → reported and anchoring stops
 * (retrying cannot help: the log and the ledger disagree).
 */
export class Anchorer {
  private state: AnchoringState = { status: 'ok' };
  private failures = 0;
  private anchored?: number;
  private running = false;
  private wakeUp?: () => void;
  private wokenWhileBusy = false;
  private sleeping?: NodeJS.Timeout;
  private loop?: Promise<void>;
  /** Notices and offsets of the heads anchored so far, done one round at a time in the background. */
  private followUp: Promise<void> = Promise.resolve();
  private followUpQueued = false;

  constructor(
    private readonly store: HeadStore,
    private readonly ledger: AnchorLedger,
    private readonly publisher: AnchorPublisher,
    private readonly offsets: OffsetCommitter,
    private readonly policy: HeadPolicy,
    private readonly backoff: Backoff,
    private readonly logger: Logger,
    private readonly clock: Clock = { now: () => new Date() },
    private readonly onAnchored: (head: Head) => void = () => undefined,
    private readonly traces: PendingTraces = new PendingTraces(),
  ) {}

  get anchoringState(): AnchoringState {
    return this.state;
  }

  /** Runs steps until stopped (or a head is rejected). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.interrupt();
    await this.loop;
    await this.followUp;
  }

  /** Resolves once the notices of the heads anchored so far went out and their offsets were committed (or failed). */
  async settled(): Promise<void> {
    await this.followUp;
  }

  /**
   * New leaves were appended (or offsets recorded): look again now rather than at the next timer. Ignored while
   * waiting to retry an unreachable ledger, so that appends do not turn the backoff into a tight loop.
   */
  wake(): void {
    if (this.state.status === 'fabric-down') return;
    if (!this.interrupt()) this.wokenWhileBusy = true;
  }

  private interrupt(): boolean {
    const wakeUp = this.wakeUp;
    this.wakeUp = undefined;
    wakeUp?.();
    return wakeUp !== undefined;
  }

  /** One step of the loop; public so that tests can drive it without timers. */
  async step(): Promise<NextStep> {
    const rejected = await this.store.rejectedHead();
    if (rejected) {
      this.state = { status: 'rejected', head: rejected, reason: rejected.rejection };
      return { stop: true };
    }
    this.anchored ??= await this.store.anchoredSize();
    let head = await this.store.pendingHead();
    let recheck: number | 'until-woken' = 'until-woken';
    if (!head) {
      const decision = decideCut(await this.store.unheadedLeaves(), this.clock.now(), this.policy);
      if (decision.cut) head = await this.store.cutHead();
      else if (decision.recheckInMs !== undefined) recheck = decision.recheckInMs;
    }
    if (head) return this.anchorTraced(head);
    this.publishAndRelease();
    return { wait: recheck };
  }

  /**
   * Anchors a head within a span continuing the trace of the oldest append it covers (linked to the others), so the
   * Fabric transaction and the anchor notice published after it belong to that trace.
   */
  private anchorTraced(head: Head): Promise<NextStep> {
    const [parent, ...others] = this.traces.coveredBy(head.treeSize);
    return inSpan(
      'ledger anchor head',
      { parent, links: others, attributes: { 'pedigree.ledger.tree_size': head.treeSize } },
      async () => {
        const outcome = await this.anchor(head);
        if (outcome !== 'anchored') return outcome;
        this.traces.anchored(head.treeSize);
        this.publishAndRelease();
        return { wait: 0 };
      },
    );
  }

  private async anchor(head: Head): Promise<'anchored' | NextStep> {
    try {
      const receipt = await this.ledger.anchor(head);
      await this.store.markAnchored(head, receipt);
      this.anchored = head.treeSize;
      this.onAnchored(head);
      if (this.state.status !== 'ok') this.logger.info({ treeSize: head.treeSize }, 'anchoring resumed');
      this.state = { status: 'ok' };
      this.failures = 0;
      this.logger.debug({ treeSize: head.treeSize, transactionId: receipt.transactionId }, 'head anchored');
      return 'anchored';
    } catch (error) {
      if (error instanceof HeadRejectedError) {
        await this.store.markRejected(head, error.message);
        this.state = { status: 'rejected', head, reason: error.message };
        this.logger.error(
          { treeSize: head.treeSize, rootHash: head.rootHash, reason: error.message },
          'the ledger rejected a head of the log; anchoring stopped (the log and the ledger disagree)',
        );
        return { stop: true };
      }
      this.failures++;
      const message = (error as Error).message;
      this.state = {
        status: 'fabric-down',
        since: this.state.status === 'fabric-down' ? this.state.since : this.clock.now(),
        attempts: this.failures,
        error: message,
      };
      const delay = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** (this.failures - 1));
      this.logger.warn(
        { treeSize: head.treeSize, attempt: this.failures, retryInMs: delay, err: message },
        'anchoring failed; retrying',
      );
      return { wait: delay };
    }
  }

  /** Queues a round of publishing notices and committing offsets, unless one is queued already (it will see all). */
  private publishAndRelease(): void {
    if (this.followUpQueued) return;
    this.followUpQueued = true;
    this.followUp = this.followUp.then(async () => {
      this.followUpQueued = false;
      await this.publishNotices();
      await this.commitOffsets();
    });
  }

  private async publishNotices(): Promise<void> {
    try {
      for (const head of await this.store.unpublishedHeads()) {
        await this.publisher.publish(head);
        await this.store.markPublished(head.treeSize);
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'could not publish an anchor notice; retrying with the next step');
    }
  }

  private async commitOffsets(): Promise<void> {
    try {
      await this.offsets.commitThrough(this.anchored ?? 0);
    } catch (error) {
      this.logger.warn({ err: error }, 'could not commit Kafka offsets; retrying with the next step');
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      let next: NextStep;
      try {
        next = await this.step();
      } catch (error) {
        // The database is unreachable, most likely: try again later.
        this.logger.warn({ err: error }, 'anchoring step failed; retrying');
        next = { wait: this.backoff.maxMs };
      }
      if ('stop' in next) {
        this.running = false;
        return;
      }
      const woken = this.wokenWhileBusy && this.state.status !== 'fabric-down';
      this.wokenWhileBusy = false;
      if (next.wait !== 0 && !woken) await this.sleep(next.wait);
    }
  }

  private sleep(wait: number | 'until-woken'): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(this.sleeping);
        this.wakeUp = undefined;
        resolve();
      };
      this.wakeUp = done;
      // Even "until woken" looks again now and then, in case a wake-up was missed.
      this.sleeping = setTimeout(done, wait === 'until-woken' ? this.policy.maxDelayMs : wait);
      if (!this.running) done();
    });
  }
}
