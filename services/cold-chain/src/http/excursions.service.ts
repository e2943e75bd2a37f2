import { Inject, Injectable } from '@nestjs/common';
import { ownsCompanyPrefix, seesEveryParty, type Principal } from '@pedigree/auth';
import { createEnvelope, type Topics } from '@pedigree/contracts';
import { inTransaction, type DatabaseHandle } from '@pedigree/database';
import { DATABASE, OutboxRelayService, SERVICE_CONFIG, TOPICS, writeOutbox } from '@pedigree/service-runtime';
import type { ColdChainConfig } from '../config';
import { holdEventMessage } from '../evaluation/hold-events';
import type { ExcursionDetail, ExcursionSummary } from './answers';
import { badRequest, conflict, forbidden, notFound } from './problems';
import { fromCelsius, type TemperatureUnit } from '@pedigree/temperature';

interface ExcursionRow {
  id: string;
  subject_key: string;
  gtin: string;
  lots: string[];
  started_at: Date;
  ended_at: Date;
  ongoing: boolean;
  severity: 'minor' | 'critical';
  minutes_out_of_range: number;
  budget_consumed_minutes: number;
  mkt_celsius: number;
  observed_min_celsius: number;
  observed_max_celsius: number;
  pack_count: number;
  detected_at: Date;
  quarantined_at: Date | null;
  decision: Decision | null;
  decision_reason: string | null;
  decided_by: string | null;
  decided_at: Date | null;
  uom: TemperatureUnit | null;
}

export const DECISIONS = ['release', 'quarantine', 'reject'] as const;
export type Decision = (typeof DECISIONS)[number];

const STATUS_OF_DECISION = { release: 'released', quarantine: 'quarantined', reject: 'rejected' } as const;

/** The SQL condition of each status. */
const STATUS_SQL = {
  open: `e.decision IS NULL AND e.quarantined_at IS NULL`,
  quarantined: `(e.decision = 'quarantine' OR (e.decision IS NULL AND e.quarantined_at IS NOT NULL))`,
  released: `e.decision = 'release'`,
  rejected: `e.decision = 'reject'`,
} as const;
export type ExcursionStatus = keyof typeof STATUS_SQL;
export const EXCURSION_STATUSES = Object.keys(STATUS_SQL) as ExcursionStatus[];

const SELECT = `SELECT e.*, p.uom FROM excursions e LEFT JOIN profiles p ON p.gtin = e.gtin`;

/**
 * Who sees an excursion: regulators and admins; the brand owner of its GTIN (company prefix); the parties of its
 * logistic unit (they captured its events or were named in them, or sent its readings).
 */
const VISIBLE = `($1::boolean OR substr(e.gtin, 2) LIKE ANY($2::text[])
  OR EXISTS (SELECT 1 FROM parties v WHERE v.key = e.subject_key AND v.party = $3))`;

export interface ExcursionFilter {
  gtin?: string;
  lot?: string;
  status?: ExcursionStatus;
  severity?: 'minor' | 'critical';
  since?: Date;
  perPage: number;
  pageToken?: string;
}

function summary(row: ExcursionRow): ExcursionSummary {
  const uom = row.uom ?? 'CEL';
  const t = (c: number) => fromCelsius(c, uom);
  return {
    id: row.id,
    subject: row.subject_key,
    gtin: row.gtin,
    lots: row.lots,
    startedAt: row.started_at.toISOString(),
    endedAt: row.ended_at.toISOString(),
    ongoing: row.ongoing,
    status: row.decision ? STATUS_OF_DECISION[row.decision] : row.quarantined_at ? 'quarantined' : 'open',
    decision: row.decision
      ? {
          decision: row.decision,
          reason: row.decision_reason ?? '',
          decidedBy: row.decided_by ?? '',
          decidedAt: row.decided_at!.toISOString(),
        }
      : null,
    severity: row.severity,
    uom,
    minutesOutOfRange: row.minutes_out_of_range,
    budgetConsumedMinutes: row.budget_consumed_minutes,
    observedMin: t(row.observed_min_celsius),
    observedMax: t(row.observed_max_celsius),
    mkt: t(row.mkt_celsius),
    packCount: row.pack_count,
    detectedAt: row.detected_at.toISOString(),
  };
}

function visibilityParams(principal: Principal): [boolean, string[], string] {
  return [seesEveryParty(principal), principal.gcps.map((gcp) => `${gcp}%`), principal.party];
}

/** Page tokens: the last excursion's start and id (keyset paging, newest first). */
function encodeToken(row: ExcursionRow): string {
  return Buffer.from(JSON.stringify([row.started_at.toISOString(), row.id])).toString('base64url');
}

function decodeToken(token: string): [string, string] {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString()) as unknown;
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      typeof parsed[0] === 'string' &&
      typeof parsed[1] === 'string' &&
      !Number.isNaN(Date.parse(parsed[0]))
    )
      return [parsed[0], parsed[1]];
  } catch {
    // answered below
  }
  throw badRequest('nextPageToken is not a token this service gave', { field: 'nextPageToken' });
}

@Injectable()
export class ExcursionsService {
  constructor(
    @Inject(DATABASE) private readonly database: DatabaseHandle<Record<string, unknown>>,
    @Inject(TOPICS) private readonly topics: Topics,
    @Inject(SERVICE_CONFIG) private readonly config: ColdChainConfig,
    private readonly outbox: OutboxRelayService,
  ) {}

