import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import type { DatabaseHandle } from '@pedigree/database';
import { canonicalIdentifier } from '@pedigree/epcis';
import { DATABASE } from '@pedigree/service-runtime';
import { VISIBLE } from '../trace/trace.repository';

/** How a holder's packs of a lot stand: the pack states folded into the categories of a distribution report. */
export interface HolderDistribution {
  holder: string | null;
  inStock: number;
  inTransit: number;
  dispensed: number;
  destroyed: number;
  exported: number;
  returned: number;
  other: number;
}

const CATEGORY: Record<string, keyof Omit<HolderDistribution, 'holder'>> = {
  active: 'inStock',
  inactive: 'inStock',
  locked: 'inStock',
  non_sellable: 'inStock',
  damaged: 'inStock',
  expired: 'inStock',
  recalled: 'inStock',
  in_transit: 'inTransit',
  dispensed: 'dispensed',
  destroyed: 'destroyed',
  decommissioned: 'destroyed',
  exported: 'exported',
  returned: 'returned',
};

export interface LotEventRow {
  eventHash: string;
  eventTime: string;
  eventType: string;
  action: string | null;
  bizStep: string | null;
  disposition: string | null;
  gtin: string;
  lot: string;
  quantity: number;
  unit: string;
  fromParties: string[];
  toParties: string[];
  location: string | null;
  capturedBy: string;
  referenceDocuments: string[];
}

export interface CustodyStep {
  party: string;
  eventHash: string;
  eventTime: string;
  bizStep: string | null;
  sourceParties: string[];
  destinationParties: string[];
  bizTransactions: Array<{ type?: string; id: string }>;
}

/** Lot-level reads: distribution by holder, the lot's events, one pack's chain of custody. */
@Injectable()
export class LotsRepository {
  private readonly pool: Pool;

  constructor(@Inject(DATABASE) database: DatabaseHandle<Record<string, unknown>>) {
    this.pool = database.pool;
  }

  /** Packs of the lot commissioned, and per holder how they stand; `holder` keeps only that party's line. */
  async distribution(
    gtin: string,
    lot: string,
    holder: string | undefined,
  ): Promise<{ commissioned: number; holders: HolderDistribution[] }> {
    const { rows } = await this.pool.query<{ owner: string | null; status: string; n: string }>(
      `SELECT owner, status, count(*) AS n FROM holdings
       WHERE gtin = $1 AND lot = $2 AND kind = 'item' AND ($3::text IS NULL OR owner = $3)
       GROUP BY owner, status ORDER BY owner, status`,
      [gtin, lot, holder ?? null],
    );
    const holders = new Map<string | null, HolderDistribution>();
    let commissioned = 0;
    for (const row of rows) {
      const line = holders.get(row.owner) ?? {
        holder: row.owner,
        inStock: 0,
        inTransit: 0,
        dispensed: 0,
        destroyed: 0,
        exported: 0,
        returned: 0,
        other: 0,
      };
      line[CATEGORY[row.status] ?? 'other'] += Number(row.n);
      commissioned += Number(row.n);
      holders.set(row.owner, line);
    }
    return { commissioned, holders: [...holders.values()] };
  }

