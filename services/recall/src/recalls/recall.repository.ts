import type { Pool, PoolClient } from 'pg';
import type { Recall, RecallResponseInput, RecallStatus } from './recall-model';

type Queryable = Pick<Pool | PoolClient, 'query'>;

interface RecallRow {
  id: string;
  status: RecallStatus;
  gtin: string;
  lots: string[];
  serials: string[];
  classification: Recall['classification'];
  depth: Recall['depth'];
  reason: string;
  effectiveness_check_level: Recall['effectivenessCheckLevel'];
  created_by_sub: string;
  created_by_party: string;
  created_at: Date;
  excursion_id: string | null;
  issued_at: Date | null;
  history: Recall['history'];
}

function toRecall(row: RecallRow): Recall {
  return {
    id: row.id,
    status: row.status,
    gtin: row.gtin,
    lots: row.lots,
    serials: row.serials,
    classification: row.classification,
    depth: row.depth,
    reason: row.reason,
    effectivenessCheckLevel: row.effectiveness_check_level,
    createdBy: { sub: row.created_by_sub, party: row.created_by_party },
    createdAt: row.created_at.toISOString(),
    excursionId: row.excursion_id,
    issuedAt: row.issued_at?.toISOString() ?? null,
    history: row.history,
  };
}

/** One pack in a recall's scope, where it is now. */
export interface ScopeItem {
  epc: string;
  gtin: string;
  serial: string;
  lot: string;
  expiry: string | null;
  status: string;
  holder: string | null;
  location: string | null;
  container: string | null;
  lastEventTime: string;
}

/** A page position in a scope: the last (lot, key) answered. */
export interface ScopeCursor {
  lot: string;
  key: string;
}

export interface ConsigneeRow {
  party: string;
  hop: number;
  unitsReceived: number;
  unitsShippedOn: number;
  unitsOnHand: number;
  unitsDispensed: number;
  unitsAccountedByEvents: number;
}

export interface LatestResponse {
  party: string;
  acknowledged: boolean;
  unitsOnHand: number | null;
  unitsReturned: number | null;
  unitsDestroyed: number | null;
  subRecallDone: boolean;
  note: string | null;
  respondedAt: string;
}

/** Pack states whose whereabouts need no consignee's word: out of the supply chain, or back with the manufacturer. */
const ACCOUNTED_STATUSES = ['destroyed', 'returned', 'decommissioned', 'dispensed', 'exported', 'recalled'];
const GONE_STATUSES = [
  'in_transit',
  'dispensed',
  'destroyed',
  'decommissioned',
  'exported',
  'transformed',
  'stolen',
];

/** The scope condition on holdings `h` for the recall whose gtin, lots and serials are $1, $2, $3. */
const SCOPE = `h.gtin = $1 AND h.lot = ANY($2::text[]) AND (cardinality($3::text[]) = 0 OR h.serial = ANY($3::text[]))
               AND h.kind = 'item'`;

/** The SQL of recalls, their scope, consignees and responses. */
export class RecallRepository {
  constructor(private readonly db: Queryable) {}

