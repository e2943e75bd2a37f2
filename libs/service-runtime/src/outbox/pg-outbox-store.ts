import { inTransaction } from '@pedigree/database';
import type { Pool, PoolClient } from 'pg';
import type { OutboxMessage, OutboxRow, OutboxStore } from './outbox';

/**
 * The oldest row of each key (no earlier row of the same key is left), oldest first, skipping rows another relay has
 * claimed. A key's next row becomes claimable only once the relay that published the previous one deleted it and
 * committed, so two relays never publish one key's messages out of order.
 */
const CLAIM = `
SELECT o.id::text AS id, o.topic, o.key, o.envelope
FROM outbox o
WHERE NOT EXISTS (SELECT 1 FROM outbox earlier WHERE earlier.key = o.key AND earlier.id < o.id)
ORDER BY o.id
LIMIT $1
FOR UPDATE OF o SKIP LOCKED`;

/** Writes messages to the outbox in the caller's transaction; they are published once it commits. */
export async function writeOutbox(client: PoolClient, messages: readonly OutboxMessage[]): Promise<void> {
  for (const message of messages) {
    await client.query(`INSERT INTO outbox (topic, key, envelope) VALUES ($1, $2, $3)`, [
      message.topic,
      message.key,
      message.envelope,
    ]);
  }
}

export class PgOutboxStore implements OutboxStore {
  constructor(private readonly pool: Pool) {}

  relayBatch(limit: number, publish: (rows: OutboxRow[]) => Promise<void>): Promise<number> {
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<OutboxRow>(CLAIM, [limit]);
      if (rows.length === 0) return 0;
      await publish(rows);
      await client.query(`DELETE FROM outbox WHERE id = ANY($1::bigint[])`, [rows.map((r) => r.id)]);
      return rows.length;
    });
  }
}