  /**
   * One row per event that names a pack of the lot, a container such a pack was packed into (up to three levels), or
   * the lot as a class; oldest first. `party` (null: all) keeps the events that party may see.
   */
  async lotEvents(gtin: string, lot: string, party: string | null): Promise<LotEventRow[]> {
    const lotKey = canonicalIdentifier(`https://id.gs1.org/01/${gtin}/10/${encodeURIComponent(lot)}`);
    const ofLot = (quantities: Array<{ epcClass?: string; quantity?: number }>) =>
      quantities
        .filter((q) => typeof q.epcClass === 'string' && canonicalIdentifier(q.epcClass) === lotKey)
        .reduce((sum, q) => sum + (typeof q.quantity === 'number' ? q.quantity : 0), 0);
    const { rows } = await this.pool.query<{
      event_hash: string;
      event_time: Date;
      event_type: string;
      action: string | null;
      biz_step: string | null;
      disposition: string | null;
      source_parties: string[];
      destination_parties: string[];
      location: string | null;
      captured_by: string;
      biz_transactions: Array<{ type?: string; id: string }>;
      items: string;
      quantities: Array<{ epcClass?: string; quantity?: number }>;
    }>(
      `WITH RECURSIVE items AS (
         SELECT key FROM holdings WHERE gtin = $1 AND lot = $2 AND kind = 'item'
       ), up(key, depth) AS (
         SELECT key, 0 FROM items
         UNION
         SELECT p.key, up.depth + 1 FROM up
         JOIN event_epcs c ON c.key = up.key AND c.role = 'child' AND c.event_type = 'AggregationEvent'
         JOIN event_epcs p ON p.event_hash = c.event_hash AND p.role = 'parent'
         WHERE up.depth < 3
       ), named AS (
         SELECT DISTINCT i.event_hash FROM (SELECT DISTINCT key FROM up) u JOIN event_epcs i ON i.key = u.key
         UNION SELECT i.event_hash FROM event_epcs i WHERE i.key = $3
       )
       SELECT e.event_hash, e.event_time, e.event_type, e.action, e.biz_step, e.disposition, e.source_parties,
              e.destination_parties, coalesce(e.biz_location, e.read_point) AS location, e.captured_by,
              e.biz_transactions,
              (SELECT count(*) FROM event_epcs m JOIN items ON items.key = m.key WHERE m.event_hash = e.event_hash)
                AS items,
              coalesce(e.document->'quantityList', '[]') || coalesce(e.document->'childQuantityList', '[]')
                || coalesce(e.document->'inputQuantityList', '[]') || coalesce(e.document->'outputQuantityList', '[]')
                AS quantities
       FROM named JOIN events e ON e.event_hash = named.event_hash
       WHERE e.error_declared_at IS NULL AND ${VISIBLE(4)}
       ORDER BY e.event_time, e.event_hash`,
      [gtin, lot, lotKey, party],
    );
    return rows.map((r) => ({
      eventHash: r.event_hash,
      eventTime: r.event_time.toISOString(),
      eventType: r.event_type,
      action: r.action,
      bizStep: r.biz_step,
      disposition: r.disposition,
      gtin,
      lot,
      quantity: Number(r.items) + ofLot(r.quantities),
      unit: 'EA',
      fromParties: r.source_parties,
      toParties: r.destination_parties,
      location: r.location,
      capturedBy: r.captured_by,
      referenceDocuments: r.biz_transactions.map((b) => (b.type ? `${b.type}:${b.id}` : b.id)),
    }));
  }

  /** A pack's holders in order, each with the event that made it holder and that event's parties and documents. */
  async custody(key: string): Promise<CustodyStep[]> {
    const { rows } = await this.pool.query<{
      party: string;
      event_hash: string;
      event_time: Date;
      biz_step: string | null;
      source_parties: string[] | null;
      destination_parties: string[] | null;
      biz_transactions: Array<{ type?: string; id: string }> | null;
    }>(
      `SELECT c.party, c.event_hash, c.event_time, e.biz_step, e.source_parties, e.destination_parties,
              e.biz_transactions
       FROM custody_changes c LEFT JOIN events e ON e.event_hash = c.event_hash
       WHERE c.key = $1 ORDER BY c.seq`,
      [key],
    );
    return rows.map((r) => ({
      party: r.party,
      eventHash: r.event_hash,
      eventTime: r.event_time.toISOString(),
      bizStep: r.biz_step,
      sourceParties: r.source_parties ?? [],
      destinationParties: r.destination_parties ?? [],
      bizTransactions: r.biz_transactions ?? [],
    }));
  }
}
