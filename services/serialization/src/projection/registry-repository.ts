import type { PoolClient } from 'pg';
import type { SerialState } from '@pedigree/registry';
import type { EventRow } from './event-row';

/**
 * SQL for the newest recall in force whose scope (GTIN, lots, serials) covers the item row named `item`. A recall is
 * in force when its newest notice (latest effective time, then latest Kafka offset) is a `recall`, not a withdrawal
 * or closure. Notices are found by the item's GTIN (indexed), so the cost per item does not grow with the number of
 * recalls on record.
 */
function recallOf(item: string): string {
  return `SELECT n.recall_id FROM recall_notices n
         WHERE n.gtin = ${item}.gtin AND n.action = 'recall'
           AND (cardinality(n.lots) = 0 OR ${item}.lot = ANY(n.lots))
           AND (cardinality(n.serials) = 0 OR ${item}.serial = ANY(n.serials))
           AND NOT EXISTS (SELECT 1 FROM recall_notices later WHERE later.recall_id = n.recall_id
                             AND (later.effective_at, later.kafka_offset) > (n.effective_at, n.kafka_offset))
         ORDER BY n.effective_at DESC LIMIT 1`;
}

/**
 * The serialization service's own SQL of the projection (its `events` row, the serial registry, recalls); the SQL every
 * projection shares is `StoredEvents` (libs/event-projection). Every method runs inside the caller's transaction.
 */
export class RegistryRepository {
  constructor(private readonly client: PoolClient) {}

  /**
   * Inserts events not stored yet; returns the hashes that were new. (The database adds their rows of `event_parties`:
   * migration 0020.)
   */
  async insertEvents(rows: EventRow[]): Promise<Set<string>> {
    const { rows: inserted } = await this.client.query<{ event_hash: string }>(
      `INSERT INTO events (event_hash, event_id, event_type, action, biz_step, disposition, event_time, record_time,
                           read_point, biz_location, captured_by, captured_by_roles, captured_by_gcps, appointed_by,
                           capture_id, parties, biz_transactions, sources, destinations, error_declared_at, document, namespaces)
       SELECT event_hash, event_id, event_type, action, biz_step, disposition, event_time, record_time, read_point,
              biz_location, captured_by, captured_by_roles, captured_by_gcps, appointed_by, capture_id, parties,
              biz_transactions, sources, destinations, error_declared_at, document, namespaces
       FROM jsonb_to_recordset($1::jsonb) AS x(event_hash text, event_id text, event_type text, action text,
            biz_step text, disposition text, event_time timestamptz, record_time timestamptz, read_point text,
            biz_location text, captured_by text, captured_by_roles text[], captured_by_gcps text[],
            appointed_by text[], capture_id text, parties text[], biz_transactions jsonb,
            sources jsonb, destinations jsonb, error_declared_at timestamptz, document jsonb, namespaces jsonb)
       ON CONFLICT (event_hash) DO NOTHING
       RETURNING event_hash`,
      [JSON.stringify(rows)],
    );
    return new Set(inserted.map((r) => r.event_hash));
  }

  /**
   * Which of `keys` have a registry row. One primary-key probe per key: with `key = ANY($1)` the planner scans the
   * whole table once it holds a few tens of thousands of rows (it costs 1,000 probes above one scan), which grew with
   * the registry while the probes stay at about a microsecond each.
   */
  async registeredKeys(keys: string[]): Promise<Set<string>> {
    const { rows } = await this.client.query<{ key: string }>(
      `SELECT k.key FROM unnest($1::text[]) AS k(key),
              LATERAL (SELECT 1 FROM serials s WHERE s.key = k.key LIMIT 1) registered`,
      [keys],
    );
    return new Set(rows.map((r) => r.key));
  }

