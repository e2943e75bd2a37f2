import type { Pool } from 'pg';
import { inTransaction } from '@pedigree/database';
import {
  capturerFromColumns,
  foldRegistry,
  honoursErrorDeclaration,
  type EventFacts,
  type RegistryEvent,
} from '@pedigree/registry';
import { eventRow, type EpcisEventMessage, type EventRow } from './event-row';
import { RegistryRepository } from './registry-repository';

const INSTANCE_ROLES = new Set(['epc', 'parent', 'child', 'input', 'output']);

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

/**
 * Applies captured events to the database in one transaction per batch: the events (once each, by hash), the EPC
 * index, and the serial registry of every item they touch — recomputed from the full event history of the item's
 * aggregation family, so late and out-of-order events give the registry in-order processing would have.
 * Re-applying a batch changes nothing, which makes redelivery after a crash harmless.
 */
export class EventProjector {
  constructor(private readonly pool: Pool) {}

  /**
   * Locks the aggregation family of `keys`: the keys first, then the family read under their locks, widened (locking
   * each newcomer and reading again) until stable. A batch projected concurrently may have linked these items to
   * others and committed meanwhile; once stable, this batch sees every committed event of every item it will rewrite.
   */
  private async lockFamily(repository: RegistryRepository, keys: string[]): Promise<string[]> {
    const locked = new Set(keys);
    await repository.lockKeys(keys);
    for (;;) {
      const family = await repository.aggregationFamily([...locked]);
      const added = family.filter((key) => !locked.has(key));
      if (added.length === 0) return family;
      await repository.lockKeys(added);
      for (const key of added) locked.add(key);
    }
  }

  /**
   * The events to replay for `family`: every stored event naming a key the registry holds or a key some event stored
   * before this batch names (an observation of an object nobody held — another party's, under the object's company
   * prefix, docs/authorisation.md — left no row, yet takes effect once earlier events give its capturer custody, e.g.
   * when the shipping naming it arrives late), read back with their stored state; plus the events this batch inserted
   * naming the remaining keys, whose facts are in hand. A key no earlier event names (a commissioning's new pack) costs
   * one index probe and no read of the event store.
   */
  private async eventsOfFamily(
    repository: RegistryRepository,
    family: string[],
    registered: ReadonlySet<string>,
    batch: Array<{ row: EventRow; facts: EventFacts }>,
    inserted: ReadonlySet<string>,
  ): Promise<RegistryEvent[]> {
    const unregistered = family.filter((key) => !registered.has(key));
    const namedBefore = await repository.keysNamedByOtherEvents(unregistered, inserted);
    const readBack = [...registered, ...namedBefore];
    const events = new Map<string, RegistryEvent>();
    if (readBack.length > 0) {
      const inHand = new Map(batch.map((d) => [d.row.event_hash, d.facts]));
      for (const event of await repository.eventsNaming(readBack, inHand)) events.set(event.hash, event);
    }
    const onlyThisBatch = new Set(unregistered.filter((key) => !namedBefore.has(key)));
    for (const { row, facts } of batch) {
      if (!inserted.has(row.event_hash) || events.has(row.event_hash)) continue;
      if (!facts.identifiers.some((i) => INSTANCE_ROLES.has(i.role) && onlyThisBatch.has(i.key))) continue;
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

  async project(
    messages: EpcisEventMessage[],
  ): Promise<{ inserted: number; retracted: number; registryKeys: number }> {
    const byHash = new Map<string, EpcisEventMessage>();
    for (const message of messages) {
      const seen = byHash.get(message.eventHash);
      if (!seen || preferredCopy(seen, message) === message) byHash.set(message.eventHash, message);
    }
    const derived = [...byHash.values()].map(eventRow);

    return inTransaction(this.pool, async (client) => {
      const repository = new RegistryRepository(client);
      const inserted = await repository.insertEvents(derived.map((d) => d.row));
      const declarations = derived
        .filter((d) => !inserted.has(d.row.event_hash) && d.row.error_declared_at !== null)
        .map((d) => d.row);
      const capturers = await repository.capturersOf(declarations.map((row) => row.event_hash));
      const retracted = await repository.retractEvents(
        declarations.filter((row) => {
          const capturedBy = capturers.get(row.event_hash);
          const message = byHash.get(row.event_hash)!;
          return capturedBy !== undefined && honoursErrorDeclaration(capturedBy, declarer(message));
        }),
      );
      const changed = derived.filter(
        (d) => inserted.has(d.row.event_hash) || retracted.has(d.row.event_hash),
      );
      await repository.indexIdentifiers(
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
          changed.flatMap((d) =>
            d.facts.identifiers.filter((i) => INSTANCE_ROLES.has(i.role)).map((i) => i.key),
          ),
        ),
      ];
      let registryKeys = 0;
      if (touched.length > 0) {
        const family = await this.lockFamily(repository, touched);
        const registered = await repository.registeredKeys(family);
        const fold = foldRegistry(
          await this.eventsOfFamily(repository, family, registered, derived, inserted),
        );
        const inFamily = new Set(family);
        const states = [...fold.states.values()].filter((s) => inFamily.has(s.key));
        await repository.replaceRegistry(registered, states);
        registryKeys = states.length;
      }
      return { inserted: inserted.size, retracted: retracted.size, registryKeys };
    });
  }
}
