import type { Pool } from 'pg';
import type { EpcisEventMessage } from '@pedigree/contracts';
import { inTransaction } from '@pedigree/database';
import { foldRegistry, honoursErrorDeclaration } from '@pedigree/registry';
import { eventRow } from './event-row';
import { ProjectionRepository } from './projection-repository';

const INSTANCE_ROLES = new Set(['epc', 'parent', 'child', 'input', 'output']);

function declarer(message: Pick<EpcisEventMessage, 'capturedBy' | 'capturedByAdmin'>) {
  return { party: message.capturedBy, admin: message.capturedByAdmin === true };
}

/**
 * Of two copies of one event (same hash) in a batch, the one to store: the declaring copy when its declarer may
 * retract the event (docs/authorisation.md), else the plain copy; of two alike, the first.
 */
function preferredCopy(seen: EpcisEventMessage, next: EpcisEventMessage): EpcisEventMessage {
  const declares = (m: EpcisEventMessage) => m.event.errorDeclaration !== undefined;
  if (declares(next) && !declares(seen))
    return honoursErrorDeclaration(seen.capturedBy, declarer(next)) ? next : seen;
  if (declares(seen) && !declares(next))
    return honoursErrorDeclaration(next.capturedBy, declarer(seen)) ? seen : next;
  return seen;
}

/**
 * The recall service's projection of `epcis.events.v1`, one transaction per batch: the events (once each, by hash),
 * the identifiers they name (the trace graph), and — through the libs/registry fold of each touched item's
 * aggregation family, with its custody trail — where every item is now and who held it. Items are locked by
 * transaction-scoped advisory locks, so batches of two replicas (or two partitions) never rewrite one family at once;
 * replaying a batch changes nothing, so redelivery after a crash is harmless.
 */
export class EventProjector {
  constructor(private readonly pool: Pool) {}

  async project(messages: EpcisEventMessage[]): Promise<{ inserted: number; holdings: number }> {
    const byHash = new Map<string, EpcisEventMessage>();
    for (const message of messages) {
      const seen = byHash.get(message.eventHash);
      if (!seen || preferredCopy(seen, message) === message) byHash.set(message.eventHash, message);
    }
    const derived = [...byHash.values()].map(eventRow);

    return inTransaction(this.pool, async (client) => {
      const repository = new ProjectionRepository(client);
      const inserted = await repository.insertEvents(derived.map((d) => d.row));
      const declarations = derived
        .filter((d) => !inserted.has(d.row.event_hash) && d.row.error_declared_at !== null)
        .map((d) => d.row);
      const capturers = await repository.capturersOf(declarations.map((row) => row.event_hash));
      const retracted = await repository.retractEvents(
        declarations.filter((row) => {
          const capturedBy = capturers.get(row.event_hash);
          return (
            capturedBy !== undefined &&
            honoursErrorDeclaration(capturedBy, declarer(byHash.get(row.event_hash)!))
          );
        }),
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
          derived
            .filter((d) => inserted.has(d.row.event_hash) || retracted.has(d.row.event_hash))
            .flatMap((d) => d.facts.identifiers.filter((i) => INSTANCE_ROLES.has(i.role)).map((i) => i.key)),
        ),
      ];
      if (touched.length === 0) return { inserted: inserted.size, holdings: 0 };
      const family = await this.lockFamily(repository, touched);
      const known = new Map(derived.map((d) => [d.row.event_hash, d.facts]));
      const fold = foldRegistry(await repository.eventsNaming(family, known), { trackCustody: true });
      const inFamily = new Set(family);
      const states = [...fold.states.values()].filter((s) => inFamily.has(s.key));
      await repository.replaceHoldings(family, states, fold.custody);
      return { inserted: inserted.size, holdings: states.length };
    });
  }

  /** Locks the aggregation family of `keys`, widening it (and locking newcomers) until it is stable. */
  private async lockFamily(repository: ProjectionRepository, keys: string[]): Promise<string[]> {
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
}
