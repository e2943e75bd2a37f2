import type { Pool } from 'pg';
import { EventBatchProjector, type ProjectionTarget } from '@pedigree/event-projection';
import { eventRow, type EventRow } from './event-row';
import { RegistryRepository } from './registry-repository';

/** The serialization service's part of the projection: its `events` rows and the serial registry (`serials`). */
const SERIAL_REGISTRY: ProjectionTarget<EventRow> = {
  derive: eventRow,
  insertEvents: (client, rows) => new RegistryRepository(client).insertEvents(rows),
  registeredKeys: (client, keys) => new RegistryRepository(client).registeredKeys(keys),
  async writeFamily(client, { keys, registered, fold }) {
    const inFamily = new Set(keys);
    const states = [...fold.states.values()].filter((s) => inFamily.has(s.key));
    await new RegistryRepository(client).replaceRegistry(registered, states);
    return states.length;
  },
};

/**
 * The projector of captured events into the serialization database: the event store, the EPC index and the serial
 * registry of every item they touch, by the shared projection flow (libs/event-projection).
 */
export function serialRegistryProjector(pool: Pool): EventBatchProjector<EventRow> {
  return new EventBatchProjector(pool, SERIAL_REGISTRY);
}
