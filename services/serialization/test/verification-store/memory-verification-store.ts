import type { CatalogueFacts } from '../../src/verification/decisions';
import type { ExpiryExtension, PackRecord, RegistryPack } from '../../src/verification/pack-view';
import type { OutboxMessage } from '@pedigree/service-runtime';
import type {
  NewOperation,
  PackTransaction,
  VerificationEntry,
  VerificationStore,
} from '../../src/verification/verification-store';

type StoredOperation = NewOperation & { undone: boolean; undoneBy?: string; undoneAt?: Date };

/**
 * The verification store as a few maps, for unit tests: what the service reads back is what it wrote. It passes the
 * same contract suite as the PostgreSQL store (verification-store.contract.ts), so tests on it say something about
 * the service. Registry rows are the projector's to write; tests put them in `registry`. Work on packs runs one at a
 * time, as the database lock makes it, and what a failed piece of work wrote is undone, as a rolled-back transaction;
 * `clock` is the store's clock.
 */
export class MemoryVerificationStore implements VerificationStore, PackTransaction {
  readonly registry = new Map<string, RegistryPack>();
  readonly operations: StoredOperation[] = [];
  readonly entries: VerificationEntry[] = [];
  readonly suspects = new Map<string, string[]>();
  readonly outbox: OutboxMessage[] = [];
  private readonly suspectReasons = new Map<string, string>();
  private readonly extensions = new Map<string, ExpiryExtension>();
  private locked: Promise<unknown> = Promise.resolve();

  constructor(private readonly clock: () => Date = () => new Date()) {}

  forPack<T>(_key: string, work: (tx: PackTransaction, now: Date) => Promise<T>): Promise<T> {
    const result = this.locked.then(async () => {
      const before = this.snapshot();
      try {
        return await work(this, this.clock());
      } catch (error) {
        this.restore(before);
        throw error;
      }
    });
    this.locked = result.catch(() => undefined);
    return result;
  }

  async queueEvent(message: OutboxMessage): Promise<void> {
    this.outbox.push(message);
  }

  private snapshot() {
    return {
      operations: this.operations.map((o) => ({ ...o })),
      entries: [...this.entries],
      suspects: new Map(this.suspects),
      suspectReasons: new Map(this.suspectReasons),
      outbox: [...this.outbox],
    };
  }

  private restore(saved: ReturnType<MemoryVerificationStore['snapshot']>): void {
    this.operations.splice(0, this.operations.length, ...saved.operations);
    this.entries.splice(0, this.entries.length, ...saved.entries);
    this.outbox.splice(0, this.outbox.length, ...saved.outbox);
    for (const [target, source] of [
      [this.suspects, saved.suspects],
      [this.suspectReasons, saved.suspectReasons],
    ] as const) {
      target.clear();
      source.forEach((value, key) => (target as Map<string, unknown>).set(key, value));
    }
  }

  async findPack(key: string): Promise<PackRecord> {
    const registry = this.registry.get(key);
    const last = this.operations
      .filter((o) => o.key === key)
      .reduce<StoredOperation | undefined>(
        (newest, o) => (!newest || newer(o, newest) ? o : newest),
        undefined,
      );
    const extension =
      registry?.lot === undefined ? undefined : this.extensions.get(`${registry.gtin}|${registry.lot}`);
    return {
      ...(registry ? { registry: { ...registry } } : {}),
      ...(last
        ? {
            lastOperation: {
              id: last.id,
              operation: last.operation,
              status: last.status,
              previousStatus: last.previousStatus,
              party: last.party,
              location: last.location,
              performedAt: last.performedAt,
              eventHash: last.eventHash,
              undone: last.undone,
              ...(last.undoneAt ? { undoneAt: last.undoneAt } : {}),
            },
          }
        : {}),
      ...(this.suspects.has(key)
        ? { suspect: { reason: this.suspectReasons.get(key)!, parties: [...this.suspects.get(key)!] } }
        : {}),
      ...(extension ? { expiryExtension: { ...extension } } : {}),
    };
  }

  async catalogue(gtin: string, lot: string | undefined): Promise<CatalogueFacts> {
    const packs = [...this.registry.values()].filter((p) => p.gtin === gtin);
    return {
      productKnown: packs.some((p) => p.commissioned),
      batchKnown: lot !== undefined && packs.some((p) => p.lot === lot),
    };
  }

  async dispensingParties(key: string): Promise<string[]> {
    return [
      ...new Set([
        ...this.operations
          .filter((o) => o.key === key && o.operation === 'supply' && !o.undone)
          .map((o) => o.party),
        ...this.entries.filter((e) => e.key === key && e.purpose === 'dispensing').map((e) => e.party),
      ]),
    ];
  }

  async record(entry: VerificationEntry): Promise<void> {
    if (!this.entries.some((e) => e.id === entry.id)) this.entries.push(entry);
  }

  recordLater(entry: VerificationEntry): void {
    if (!this.entries.some((e) => e.id === entry.id)) this.entries.push(entry);
  }

  async saveOperation(operation: NewOperation): Promise<void> {
    if (this.operations.some((o) => o.id === operation.id))
      throw new Error(`operation ${operation.id} is already recorded`);
    this.operations.push({ ...operation, undone: false });
  }

  async markUndone(operationId: string, by: string, at: Date): Promise<void> {
    const operation = this.operations.find((o) => o.id === operationId);
    if (operation) Object.assign(operation, { undone: true, undoneBy: by, undoneAt: at });
  }

  async operationEvent(operationId: string): Promise<Record<string, unknown> | undefined> {
    return this.operations.find((o) => o.id === operationId)?.event;
  }

  async markSuspect(key: string, reason: string, parties: string[]): Promise<void> {
    const known = this.suspects.get(key);
    if (!known) this.suspectReasons.set(key, reason);
    this.suspects.set(key, [...new Set([...(known ?? []), ...parties])]);
  }

  async saveExpiryExtension(extension: {
    gtin: string;
    lot: string;
    originalExpiry: string;
    extendedExpiry: string;
  }): Promise<void> {
    const key = `${extension.gtin}|${extension.lot}`;
    this.extensions.set(key, {
      originalExpiry: this.extensions.get(key)?.originalExpiry ?? extension.originalExpiry,
      extendedExpiry: extension.extendedExpiry,
    });
  }
}

/** The newest operation of a pack: the latest performed, the larger id between equal times (as the SQL orders). */
function newer(a: StoredOperation, b: StoredOperation): boolean {
  const byTime = a.performedAt.getTime() - b.performedAt.getTime();
  return byTime > 0 || (byTime === 0 && a.id > b.id);
}
