import type { Pool } from 'pg';
import { EventBatchProjector, type ProjectionTarget } from '@pedigree/event-projection';
import { eventRow, type EventRow } from './event-row';
import { ProjectionRepository } from './projection-repository';

/** The recall service's part of the projection: its `events` rows, holdings and custody trails. */
const HOLDINGS: ProjectionTarget<EventRow> = {
  derive: eventRow,
  insertEvents: (client, rows) => new ProjectionRepository(client).insertEvents(rows),
  registeredKeys: (client, keys) => new ProjectionRepository(client).registeredKeys(keys),
  async writeFamily(client, { keys, fold }) {
    const inFamily = new Set(keys);
    const states = [...fold.states.values()].filter((s) => inFamily.has(s.key));
    await new ProjectionRepository(client).replaceHoldings(keys, states, fold.custody);
    return states.length;
  },
  foldOptions: { trackCustody: true },
};

/**
 * The recall service's projection of `epcis.events.v1` by the shared flow (libs/event-projection): the events, the
 * identifiers they name (the trace graph), and — through the registry fold of each touched item's aggregation family,
 * with its custody trail — where every item is now and who held it.
 */
export function holdingsProjector(pool: Pool): EventBatchProjector<EventRow> {
  return new EventBatchProjector(pool, HOLDINGS);
}
