import type { PoolClient } from 'pg';
import type { EpcisEvent } from '@pedigree/epcis';
import {
  capturerFromColumns,
  eventFacts,
  type CustodyChange,
  type EventFacts,
  type RegistryEvent,
  type SerialState,
} from '@pedigree/registry';
import type { EventRow } from './event-row';

const INSTANCE_ROLES = ['epc', 'parent', 'child', 'input', 'output'];

/** The SQL of the recall service's projection of `epcis.events.v1`; every method runs in the caller's transaction. */
export class ProjectionRepository {
  constructor(private readonly client: PoolClient) {}

  /** Inserts events not stored yet; returns the hashes that were new. */
  async insertEvents(rows: EventRow[]): Promise<Set<string>> {
    if (rows.length === 0) return new Set();
    const { rows: inserted } = await this.client.query<{ event_hash: string }>(
      `INSERT INTO events (event_hash, event_type, action, biz_step, disposition, event_time, record_time, read_point,
                           biz_location, captured_by, captured_by_roles, captured_by_gcps, appointed_by,
                           source_parties, destination_parties, biz_transactions, lot, expiry, error_declared_at,
                           document)
       SELECT event_hash, event_type, action, biz_step, disposition, event_time, record_time, read_point, biz_location,
              captured_by, captured_by_roles, captured_by_gcps, appointed_by, source_parties, destination_parties,
              biz_transactions, lot, expiry, error_declared_at, document
       FROM jsonb_to_recordset($1::jsonb) AS x(event_hash text, event_type text, action text, biz_step text,
            disposition text, event_time timestamptz, record_time timestamptz, read_point text, biz_location text,
            captured_by text, captured_by_roles text[], captured_by_gcps text[], appointed_by text[],
            source_parties text[],
            destination_parties text[], biz_transactions jsonb, lot text, expiry text, error_declared_at timestamptz,
            document jsonb)
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

  /** Retracts stored events an honoured error declaration names; returns the hashes newly retracted. */
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

  /** Every identifier linked to `keys` through aggregation (packed together at any time), `keys` included. */
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

  /** Serialises projections of the same items across consumers and replicas (transaction-scoped advisory locks). */
  async lockKeys(keys: string[]): Promise<void> {
    await this.client.query(
      `SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM (SELECT unnest($1::text[]) AS k ORDER BY 1) ordered`,
      [keys],
    );
  }

  /** Every event naming one of `keys` as an instance; facts in hand (`known`) are reused, the others derived again. */
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
   * Makes the holdings and custody trails of `keys` exactly `states` and `custody`: a key no event takes effect on
   * any more (every event naming it declared in error) loses its row.
   */
  async replaceHoldings(
    keys: string[],
    states: SerialState[],
    custody: ReadonlyMap<string, CustodyChange[]>,
  ): Promise<void> {
    const stated = new Set(states.map((s) => s.key));
    const stateless = keys.filter((key) => !stated.has(key));
    if (stateless.length > 0)
      await this.client.query('DELETE FROM holdings WHERE key = ANY($1::text[])', [stateless]);
    const trail = states.flatMap((s) =>
      (custody.get(s.key) ?? []).map((c, seq) => ({
        key: s.key,
        seq,
        party: c.party,
        event_hash: c.eventHash,
        event_time: c.eventTime.toISOString(),
      })),
    );
    // Custody steps no longer in a trail go; the others are written only where they changed.
    await this.client.query(
      `DELETE FROM custody_changes c WHERE c.key = ANY($1::text[])
         AND NOT EXISTS (SELECT 1 FROM jsonb_to_recordset($2::jsonb) AS x(key text, seq int)
                         WHERE x.key = c.key AND x.seq = c.seq)`,
      [keys, JSON.stringify(trail.map(({ key, seq }) => ({ key, seq })))],
    );
    if (states.length === 0) return;
    await this.client.query(
      `INSERT INTO holdings (key, epc, kind, gtin, serial, lot, expiry, status, parent_key, owner, commissioned_by,
                             location, last_event_hash, last_event_time)
       SELECT x.key, x.epc, x.kind, x.gtin, x.serial, x.lot, x.expiry, x.status, x.parent_key, x.owner,
              x.commissioned_by, x.location, x.last_event_hash, x.last_event_time
       FROM jsonb_to_recordset($1::jsonb) AS x(key text, epc text, kind text, gtin text, serial text, lot text,
            expiry date, status text, parent_key text, owner text, commissioned_by text, location text,
            last_event_hash text, last_event_time timestamptz)
       ON CONFLICT (key) DO UPDATE SET epc = EXCLUDED.epc, kind = EXCLUDED.kind, gtin = EXCLUDED.gtin,
         serial = EXCLUDED.serial, lot = EXCLUDED.lot, expiry = EXCLUDED.expiry, status = EXCLUDED.status,
         parent_key = EXCLUDED.parent_key, owner = EXCLUDED.owner, commissioned_by = EXCLUDED.commissioned_by,
         location = EXCLUDED.location, last_event_hash = EXCLUDED.last_event_hash,
         last_event_time = EXCLUDED.last_event_time
       WHERE (holdings.epc, holdings.kind, holdings.gtin, holdings.serial, holdings.lot, holdings.expiry,
              holdings.status, holdings.parent_key, holdings.owner, holdings.commissioned_by, holdings.location,
              holdings.last_event_hash, holdings.last_event_time)
             IS DISTINCT FROM (EXCLUDED.epc, EXCLUDED.kind, EXCLUDED.gtin, EXCLUDED.serial, EXCLUDED.lot,
              EXCLUDED.expiry, EXCLUDED.status, EXCLUDED.parent_key, EXCLUDED.owner, EXCLUDED.commissioned_by,
              EXCLUDED.location, EXCLUDED.last_event_hash, EXCLUDED.last_event_time)`,
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
            status: s.status,
            parent_key: s.parentKey,
            owner: s.owner ?? null,
            commissioned_by: s.commissionedBy ?? null,
            location: s.location ?? null,
            last_event_hash: s.lastEventHash,
            last_event_time: s.lastEventTime.toISOString(),
          })),
        ),
      ],
    );
    if (trail.length === 0) return;
    await this.client.query(
      `INSERT INTO custody_changes (key, seq, party, event_hash, event_time)
       SELECT key, seq, party, event_hash, event_time
       FROM jsonb_to_recordset($1::jsonb) AS x(key text, seq int, party text, event_hash text, event_time timestamptz)
       ON CONFLICT (key, seq) DO UPDATE SET party = EXCLUDED.party, event_hash = EXCLUDED.event_hash,
         event_time = EXCLUDED.event_time
       WHERE (custody_changes.party, custody_changes.event_hash, custody_changes.event_time)
             IS DISTINCT FROM (EXCLUDED.party, EXCLUDED.event_hash, EXCLUDED.event_time)`,
      [JSON.stringify(trail)],
    );
  }
}
