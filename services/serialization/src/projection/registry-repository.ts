import type { PoolClient } from 'pg';
import {
  capturerFromColumns,
  eventFacts,
  type EventFacts,
  type RegistryEvent,
  type SerialState,
} from '@pedigree/registry';
import type { EpcisEvent } from '@pedigree/epcis';
import type { EventRow } from './event-row';

const INSTANCE_ROLES = ['epc', 'parent', 'child', 'input', 'output'];

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

/** The SQL behind the projection; every method runs inside the caller's transaction. */
export class RegistryRepository {
  constructor(private readonly client: PoolClient) {}

  /** Inserts events not stored yet; returns the hashes that were new. */
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

  /** The party that captured each stored event of `hashes`. */
  async capturersOf(hashes: string[]): Promise<Map<string, string>> {
    if (hashes.length === 0) return new Map();
    const { rows } = await this.client.query<{ event_hash: string; captured_by: string }>(
      'SELECT event_hash, captured_by FROM events WHERE event_hash = ANY($1::text[])',
      [hashes],
    );
    return new Map(rows.map((r) => [r.event_hash, r.captured_by]));
  }

  /**
   * An error declaration arrives as the same event (same hash) with `errorDeclaration` added: it retracts the stored
   * event, and the stored document keeps the declaration (time, reason). The caller passes only declarations it
   * honours. Returns the hashes that were newly retracted.
   */
  async retractEvents(rows: EventRow[]): Promise<Set<string>> {
    if (rows.length === 0) return new Set();
    const { rows: updated } = await this.client.query<{ event_hash: string }>(
      `UPDATE events e SET error_declared_at = x.error_declared_at, document = x.document
       FROM jsonb_to_recordset($1::jsonb) AS x(event_hash text, error_declared_at timestamptz, document jsonb)
       WHERE e.event_hash = x.event_hash AND e.error_declared_at IS NULL
       RETURNING e.event_hash`,
      [
        JSON.stringify(
          rows.map((r) => ({
            event_hash: r.event_hash,
            error_declared_at: r.error_declared_at,
            document: r.document,
          })),
        ),
      ],
    );
    return new Set(updated.map((r) => r.event_hash));
  }

  async indexIdentifiers(
    entries: Array<{ key: string; event_hash: string; role: string; event_type: string }>,
  ) {
    if (entries.length === 0) return;
    await this.client.query(
      `INSERT INTO event_epcs (key, event_hash, role, event_type)
       SELECT key, event_hash, role, event_type
       FROM jsonb_to_recordset($1::jsonb) AS x(key text, event_hash text, role text, event_type text)
       ON CONFLICT DO NOTHING`,
      [JSON.stringify(entries)],
    );
  }

  /**
   * Every identifier linked to `keys` through aggregation (packed together at any time), `keys` included. Each step
   * probes the indexes key by key and event by event (see `registeredKeys`): as a join, the planner scanned all of
   * `event_epcs` for the events' other members, once per batch, a cost that grew with the EPC index.
   */
  async aggregationFamily(keys: string[]): Promise<string[]> {
    const { rows } = await this.client.query<{ key: string }>(
      `WITH RECURSIVE family(key) AS (
         SELECT unnest($1::text[]) COLLATE "C"
         UNION
         SELECT other.key
         FROM family,
              LATERAL (SELECT link.event_hash FROM event_epcs link
                       WHERE link.key = family.key AND link.event_type = 'AggregationEvent'
                         AND link.role IN ('parent', 'child') OFFSET 0) link,
              LATERAL (SELECT other.key FROM event_epcs other
                       WHERE other.event_hash = link.event_hash AND other.event_type = 'AggregationEvent'
                         AND other.role IN ('parent', 'child') OFFSET 0) other
       )
       SELECT key FROM family ORDER BY key`,
      [keys],
    );
    return rows.map((r) => r.key);
  }

  /** Serialises projections of the same items across consumers (transaction-scoped advisory locks, in key order). */
  async lockKeys(keys: string[]): Promise<void> {
    await this.client.query(
      `SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM (SELECT unnest($1::text[]) AS k ORDER BY 1) ordered`,
      [keys],
    );
  }

  /**
   * Every event naming one of `keys`. Facts already derived (`known`, by hash) are reused, so only the documents of
   * events not in hand are read back and derived again. The index is probed key by key (see `registeredKeys`).
   */
  async eventsNaming(keys: string[], known: ReadonlyMap<string, EventFacts>): Promise<RegistryEvent[]> {
    const { rows } = await this.client.query<{
      event_hash: string;
      record_time: Date;
      captured_by: string;
      captured_by_roles: string[] | null;
      captured_by_gcps: string[] | null;
      appointed_by: string[] | null;
      document: EpcisEvent | null;
      error_declared_at: Date | null;
    }>(
      `SELECT e.event_hash, e.record_time, e.captured_by, e.captured_by_roles, e.captured_by_gcps, e.appointed_by,
              e.error_declared_at,
              CASE WHEN e.event_hash = ANY($3::text[]) THEN NULL ELSE e.document END AS document
       FROM events e
       WHERE e.event_hash IN (
         SELECT i.event_hash FROM unnest($1::text[]) AS k(key),
                LATERAL (SELECT event_hash FROM event_epcs WHERE key = k.key AND role = ANY($2::text[]) OFFSET 0) i)`,
      [keys, INSTANCE_ROLES, [...known.keys()]],
    );
    return rows.map((r) => {
      const facts = known.get(r.event_hash) ?? (r.document === null ? undefined : eventFacts(r.document));
      if (facts === undefined) throw new Error(`event ${r.event_hash} was read back without its document`);
      return {
        hash: r.event_hash,
        recordTime: r.record_time,
        capturedBy: r.captured_by,
        ...capturerFromColumns(r),
        facts: { ...facts, errorDeclared: r.error_declared_at !== null },
      };
    });
  }

  /**
   * Which of `keys` some stored event other than `except` names in an instance role. The rows come back per key (one
   * primary-key range each) and are filtered here: a key this batch alone names returns only this batch's rows.
   */
  async keysNamedByOtherEvents(keys: string[], except: ReadonlySet<string>): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const { rows } = await this.client.query<{ key: string; event_hash: string }>(
      `SELECT k.key, i.event_hash FROM unnest($1::text[]) AS k(key),
              LATERAL (SELECT event_hash FROM event_epcs WHERE key = k.key AND role = ANY($2::text[]) OFFSET 0) i`,
      [keys, INSTANCE_ROLES],
    );
    return new Set(rows.filter((r) => !except.has(r.event_hash)).map((r) => r.key));
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
