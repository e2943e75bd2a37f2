import type { Logger } from '@pedigree/observability';

/** A database session that can hold the writer lock (a PostgreSQL session-level advisory lock in the service). */
export interface LockSession {
  /** Takes the lock if no other session holds it; true when this session holds it now. */
  tryLock(): Promise<boolean>;
  /** Fails when the session is gone (its lock is then released by the server). */
  check(): Promise<void>;
  close(): Promise<void>;
}

/** The work of the active writer: appending and anchoring. */
export interface WriterTerm {
  stop(): Promise<void>;
}

/** `starting` until the first attempt at the lock has answered. */
export type WriterRole = 'starting' | 'active' | 'standby';

export interface ElectionTiming {
  /** How often a standby tries to take the lock, and how often the active checks its lock session. */
  pollMs: number;
}

/**
 * One active writer per log among the replicas sharing its database. Each replica keeps a session of its own and
 * tries to take the lock; the one that holds it runs a term (consumer and anchorer) for as long as its session lives.
 * When the active process dies its session ends and the server releases the lock, so a standby takes over at its
 * next try; when the active's session breaks, it stops its term and becomes a standby again.
 */
export class WriterElection {
  private running = false;
  private current: WriterRole = 'starting';
  private loop?: Promise<void>;
  private wakeUp?: () => void;

  constructor(
    private readonly openSession: () => Promise<LockSession>,
    private readonly beginTerm: () => Promise<WriterTerm>,
    private readonly timing: ElectionTiming,
    private readonly logger: Logger,
  ) {}

  get role(): WriterRole {
    return this.current;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Ends the term in hand (if active) and releases the lock. */
  async stop(): Promise<void> {
    this.running = false;
    this.wakeUp?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let session: LockSession | undefined;
      try {
        session = await this.openSession();
        if (await this.acquire(session)) await this.serve(session);
      } catch (error) {
        this.logger.warn({ err: error }, 'writer lock session failed; trying again');
      } finally {
        await session?.close().catch(() => undefined);
      }
      if (this.running) await this.sleep();
    }
  }

  /** Tries until the lock is taken (true) or the election stops (false). */
  private async acquire(session: LockSession): Promise<boolean> {
    while (this.running) {
      if (await session.tryLock()) return true;
      this.current = 'standby';
      await this.sleep();
    }
    return false;
  }

  /** Runs a term while the session (and so the lock) lasts. */
  private async serve(session: LockSession): Promise<void> {
    this.logger.info('this process holds the writer lock: active');
    const term = await this.beginTerm();
    this.current = 'active';
    try {
      while (this.running) {
        await this.sleep();
        if (this.running) await session.check();
      }
    } finally {
      this.current = 'standby';
      await term.stop();
      this.logger.info(this.running ? 'writer lock lost: standby' : 'writer stopped; lock released');
    }
  }

  private sleep(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.timing.pollMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
      if (!this.running) done();
    });
  }
}
