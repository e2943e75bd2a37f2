import { randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { z } from 'zod';
import type { excursionSchema } from '@pedigree/contracts';
import { inTransaction } from '@pedigree/database';
import { canonicalIdentifier } from '@pedigree/epcis';
import { pedigreeMetrics } from '@pedigree/observability';
import { RecallRepository } from '../recalls/recall.repository';

export type Excursion = z.infer<typeof excursionSchema>;

/** The packs an excursion concerns: its GTIN and lots, or else the packs inside its subject (a case, an SSCC). */
async function affected(
  client: PoolClient,
  excursion: Excursion,
): Promise<{ gtin: string; lots: string[] } | undefined> {
  if (excursion.gtin !== undefined && excursion.lots.length > 0)
    return { gtin: excursion.gtin, lots: excursion.lots };
  const { rows } = await client.query<{ gtin: string; lots: string[] }>(
    `WITH RECURSIVE inside(key) AS (
       SELECT $1::text COLLATE "C"
       UNION SELECT h.key FROM holdings h JOIN inside i ON h.parent_key = i.key
     )
     SELECT h.gtin, array_agg(DISTINCT h.lot) AS lots FROM holdings h JOIN inside i ON i.key = h.key
     WHERE h.kind = 'item' AND h.gtin IS NOT NULL AND h.lot IS NOT NULL
       AND ($2::text IS NULL OR h.gtin = $2)
     GROUP BY h.gtin ORDER BY count(*) DESC LIMIT 1`,
    [canonicalIdentifier(excursion.subject), excursion.gtin ?? null],
  );
  return rows[0];
}

/**
 * Records excursions of `coldchain.excursions.v1` once each, and opens a recall in status `candidate` for a critical
 * one whose packs have already moved on from their manufacturer to other parties (the manufacturer approves or
 * dismisses it: never issued without a person). The excursion id is unique among recalls, so a redelivered message or
 * a second replica opens nothing more.
 */
export class ExcursionProjector {
  constructor(private readonly pool: Pool) {}

  async project(excursions: Excursion[]): Promise<number> {
    let opened = 0;
    for (const excursion of excursions) {
      opened += await inTransaction(this.pool, async (client) => {
        const { rowCount } = await client.query(
          `INSERT INTO excursions (excursion_id, severity, payload, received_at) VALUES ($1, $2, $3, now())
           ON CONFLICT DO NOTHING`,
          [excursion.excursionId, excursion.severity, JSON.stringify(excursion)],
        );
        if (rowCount !== 1 || excursion.severity !== 'critical') return 0;
        const packs = await affected(client, excursion);
        if (!packs) return 0;
        const { rows } = await client.query<{ manufacturer: string }>(
          `SELECT h.commissioned_by AS manufacturer FROM holdings h
           JOIN custody_changes c ON c.key = h.key AND c.seq > 0 AND c.party IS DISTINCT FROM h.commissioned_by
           WHERE h.gtin = $1 AND h.lot = ANY($2::text[]) AND h.kind = 'item' AND h.commissioned_by IS NOT NULL
           LIMIT 1`,
          [packs.gtin, packs.lots],
        );
        if (rows.length === 0) return 0;
        const now = new Date().toISOString();
        const sub = `excursion:${excursion.excursionId}`;
        const range = `${excursion.observedMin}–${excursion.observedMax} ${excursion.uom}`;
        const inserted = await new RecallRepository(client).insert({
          id: randomUUID(),
          status: 'candidate',
          gtin: packs.gtin,
          lots: packs.lots,
          serials: [],
          classification: 'class-II',
          depth: 'retail',
          reason: `critical ${excursion.measurementType} excursion ${excursion.excursionId} on ${excursion.subject}: observed ${range}`,
          effectivenessCheckLevel: 'B',
          createdBy: { sub, party: rows[0]!.manufacturer },
          createdAt: now,
          excursionId: excursion.excursionId,
          issuedAt: null,
          history: [{ status: 'candidate', sub, party: rows[0]!.manufacturer, at: now }],
        });
        return inserted ? 1 : 0;
      });
    }
    if (opened > 0) pedigreeMetrics().recallTransitions.add(opened, { from: 'none', to: 'candidate' });
    return opened;
  }
}
