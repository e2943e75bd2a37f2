import { createLogger } from '@pedigree/observability';
import { WriterElection, type LockSession, type WriterTerm } from './writer-election';

/** An advisory lock shared by fake sessions: held by one session at a time, released when that session ends. */
class FakeLock {
  holder?: FakeSession;
  readonly sessions: FakeSession[] = [];

  open = async (): Promise<LockSession> => {
    const session = new FakeSession(this);
    this.sessions.push(session);
    return session;
  };
}

class FakeSession implements LockSession {
  broken = false;
  closed = false;

  constructor(private readonly lock: FakeLock) {}

  async tryLock(): Promise<boolean> {
    if (this.broken) throw new Error('connection terminated');
    this.lock.holder ??= this;
    return this.lock.holder === this;
  }

  async check(): Promise<void> {
    if (this.broken) throw new Error('connection terminated');
  }

  async close(): Promise<void> {
    this.closed = true;
    this.release();
  }

  /** The connection breaks (or the process holding it dies): the server releases the lock. */
  breakConnection(): void {
    this.broken = true;
    this.release();
  }

  private release(): void {
    if (this.lock.holder === this) this.lock.holder = undefined;
  }
}

class Terms {
  started = 0;
  stopped = 0;
  begin = async (): Promise<WriterTerm> => {
    this.started++;
    return { stop: async () => void this.stopped++ };
  };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('WriterElection', () => {
  const logger = createLogger('test', 'silent');
  const timing = { pollMs: 5 };

  it('makes one replica active; the standby takes over when the active one’s session ends', async () => {
    const lock = new FakeLock();
    const termsA = new Terms();
    const termsB = new Terms();
    const a = new WriterElection(lock.open, termsA.begin, timing, logger);
    a.start();
    await until(() => a.role === 'active', 'a to become active');
    const b = new WriterElection(lock.open, termsB.begin, timing, logger);
    b.start();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(b.role).toBe('standby');
    expect(termsB.started).toBe(0);

    lock.holder!.breakConnection();
    await until(() => b.role === 'active', 'b to take over');
    await until(() => termsA.stopped === 1, "a's term to stop");
    expect(a.role).toBe('standby');
    expect(termsB.started).toBe(1);

    await a.stop();
    await b.stop();
    expect(termsB.stopped).toBe(1);
    expect(lock.holder).toBeUndefined();
    expect(lock.sessions.every((session) => session.closed || session.broken)).toBe(true);
  });

  it('stops the term and releases the lock on stop', async () => {
    const lock = new FakeLock();
    const terms = new Terms();
    const election = new WriterElection(lock.open, terms.begin, timing, logger);
    election.start();
    await until(() => election.role === 'active', 'active');
    await election.stop();
    expect(terms).toMatchObject({ started: 1, stopped: 1 });
    expect(election.role).toBe('standby');
    expect(lock.holder).toBeUndefined();
  });

  it('gives the lock back and tries again when a term cannot begin', async () => {
    const lock = new FakeLock();
    let attempts = 0;
    const election = new WriterElection(
      lock.open,
      async () => {
        if (++attempts < 3) throw new Error('database not ready');
        return { stop: async () => undefined };
      },
      timing,
      logger,
    );
    election.start();
    await until(() => election.role === 'active', 'active after failed starts');
    expect(attempts).toBe(3);
    await election.stop();
  });
});
