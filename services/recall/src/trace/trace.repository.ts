import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { seesEveryParty, type Principal } from '@pedigree/auth';
import type { DatabaseHandle } from '@pedigree/database';
import { DATABASE } from '@pedigree/service-runtime';
import type { TraceEvent, TraceSource } from './trace-graph';

/** Where an item or container is now, as the holdings say. */
export interface Holding {
  key: string;
  epc: string;
  kind: string;
  gtin: string | null;
  serial: string | null;
  lot: string | null;
  expiry: string | null;
  status: string;
  owner: string | null;
  commissionedBy: string | null;
  location: string | null;
  parentKey: string | null;
  lastEventTime: string;
}

/** The event filter of a principal: regulators and admins see all; a party what it captured or is named in. */
export function visibility(principal: Principal): string | null {
  return seesEveryParty(principal) ? null : principal.party;
}

/** SQL condition on events `e` for the party in `$n` (NULL: every event). */
export const VISIBLE = (n: number) =>
  `($${n}::text IS NULL OR e.captured_by = $${n} OR $${n} = ANY(e.source_parties) OR $${n} = ANY(e.destination_parties))`;

/** Reads the trace graph's events and the holdings of its nodes. */
@Injectable()
export class TraceRepository {
  private readonly pool: Pool;

  constructor(@Inject(DATABASE) database: DatabaseHandle<Record<string, unknown>>) {
    this.pool = database.pool;
  }

  source(principal: Principal): TraceSource {
    return { eventsOf: (keys) => this.eventsOf(keys, visibility(principal)) };
  }

  private async eventsOf(keys: readonly string[], party: string | null): Promise<Map<string, TraceEvent[]>> {
    const { rows: links } = await this.pool.query<{ key: string; event_hash: string }>(
      `SELECT DISTINCT i.key, i.event_hash FROM unnest($1::text[]) AS k(key)
       JOIN event_epcs i ON i.key = k.key COLLATE "C"`,
      [keys],
    );
    const hashes = [...new Set(links.map((l) => l.event_hash))];
    const { rows } = await this.pool.query<{
      event_hash: string;
      event_type: string;
      action: string | null;
      biz_step: string | null;
      disposition: string | null;
      event_time: Date;
      biz_location: string | null;
      read_point: string | null;
      captured_by: string;
      source_parties: string[];
      destination_parties: string[];
      biz_transactions: Array<{ type?: string; id: string }>;
      lot: string | null;
      expiry: string | null;
      members: Array<{ key: string; role: string }>;
    }>(
      `SELECT e.event_hash, e.event_type, e.action, e.biz_step, e.disposition, e.event_time, e.biz_location,
              e.read_point, e.captured_by, e.source_parties, e.destination_parties, e.biz_transactions, e.lot, e.expiry,
              (SELECT json_agg(json_build_object('key', m.key, 'role', m.role)) FROM event_epcs m
               WHERE m.event_hash = e.event_hash) AS members
       FROM events e WHERE e.event_hash = ANY($1::text[]) AND e.error_declared_at IS NULL AND ${VISIBLE(2)}`,
      [hashes, party],
    );
    const events = new Map(
      rows.map((r) => [
        r.event_hash,
        {
          hash: r.event_hash,
          type: r.event_type,
          action: r.action,
          bizStep: r.biz_step,
          disposition: r.disposition,
          eventTime: r.event_time,
          bizLocation: r.biz_location,
          readPoint: r.read_point,
          capturedBy: r.captured_by,
          sourceParties: r.source_parties,
          destinationParties: r.destination_parties,
          bizTransactions: r.biz_transactions,
          lot: r.lot,
          expiry: r.expiry,
          members: r.members ?? [],
        } satisfies TraceEvent,
      ]),
    );
    const byKey = new Map<string, TraceEvent[]>();
    for (const link of links) {
      const event = events.get(link.event_hash);
      if (!event) continue;
      const list = byKey.get(link.key) ?? [];
      list.push(event);
      byKey.set(link.key, list);
    }
    return byKey;
  }

  async holdings(keys: readonly string[]): Promise<Map<string, Holding>> {
    const { rows } = await this.pool.query<{
      key: string;
      epc: string;
      kind: string;
      gtin: string | null;
      serial: string | null;
      lot: string | null;
      expiry: string | null;
      status: string;
      owner: string | null;
      commissioned_by: string | null;
      location: string | null;
      parent_key: string | null;
      last_event_time: Date;
    }>(
      `SELECT key, epc, kind, gtin, serial, lot, expiry::text AS expiry, status, owner, commissioned_by, location,
              parent_key, last_event_time
       FROM holdings WHERE key = ANY($1::text[])`,
      [keys],
    );
    return new Map(
      rows.map((r) => [
        r.key,
        {
          key: r.key,
          epc: r.epc,
          kind: r.kind,
          gtin: r.gtin,
          serial: r.serial,
          lot: r.lot,
          expiry: r.expiry,
          status: r.status,
          owner: r.owner,
          commissionedBy: r.commissioned_by,
          location: r.location,
          parentKey: r.parent_key,
          lastEventTime: r.last_event_time.toISOString(),
        },
      ]),
    );
  }
}
