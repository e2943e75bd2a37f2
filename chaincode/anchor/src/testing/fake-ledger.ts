import { Context } from 'fabric-contract-api';
import type { ChaincodeStub, ClientIdentity, Iterators } from 'fabric-shim-api';

/** An event a committed transaction emitted. */
export interface EmittedEvent {
  txId: string;
  name: string;
  payload: string;
}

/**
 * A world state and the chaincode stub over it, as the peer offers them to a contract: a transaction reads the
 * committed state only (not its own writes), its writes and event become visible when it commits, and a transaction
 * that throws leaves no trace.
 */
export class FakeLedger {
  readonly state = new Map<string, Uint8Array>();
  readonly events: EmittedEvent[] = [];
  private txCount = 0;

  /** Runs one transaction as a client of `mspId` at `timestamp`, committing its writes when it succeeds. */
  async submit<T>(mspId: string, run: (ctx: Context) => Promise<T>, timestamp = new Date()): Promise<T> {
    const stub = new FakeStub(this.state, `tx${++this.txCount}`, timestamp);
    const ctx = new Context();
    // The contract uses a part of the stub and of the client identity; the doubles implement exactly that part.
    ctx.stub = stub as unknown as ChaincodeStub;
    ctx.clientIdentity = { getMSPID: () => mspId } as unknown as ClientIdentity;
    const result = await run(ctx);
    for (const [key, value] of stub.writes) this.state.set(key, value);
    if (stub.event) this.events.push({ txId: stub.txId, ...stub.event });
    return result;
  }

  /** Evaluates without committing, like a gateway evaluate. */
  async evaluate<T>(run: (ctx: Context) => Promise<T>): Promise<T> {
    const stub = new FakeStub(this.state, 'query', new Date());
    const ctx = new Context();
    ctx.stub = stub as unknown as ChaincodeStub;
    return run(ctx);
  }
}

class FakeStub {
  readonly writes = new Map<string, Uint8Array>();
  event: { name: string; payload: string } | undefined;

  constructor(
    private readonly committed: ReadonlyMap<string, Uint8Array>,
    readonly txId: string,
    private readonly timestamp: Date,
  ) {}

  getTxID(): string {
    return this.txId;
  }

  getDateTimestamp(): Date {
    return this.timestamp;
  }

  async getState(key: string): Promise<Uint8Array> {
    return this.committed.get(key) ?? new Uint8Array(0);
  }

  async putState(key: string, value: Uint8Array): Promise<void> {
    if (value.length === 0) throw new Error(`putState(${key}) with an empty value`);
    this.writes.set(key, value);
  }

  setEvent(name: string, payload: Uint8Array): void {
    this.event = { name, payload: Buffer.from(payload).toString('utf8') };
  }

  createCompositeKey(objectType: string, attributes: string[]): string {
    return `\u0000${objectType}\u0000${attributes.map((attribute) => `${attribute}\u0000`).join('')}`;
  }

  /** Entries whose key starts with the partial composite key, in key order (as the peer returns them). */
  async *getStateByPartialCompositeKey(
    objectType: string,
    attributes: string[],
  ): AsyncGenerator<Iterators.KV> {
    const prefix = this.createCompositeKey(objectType, attributes);
    const keys = [...this.committed.keys()].filter((key) => key.startsWith(prefix)).sort();
    for (const key of keys) yield { namespace: 'anchor', key, value: this.committed.get(key)! };
  }
}
