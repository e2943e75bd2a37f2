import type { PoolClient } from 'pg';
import type { EpcisEvent } from '@pedigree/epcis';
import {
  capturerFromColumns,
  eventFacts,
  type CapturerColumns,
  type EventFacts,
  type RegistryEvent,
} from '@pedigree/registry';

/** The roles in which an event names an object it acts on (the others name classes, locations, parties). */
export const INSTANCE_ROLES = ['epc', 'parent', 'child', 'input', 'output'] as const;

/** The columns of an `events` row every projection of `epcis.events.v1` stores (each service adds its own). */
export interface StoredEventRow extends CapturerColumns {
  event_hash: string;
  event_type: string;
  record_time: string;
  captured_by: string;
  error_declared_at: string | null;
  document: Record<string, unknown>;
}

/** One entry of the identifier index: an event names `key` in `role`. */
export interface IdentifierEntry {
  key: string;
  event_hash: string;
  role: string;
  event_type: string;
}

/**
 * The SQL a projection of captured events runs over its `events` table and its identifier index `event_epcs`
 * (`key`, `event_hash`, `role`, `event_type`), the same tables in every service that replays the registry fold. Every
 * method runs inside the caller's transaction.
 */
export class StoredEvents {
  constructor(private readonly client: PoolClient) {}

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
  async retractEvents(rows: StoredEventRow[]): Promise<Set<string>> {
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

  async indexIdentifiers(entries: IdentifierEntry[]): Promise<void> {
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
   * probes the indexes key by key and event by event: as a join, the planner scanned all of `event_epcs` for the
   * events' other members, once per batch, a cost that grew with the index.
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

  /** Serialises projections of the same items across consumers and replicas (transaction-scoped advisory locks). */
  async lockKeys(keys: string[]): Promise<void> {
    await this.client.query(
      `SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM (SELECT unnest($1::text[]) AS k ORDER BY 1) ordered`,
      [keys],
    );
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
   * Every event naming one of `keys` as an instance, with its stored state (retracted or not). Facts already derived
   * (`known`, by hash) are reused, so only the documents of events not in hand are read back and derived again. The
   * index is probed key by key.
   */
  async eventsNaming(keys: string[], known: ReadonlyMap<string, EventFacts>): Promise<RegistryEvent[]> {
    const { rows } = await this.client.query<
      CapturerColumns & {
        event_hash: string;
        record_time: Date;
        captured_by: string;
        document: EpcisEvent | null;
        error_declared_at: Date | null;
      }
    >(
      `SELECT e.event_hash, e.record_time, e.captured_by, e.captured_by_roles, e.captured_by_gcps, e.appointed_by,
              e.error_declared_at, CASE WHEN e.event_hash = ANY($3::text[]) THEN NULL ELSE e.document END AS document
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
}