  async list(
    filter: ExcursionFilter,
    principal: Principal,
  ): Promise<{ excursions: ExcursionSummary[]; nextPageToken?: string }> {
    const params: unknown[] = [...visibilityParams(principal)];
    const where = [VISIBLE];
    const add = (sql: (n: number) => string, value: unknown) => {
      params.push(value);
      where.push(sql(params.length));
    };
    if (filter.gtin) add((n) => `e.gtin = $${n}`, filter.gtin);
    if (filter.lot) add((n) => `$${n} = ANY(e.lots)`, filter.lot);
    if (filter.status) where.push(STATUS_SQL[filter.status]);
    if (filter.severity) add((n) => `e.severity = $${n}`, filter.severity);
    if (filter.since) add((n) => `e.ended_at >= $${n}`, filter.since);
    if (filter.pageToken) {
      const [startedAt, id] = decodeToken(filter.pageToken);
      params.push(new Date(startedAt), id);
      where.push(`(e.started_at, e.id) < ($${params.length - 1}, $${params.length})`);
    }
    params.push(filter.perPage + 1);
    const { rows } = await this.database.pool.query<ExcursionRow>(
      `${SELECT} WHERE ${where.join(' AND ')} ORDER BY e.started_at DESC, e.id DESC LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, filter.perPage);
    return {
      excursions: page.map(summary),
      ...(rows.length > filter.perPage ? { nextPageToken: encodeToken(page[page.length - 1]!) } : {}),
    };
  }

  async detail(id: string, principal: Principal): Promise<ExcursionDetail> {
    const { rows } = await this.database.pool.query<ExcursionRow>(
      `${SELECT} WHERE ${VISIBLE} AND e.id = $4`,
      [...visibilityParams(principal), id],
    );
    const row = rows[0];
    if (!row) throw notFound(`no excursion ${id}`);
    const { rows: packs } = await this.database.pool.query<{
      pack_key: string;
      serial: string;
      lot: string | null;
    }>(`SELECT pack_key, serial, lot FROM excursion_packs WHERE excursion_id = $1 ORDER BY pack_key`, [id]);
    return {
      ...summary(row),
      packs: packs.map((p) => ({ epc: p.pack_key, gtin: row.gtin, serial: p.serial, lot: p.lot })),
    };
  }

  /**
   * Records the decision on an excursion and captures what it does to the packs (an EPCIS event through the outbox), in
   * one transaction under the excursion's row lock, by the GTIN's manufacturer or an admin: release and reject are
   * final, a quarantine is followed by one of them.
   */
  async decide(
    id: string,
    input: { decision: Decision; reason: string },
    principal: Principal,
  ): Promise<ExcursionDetail> {
    const admin = principal.roles.includes('admin');
    const published = await inTransaction(this.database.pool, async (client) => {
      const { rows } = await client.query<ExcursionRow>(
        `SELECT e.*, p.uom FROM excursions e LEFT JOIN profiles p ON p.gtin = e.gtin WHERE ${VISIBLE} AND e.id = $4
         FOR UPDATE OF e`,
        [...visibilityParams(principal), id],
      );
      const row = rows[0];
      if (!row) throw notFound(`no excursion ${id}`);
      if (!admin && !ownsCompanyPrefix(principal, { ai: '01', value: row.gtin }))
        throw forbidden(`GTIN ${row.gtin} is not under one of your company prefixes`);
      // A quarantine holds the packs while QA investigates: it is decided again, once, as a release or a rejection.
      // A release or a rejection is final.
      if (row.decision && (row.decision !== 'quarantine' || input.decision === 'quarantine'))
        throw conflict(
          row.decision === 'quarantine'
            ? 'the excursion is quarantined already; decide release or reject'
            : `the excursion was decided already (${row.decision})`,
        );
      const at = new Date();
      await client.query(
        `UPDATE excursions SET decision = $2, decision_reason = $3, decided_by = $4, decided_at = $5, updated_at = now()
         WHERE id = $1`,
        [id, input.decision, input.reason, principal.party, at],
      );
      const { rows: packs } = await client.query<{ serial: string }>(
        `SELECT serial FROM excursion_packs WHERE excursion_id = $1 ORDER BY pack_key`,
        [id],
      );
      if (packs.length === 0) return false;
      const message = holdEventMessage(
        input.decision,
        packs.map((p) => ({ gtin: row.gtin, serial: p.serial })),
        { excursionId: id, capturedBy: principal.party, at },
      );
      const topic = this.topics.epcisEvents;
      await writeOutbox(client, [
        {
          topic: topic.name,
          key: id,
          envelope: createEnvelope(topic, this.config.SERVICE_NAME, message, at),
        },
      ]);
      return true;
    });
    if (published) this.outbox.wake();
    return this.detail(id, principal);
  }

  /** The excursions of a logistic unit (its visibility checked by the caller). */
  async ofSubject(subjectKey: string): Promise<ExcursionSummary[]> {
    const { rows } = await this.database.pool.query<ExcursionRow>(
      `${SELECT} WHERE e.subject_key = $1 ORDER BY e.started_at, e.gtin`,
      [subjectKey],
    );
    return rows.map(summary);
  }
}
