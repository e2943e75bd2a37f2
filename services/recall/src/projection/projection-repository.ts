import type { PoolClient } from 'pg';
import type { CustodyChange, SerialState } from '@pedigree/registry';
import type { EventRow } from './event-row';

/**
 * The recall service's own SQL of its projection of `epcis.events.v1` (its `events` row, holdings, custody trails); the
 * SQL every projection shares is `StoredEvents` (libs/event-projection). Every method runs in the caller's transaction.
 */
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

  /** Which of `keys` have a holdings row (one primary-key probe per key). */
  async registeredKeys(keys: string[]): Promise<Set<string>> {
    const { rows } = await this.client.query<{ key: string }>(
      `SELECT k.key FROM unnest($1::text[]) AS k(key),
              LATERAL (SELECT 1 FROM holdings h WHERE h.key = k.key LIMIT 1) registered`,
      [keys],
    );
    return new Set(rows.map((r) => r.key));
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