  /**
   * Makes the registry hold exactly `states` for the replayed keys: of the keys that had a row (`registered`), the row
   * of any key no event now takes effect on (every event naming it declared in error) goes.
   */
  async replaceRegistry(registered: ReadonlySet<string>, states: SerialState[]): Promise<void> {
    const stated = new Set(states.map((s) => s.key));
    const stateless = [...registered].filter((key) => !stated.has(key));
    if (stateless.length > 0) {
      await this.client.query('DELETE FROM serials WHERE key = ANY($1::text[])', [stateless]);
    }
    await this.client.query(
      `INSERT INTO serials (key, epc, kind, gtin, serial, lot, expiry, commissioned, status, status_event_hash,
                            status_changed_at, parent_key, owner, location, last_event_hash, last_event_time, recall_id,
                            updated_at)
       SELECT x.key, x.epc, x.kind, x.gtin, x.serial, x.lot, x.expiry, x.commissioned, x.status, x.status_event_hash,
              x.status_changed_at, x.parent_key, x.owner, x.location, x.last_event_hash, x.last_event_time,
              (${recallOf('x')}), now()
       FROM jsonb_to_recordset($1::jsonb) AS x(key text, epc text, kind text, gtin text, serial text, lot text,
            expiry date, commissioned boolean, status text, status_event_hash text, status_changed_at timestamptz,
            parent_key text, owner text, location text, last_event_hash text, last_event_time timestamptz)
       ON CONFLICT (key) DO UPDATE SET epc = EXCLUDED.epc, kind = EXCLUDED.kind, gtin = EXCLUDED.gtin,
         serial = EXCLUDED.serial, lot = EXCLUDED.lot, expiry = EXCLUDED.expiry, commissioned = EXCLUDED.commissioned,
         status = EXCLUDED.status, status_event_hash = EXCLUDED.status_event_hash,
         status_changed_at = EXCLUDED.status_changed_at, parent_key = EXCLUDED.parent_key, owner = EXCLUDED.owner,
         location = EXCLUDED.location, last_event_hash = EXCLUDED.last_event_hash,
         last_event_time = EXCLUDED.last_event_time, recall_id = EXCLUDED.recall_id, updated_at = now()`,
      [
        JSON.stringify(
          states.map((s) => ({
            key: s.key,
            epc: s.epc,
            kind: s.kind,
            gtin: s.gtin ?? null,
            serial: s.serial ?? null,
            lot: s.lot ?? null,
            expiry: s.expiry ?? null,
            commissioned: s.commissioned,
            status: s.status,
            status_event_hash: s.statusEventHash,
            status_changed_at: s.statusChangedAt.toISOString(),
            parent_key: s.parentKey,
            owner: s.owner ?? null,
            location: s.location ?? null,
            last_event_hash: s.lastEventHash,
            last_event_time: s.lastEventTime.toISOString(),
          })),
        ),
      ],
    );
  }

  /** Marks the items of `keys` with the active recall that covers them (or none), changing only rows that differ. */
  async applyRecalls(keys: string[]): Promise<void> {
    await this.client.query(
      `UPDATE serials s SET recall_id = (${recallOf('s')})
       WHERE s.key = ANY($1::text[]) AND s.recall_id IS DISTINCT FROM (${recallOf('s')})`,
      [keys],
    );
  }

  async insertRecallNotice(notice: {
    noticeId: string;
    recallId: string;
    action: string;
    gtin: string;
    lots: string[];
    serials: string[];
    classification: string;
    reason: string;
    effectiveAt: string;
    issuedBy: string;
    offset: string;
  }): Promise<boolean> {
    const { rowCount } = await this.client.query(
      `INSERT INTO recall_notices (notice_id, recall_id, action, gtin, lots, serials, classification, reason,
                                   effective_at, issued_by, kafka_offset)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (notice_id) DO NOTHING`,
      [
        notice.noticeId,
        notice.recallId,
        notice.action,
        notice.gtin,
        notice.lots,
        notice.serials,
        notice.classification,
        notice.reason,
        notice.effectiveAt,
        notice.issuedBy,
        notice.offset,
      ],
    );
    return rowCount === 1;
  }

  /** The registry keys a recall's scope covers (GTIN, lots, serials), whether it is active now or was before. */
  async keysOfRecall(recallId: string): Promise<string[]> {
    const { rows } = await this.client.query<{ key: string }>(
      `SELECT s.key FROM serials s JOIN recall_notices n ON n.recall_id = $1 AND n.gtin = s.gtin
         AND (cardinality(n.lots) = 0 OR s.lot = ANY(n.lots))
         AND (cardinality(n.serials) = 0 OR s.serial = ANY(n.serials))
       UNION SELECT key FROM serials WHERE recall_id = $1`,
      [recallId],
    );
    return rows.map((r) => r.key);
  }
}
