import type { Pool } from 'pg';
import { foldRegistry } from '../registry/registry-fold';
import { eventRow, type EpcisEventMessage } from './event-row';
import { RegistryRepository } from './registry-repository';

const INSTANCE_ROLES = new Set(['epc', 'parent', 'child', 'input', 'output']);

/**
 * Applies captured events to the database in one transaction per batch: the events (once each, by hash), the EPC
 * index, and the serial registry of every item they touch — recomputed from the full event history of the item's
 * aggregation family, so late and out-of-order events give the registry in-order processing would have.
 * Re-applying a batch changes nothing, which makes redelivery after a crash harmless.
 */
export class EventProjector {
  constructor(private readonly pool: Pool) {}

  /**
   * Locks the aggregation family of `keys`. A batch projected concurrently may link these items to others and commit
   * while this one waits for its locks, so the family is looked up again under the locks and widened until it is
   * stable; the batch then sees every committed event of every item it will rewrite.
   */
  private async lockFamily(repository: RegistryRepository, keys: string[]): Promise<string[]> {
    let family = await repository.aggregationFamily(keys);
    await repository.lockKeys(family);
    for (;;) {
      const locked = new Set(family);
      const widened = await repository.aggregationFamily(family);
      const added = widened.filter((key) => !locked.has(key));
      if (added.length === 0) return family;
      await repository.lockKeys(added);
      family = widened;
    }
  }

  async project(
    messages: EpcisEventMessage[],
  ): Promise<{ inserted: number; retracted: number; registryKeys: number }> {
    const byHash = new Map<string, EpcisEventMessage>();
    for (const message of messages) {
      const seen = byHash.get(message.eventHash);
      // Of two copies of the same event, the one declaring an error wins: it retracts the other.
      if (
        !seen ||
        (message.event.errorDeclaration !== undefined && seen.event.errorDeclaration === undefined)
      ) {
        byHash.set(message.eventHash, message);
      }
    }
    const derived = [...byHash.values()].map(eventRow);

    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const repository = new RegistryRepository(client);
      const inserted = await repository.insertEvents(derived.map((d) => d.row));
      const retracted = await repository.retractEvents(
        derived
          .filter((d) => !inserted.has(d.row.event_hash) && d.row.error_declared_at !== null)
          .map((d) => d.row),
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
        const inHand = new Map(derived.map((d) => [d.row.event_hash, d.facts]));
        const fold = foldRegistry(await repository.eventsNaming(family, inHand));
        const inFamily = new Set(family);
        const states = [...fold.states.values()].filter((s) => inFamily.has(s.key));
        await repository.replaceRegistry(
          family,
          states,
          fold.history.filter((h) => inFamily.has(h.key)),
        );
        registryKeys = states.length;
      }
      await client.query('COMMIT');
      return { inserted: inserted.size, retracted: retracted.size, registryKeys };
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }
}
