import type { OutboxPublisher, OutboxStore } from './outbox';

export interface OutboxRelayOptions {
  /** Rows claimed per transaction. */
  batchSize: number;
  /** Pause between two looks at an empty outbox (rows written by this process wake the relay at once). */
  pollMs: number;
  /** Pause after a failed publication before trying again. */
  retryMs: number;
}

/**
 * Publishes what the outbox holds, batch by batch, until it is empty; then waits for `wake()` or the poll interval.
 * Every replica of the service runs one: the store hands each row to one relay at a time and a key's rows in order.
 */
export class OutboxRelay {
  private loop: Promise<void> | undefined;
  private stopping = false;
  private woken = false;
  private interrupt: (() => void) | undefined;

  constructor(
    private readonly store: OutboxStore,
    private readonly publisher: OutboxPublisher,
    private readonly options: OutboxRelayOptions,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.run();
  }

  /** Rows were written: look at the outbox now instead of at the end of the poll interval. */
  wake(): void {
    this.woken = true;
    this.interrupt?.();
  }

  /** Stops after the batch in hand (its rows are either published and deleted, or left for another relay). */
  async stop(): Promise<void> {
    this.stopping = true;
    this.interrupt?.();
    await this.loop;
    this.loop = undefined;
  }

  /** Publishes batches until there is nothing left to claim; returns how many rows were published. */
  async drain(): Promise<number> {
    let published = 0;
    for (;;) {
      const count = await this.store.relayBatch(this.options.batchSize, (rows) =>
        this.publisher.publish(rows),
      );
      published += count;
      if (count === 0 || this.stopping) return published;
    }
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      this.woken = false;
      try {
        await this.drain();
        if (!this.stopping && !this.woken) await this.pause(this.options.pollMs, true);
      } catch (error) {
        this.onError(error);
        if (!this.stopping) await this.pause(this.options.retryMs, false);
      }
    }
  }

  /** Waits `ms`; cut short by stop(), and by wake() when `wakeable` (not while backing off after a failure). */
  private pause(ms: number, wakeable: boolean): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.interrupt = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.interrupt = () => {
        if (wakeable || this.stopping) done();
      };
    });
  }
}
