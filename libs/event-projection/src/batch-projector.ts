import type { Pool, PoolClient } from 'pg';
import type { EpcisEventMessage } from '@pedigree/contracts';
import { inTransaction } from '@pedigree/database';
import {
  capturerFromColumns,
  foldRegistry,
  honoursErrorDeclaration,
  type EventFacts,
  type FoldOptions,
  type RegistryEvent,
  type RegistryFold,
} from '@pedigree/registry';
import { INSTANCE_ROLES, StoredEvents, type StoredEventRow } from './stored-events';

const INSTANCE = new Set<string>(INSTANCE_ROLES);

/** Who declares an event in error, as its capture message says. */
function declarer(message: Pick<EpcisEventMessage, 'capturedBy' | 'capturedByAdmin'>) {
  return { party: message.capturedBy, admin: message.capturedByAdmin === true };
}

/**
 * Of two copies of one event (same hash) in a batch, the one to store: a copy declaring an error wins over the plain
 * copy only when its declarer may retract it (the plain copy's capturer or an admin, docs/authorisation.md);
 * otherwise the plain copy is the event. Of two copies alike, the first stays.
 */
export function preferredCopy(seen: EpcisEventMessage, next: EpcisEventMessage): EpcisEventMessage {
  const declares = (m: EpcisEventMessage) => m.event.errorDeclaration !== undefined;
  if (declares(next) && !declares(seen))
    return honoursErrorDeclaration(seen.capturedBy, declarer(next)) ? next : seen;
  if (declares(seen) && !declares(next))
    return honoursErrorDeclaration(next.capturedBy, declarer(seen)) ? seen : next;
  return seen;
}

/** The replayed family of a batch, for the service to write what it keeps of it. */
export interface ReplayedFamily {
  /** Every key of the aggregation family the batch touched (locked for this transaction). */
  keys: string[];
  /** The keys of `keys` that had a state row of the service before this batch. */
  registered: ReadonlySet<string>;
  fold: RegistryFold;
}

/** What a service's projection adds to the shared flow: its own `events` row, and its own state of every object. */
export interface ProjectionTarget<Row extends StoredEventRow> {
  /** The service's `events` row of a captured event, and the event's facts for the fold. */
  derive(message: EpcisEventMessage): { row: Row; facts: EventFacts };
  /** Inserts the rows not stored yet (by hash); returns the hashes that were new. */
  insertEvents(client: PoolClient, rows: Row[]): Promise<Set<string>>;
  /** Which of `keys` have a state row of the service (their stored events are replayed). */
  registeredKeys(client: PoolClient, keys: string[]): Promise<Set<string>>;
  /** Writes the service's state of the replayed family; returns how many objects it wrote. */
  writeFamily(client: PoolClient, family: ReplayedFamily): Promise<number>;
  foldOptions?: FoldOptions;
}

/**
 * Applies a batch of captured events in one transaction: the events (once each, by hash), honoured error
 * declarations, the identifier index, and — recomputed by the registry fold from the full event history of the
 * aggregation family of every object they touch — the service's state of those objects, so late and out-of-order
 * events give what in-order processing would have. Objects are locked by transaction-scoped advisory locks, so batches
 * of two consumers or replicas never rewrite one family at once; re-applying a batch changes nothing, which makes
 * redelivery after a crash harmless.
 */
export class EventBatchProjector<Row extends StoredEventRow> {
  constructor(
    private readonly pool: Pool,
    private readonly target: ProjectionTarget<Row>,
  ) {}