  async insert(recall: Recall): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `INSERT INTO recalls (id, status, gtin, lots, serials, classification, depth, reason, effectiveness_check_level,
                            created_by_sub, created_by_party, created_at, excursion_id, history, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $12)
       ON CONFLICT DO NOTHING`,
      [
        recall.id,
        recall.status,
        recall.gtin,
        recall.lots,
        recall.serials,
        recall.classification,
        recall.depth,
        recall.reason,
        recall.effectivenessCheckLevel,
        recall.createdBy.sub,
        recall.createdBy.party,
        recall.createdAt,
        recall.excursionId,
        JSON.stringify(recall.history),
      ],
    );
    return rowCount === 1;
  }

  async get(id: string, forUpdate = false): Promise<Recall | undefined> {
    const { rows } = await this.db.query<RecallRow>(
      `SELECT * FROM recalls WHERE id = $1 ${forUpdate ? 'FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0] === undefined ? undefined : toRecall(rows[0]);
  }

  /**
   * Recalls, newest first: all (`gcps` undefined), or those of GTINs under `gcps`, created by `party`, or issued and
   * reaching a pack `party` has held.
   */
  async list(
    filter: { party: string; gcps: readonly string[] } | undefined,
    limit: number,
  ): Promise<Recall[]> {
    const { rows } = await this.db.query<RecallRow>(
      filter === undefined
        ? 'SELECT * FROM recalls ORDER BY created_at DESC, id LIMIT $1'
        : `SELECT r.* FROM recalls r
           WHERE r.created_by_party = $2
              OR EXISTS (SELECT 1 FROM unnest($3::text[]) g WHERE substr(r.gtin, 2) LIKE g || '%')
              OR (r.status IN ('issued', 'closed') AND EXISTS (
                    SELECT 1 FROM holdings h JOIN custody_changes c ON c.key = h.key AND c.party = $2
                    WHERE h.gtin = r.gtin AND h.lot = ANY(r.lots)
                      AND (cardinality(r.serials) = 0 OR h.serial = ANY(r.serials))))
           ORDER BY r.created_at DESC, r.id LIMIT $1`,
      filter === undefined ? [limit] : [limit, filter.party, filter.gcps],
    );
    return rows.map(toRecall);
  }

  async update(id: string, status: RecallStatus, history: Recall['history'], issued: boolean): Promise<void> {
    await this.db.query(
      `UPDATE recalls SET status = $2, history = $3, updated_at = now(),
              issued_at = CASE WHEN $4 THEN now() ELSE issued_at END
       WHERE id = $1`,
      [id, status, JSON.stringify(history), issued],
    );
  }

  /** A page of the scope after `after`, in (lot, key) order; `holder` keeps only the packs that party holds. */
  async scopePage(
    recall: Pick<Recall, 'gtin' | 'lots' | 'serials'>,
    after: ScopeCursor | undefined,
    limit: number,
    holder?: string,
  ): Promise<{ items: ScopeItem[]; next?: ScopeCursor }> {
    const { rows } = await this.db.query<{
      key: string;
      epc: string;
      gtin: string;
      serial: string;
      lot: string;
      expiry: string | null;
      status: string;
      owner: string | null;
      location: string | null;
      container: string | null;
      last_event_time: Date;
    }>(
      `SELECT h.key, h.epc, h.gtin, h.serial, h.lot, h.expiry::text AS expiry, h.status, h.owner, h.location,
              p.epc AS container, h.last_event_time
       FROM holdings h LEFT JOIN holdings p ON p.key = h.parent_key
       WHERE ${SCOPE} AND ($4::text IS NULL OR h.owner = $4)
         AND ($5::text IS NULL OR (h.lot, h.key) > ($5::text, $6::text COLLATE "C"))
       ORDER BY h.lot, h.key
       LIMIT $7`,
      [
        recall.gtin,
        recall.lots,
        recall.serials,
        holder ?? null,
        after?.lot ?? null,
        after?.key ?? null,
        limit + 1,
      ],
    );
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map((r) => ({
        epc: r.epc,
        gtin: r.gtin,
        serial: r.serial,
        lot: r.lot,
        expiry: r.expiry,
        status: r.status,
        holder: r.owner,
        location: r.location,
        container: r.container,
        lastEventTime: r.last_event_time.toISOString(),
      })),
      ...(rows.length > limit && last ? { next: { lot: last.lot, key: rows[limit - 1]!.key } } : {}),
    };
  }

  /** How many packs the scope holds, and how many of them by state. */
  async scopeSummary(
    recall: Pick<Recall, 'gtin' | 'lots' | 'serials'>,
    holder?: string,
  ): Promise<{ units: number; byStatus: Record<string, number> }> {
    const { rows } = await this.db.query<{ status: string; n: string }>(
      `SELECT h.status, count(*) AS n FROM holdings h WHERE ${SCOPE} AND ($4::text IS NULL OR h.owner = $4)
       GROUP BY h.status`,
      [recall.gtin, recall.lots, recall.serials, holder ?? null],
    );
    const byStatus = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    return { units: rows.reduce((sum, r) => sum + Number(r.n), 0), byStatus };
  }

  /**
   * Every party that took custody of scope packs after their commissioner (hop 1 = received from the manufacturer),
   * with what it received, shipped on, holds and dispensed, down to `maxHop`.
   */
  async consignees(
    recall: Pick<Recall, 'gtin' | 'lots' | 'serials'>,
    maxHop: number,
  ): Promise<ConsigneeRow[]> {
    const { rows } = await this.db.query<{
      party: string;
      hop: number;
      received: string;
      shipped_on: string;
      on_hand: string;
      dispensed: string;
      accounted: string;
    }>(
      `WITH trail AS (
         SELECT c.key, c.seq, c.party, h.owner, h.status, h.commissioned_by
         FROM holdings h JOIN custody_changes c ON c.key = h.key
         WHERE ${SCOPE} AND c.seq > 0 AND c.party IS DISTINCT FROM h.commissioned_by
       )
       SELECT party, min(seq)::int AS hop, count(DISTINCT key) AS received,
              count(DISTINCT key) FILTER (WHERE party IS DISTINCT FROM owner OR status = 'in_transit') AS shipped_on,
              count(DISTINCT key) FILTER (WHERE party = owner AND NOT status = ANY($5::text[])) AS on_hand,
              count(DISTINCT key) FILTER (WHERE party = owner AND status = 'dispensed') AS dispensed,
              count(DISTINCT key) FILTER (WHERE party = owner AND status = ANY($6::text[])) AS accounted
       FROM trail GROUP BY party HAVING min(seq) <= $4 ORDER BY min(seq), party`,
      [recall.gtin, recall.lots, recall.serials, maxHop, GONE_STATUSES, ACCOUNTED_STATUSES],
    );
    return rows.map((r) => ({
      party: r.party,
      hop: r.hop,
      unitsReceived: Number(r.received),
      unitsShippedOn: Number(r.shipped_on),
      unitsOnHand: Number(r.on_hand),
      unitsDispensed: Number(r.dispensed),
      unitsAccountedByEvents: Number(r.accounted),
    }));
  }

  /** Scope packs whose whereabouts the events settle: out of the chain, or with their manufacturer and not moving. */
  async unitsAccountedByEvents(recall: Pick<Recall, 'gtin' | 'lots' | 'serials'>): Promise<number> {
    const { rows } = await this.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM holdings h
       WHERE ${SCOPE} AND (h.status = ANY($4::text[])
                           OR (h.owner = h.commissioned_by AND h.status <> 'in_transit'))`,
      [recall.gtin, recall.lots, recall.serials, ACCOUNTED_STATUSES],
    );
    return Number(rows[0]!.n);
  }

  async insertResponse(
    recallId: string,
    party: string,
    sub: string,
    input: RecallResponseInput,
  ): Promise<void> {
    await this.db.query(
      `INSERT INTO recall_responses (recall_id, party, sub, acknowledged, units_on_hand, units_returned, units_destroyed,
                                     sub_recall_done, note, responded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now())`,
      [
        recallId,
        party,
        sub,
        input.acknowledged,
        input.unitsOnHand ?? null,
        input.unitsReturned ?? null,
        input.unitsDestroyed ?? null,
        input.subRecallDone,
        input.note ?? null,
      ],
    );
  }

  /** Each party's newest response to the recall. */
  async latestResponses(recallId: string): Promise<Map<string, LatestResponse>> {
    const { rows } = await this.db.query<{
      party: string;
      acknowledged: boolean;
      units_on_hand: number | null;
      units_returned: number | null;
      units_destroyed: number | null;
      sub_recall_done: boolean;
      note: string | null;
      responded_at: Date;
    }>(
      `SELECT DISTINCT ON (party) party, acknowledged, units_on_hand, units_returned, units_destroyed, sub_recall_done,
              note, responded_at
       FROM recall_responses WHERE recall_id = $1 ORDER BY party, id DESC`,
      [recallId],
    );
    return new Map(
      rows.map((r) => [
        r.party,
        {
          party: r.party,
          acknowledged: r.acknowledged,
          unitsOnHand: r.units_on_hand,
          unitsReturned: r.units_returned,
          unitsDestroyed: r.units_destroyed,
          subRecallDone: r.sub_recall_done,
          note: r.note,
          respondedAt: r.responded_at.toISOString(),
        },
      ]),
    );
  }

  /** Whether `party` ever held a pack of the scope after its commissioner (a consignee at some depth). */
  async isConsignee(recall: Pick<Recall, 'gtin' | 'lots' | 'serials'>, party: string): Promise<boolean> {
    const { rows } = await this.db.query(
      `SELECT 1 FROM holdings h JOIN custody_changes c ON c.key = h.key AND c.party = $4 AND c.seq > 0
       WHERE ${SCOPE} LIMIT 1`,
      [recall.gtin, recall.lots, recall.serials, party],
    );
    return rows.length > 0;
  }
}