  async project(
    messages: EpcisEventMessage[],
  ): Promise<{ inserted: number; retracted: number; written: number }> {
    const byHash = new Map<string, EpcisEventMessage>();
    for (const message of messages) {
      const seen = byHash.get(message.eventHash);
      if (!seen || preferredCopy(seen, message) === message) byHash.set(message.eventHash, message);
    }
    const derived = [...byHash.values()].map((message) => this.target.derive(message));

    return inTransaction(this.pool, async (client) => {
      const store = new StoredEvents(client);
      const inserted = await this.target.insertEvents(
        client,
        derived.map((d) => d.row),
      );
      const declarations = derived
        .filter((d) => !inserted.has(d.row.event_hash) && d.row.error_declared_at !== null)
        .map((d) => d.row);
      const capturers = await store.capturersOf(declarations.map((row) => row.event_hash));
      const retracted = await store.retractEvents(
        declarations.filter((row) => {
          const capturedBy = capturers.get(row.event_hash);
          return (
            capturedBy !== undefined &&
            honoursErrorDeclaration(capturedBy, declarer(byHash.get(row.event_hash)!))
          );
        }),
      );
      await store.indexIdentifiers(
        derived
          .filter((d) => inserted.has(d.row.event_hash))
          .flatMap((d) =>
            d.facts.identifiers.map((i) => ({
              key: i.key,
              event_hash: d.row.event_hash,
              role: i.role,
              event_type: d.row.event_type,
            })),
          ),
      );
      const touched = [
        ...new Set(
          derived
            .filter((d) => inserted.has(d.row.event_hash) || retracted.has(d.row.event_hash))
            .flatMap((d) => d.facts.identifiers.filter((i) => INSTANCE.has(i.role)).map((i) => i.key)),
        ),
      ];
      if (touched.length === 0) return { inserted: inserted.size, retracted: retracted.size, written: 0 };
      const keys = await this.lockFamily(store, touched);
      const registered = await this.target.registeredKeys(client, keys);
      const events = await this.eventsOfFamily(store, keys, registered, derived, inserted);
      const fold = foldRegistry(events, this.target.foldOptions);
      const written = await this.target.writeFamily(client, { keys, registered, fold });
      return { inserted: inserted.size, retracted: retracted.size, written };
    });
  }

  /**
   * Locks the aggregation family of `keys`: the keys first, then the family read under their locks, widened (locking
   * each newcomer and reading again) until stable. A batch projected concurrently may have linked these items to
   * others and committed meanwhile; once stable, this batch sees every committed event of every item it will rewrite.
   */
  private async lockFamily(store: StoredEvents, keys: string[]): Promise<string[]> {
    const locked = new Set(keys);
    await store.lockKeys(keys);
    for (;;) {
      const family = await store.aggregationFamily([...locked]);
      const added = family.filter((key) => !locked.has(key));
      if (added.length === 0) return family;
      await store.lockKeys(added);
      for (const key of added) locked.add(key);
    }
  }

  /**
   * The events to replay for `family`: every stored event naming a key that has a state row or that some event stored
   * before this batch names (an observation of an object nobody held — another party's, under the object's company
   * prefix, docs/authorisation.md — left no row, yet takes effect once earlier events give its capturer custody, e.g.
   * when the shipping naming it arrives late), read back with their stored state; plus the events this batch inserted
   * naming the remaining keys, whose facts are in hand. A key no earlier event names (a commissioning's new pack) costs
   * one index probe and no read of the event store.
   */
  private async eventsOfFamily(
    store: StoredEvents,
    family: string[],
    registered: ReadonlySet<string>,
    batch: Array<{ row: Row; facts: EventFacts }>,
    inserted: ReadonlySet<string>,
  ): Promise<RegistryEvent[]> {
    const unregistered = family.filter((key) => !registered.has(key));
    const namedBefore = await store.keysNamedByOtherEvents(unregistered, inserted);
    const readBack = [...registered, ...namedBefore];
    const events = new Map<string, RegistryEvent>();
    if (readBack.length > 0) {
      const inHand = new Map(batch.map((d) => [d.row.event_hash, d.facts]));
      for (const event of await store.eventsNaming(readBack, inHand)) events.set(event.hash, event);
    }
    const onlyThisBatch = new Set(unregistered.filter((key) => !namedBefore.has(key)));
    for (const { row, facts } of batch) {
      if (!inserted.has(row.event_hash) || events.has(row.event_hash)) continue;
      if (!facts.identifiers.some((i) => INSTANCE.has(i.role) && onlyThisBatch.has(i.key))) continue;
      events.set(row.event_hash, {
        hash: row.event_hash,
        recordTime: new Date(row.record_time),
        capturedBy: row.captured_by,
        ...capturerFromColumns(row),
        facts: { ...facts, errorDeclared: row.error_declared_at !== null },
      });
    }
    return [...events.values()];
  }
}
