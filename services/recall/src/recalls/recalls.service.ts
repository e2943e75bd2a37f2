import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@pedigree/auth';
import { seesEveryParty } from '@pedigree/auth';
import { createEnvelope, type Topics } from '@pedigree/contracts';
import { inTransaction, type DatabaseHandle } from '@pedigree/database';
import { pedigreeMetrics } from '@pedigree/observability';
import { DATABASE, OutboxRelayService, TOPICS, writeOutbox } from '@pedigree/service-runtime';
import type { Pool } from 'pg';
import {
  checkTransition,
  depthHops,
  isRecallId,
  levelMet,
  mayManage,
  RecallRuleError,
  seesWholeRecall,
  type CreateRecall,
  type Recall,
  type RecallResponseInput,
  type Transition,
} from './recall-model';
import { RecallRepository, type ScopeCursor, type ScopeItem } from './recall.repository';

export const SERVICE_PRODUCER = 'recall';

export interface Consignee {
  party: string;
  /** Custody hops below the manufacturer (1: received from it). */
  level: number;
  unitsReceived: number;
  unitsShippedOn: number;
  unitsOnHand: number;
  unitsDispensed: number;
  response: {
    acknowledged: boolean;
    unitsOnHand: number | null;
    unitsReturned: number | null;
    unitsDestroyed: number | null;
    subRecallDone: boolean;
    note: string | null;
    respondedAt: string;
  } | null;
}

export interface Effectiveness {
  recallId: string;
  status: Recall['status'];
  level: Recall['effectivenessCheckLevel'];
  consignees: number;
  notified: number;
  responded: number;
  unitsInScope: number;
  unitsAccountedFor: number;
  unitsAccountedByEvents: number;
  unitsAccountedByResponses: number;
  met: boolean;
}

/** Recalls: their lifecycle (a notice on `recall.notices.v1` through the outbox), scope, consignees, effectiveness. */
@Injectable()
export class RecallsService {
  private readonly pool: Pool;

  constructor(
    @Inject(DATABASE) database: DatabaseHandle<Record<string, unknown>>,
    @Inject(TOPICS) private readonly topics: Topics,
    private readonly relay: OutboxRelayService,
  ) {
    this.pool = database.pool;
  }

  async create(input: CreateRecall, principal: Principal): Promise<Recall> {
    if (!mayManage(principal, input.gtin))
      throw new RecallRuleError(
        403,
        'NOT_ENTITLED',
        'only the manufacturer owning the GTIN’s company prefix, a regulator or an admin may create its recall',
      );
    const now = new Date().toISOString();
    const recall: Recall = {
      id: randomUUID(),
      status: 'draft',
      gtin: input.gtin,
      lots: [...new Set(input.lots)],
      serials: [...new Set(input.serials ?? [])],
      classification: input.classification,
      depth: input.depth,
      reason: input.reason,
      effectivenessCheckLevel: input.effectivenessCheckLevel,
      createdBy: { sub: principal.subject, party: principal.party },
      createdAt: now,
      excursionId: null,
      issuedAt: null,
      history: [{ status: 'draft', sub: principal.subject, party: principal.party, at: now }],
    };
    await new RecallRepository(this.pool).insert(recall);
    pedigreeMetrics().recallTransitions.add(1, { from: 'none', to: recall.status });
    return recall;
  }

  /** The recall, if the principal may see it (404 otherwise: its existence is not told). */
  async visible(id: string, principal: Principal): Promise<Recall> {
    const recall = await this.find(id);
    if (seesWholeRecall(principal, recall.gtin) || recall.createdBy.party === principal.party) return recall;
    if (
      (recall.status === 'issued' || recall.status === 'closed') &&
      (await new RecallRepository(this.pool).isConsignee(recall, principal.party))
    )
      return recall;
    throw new RecallRuleError(404, 'NOT_FOUND', `no recall ${id}`);
  }

  list(principal: Principal, limit: number): Promise<Recall[]> {
    return new RecallRepository(this.pool).list(
      seesEveryParty(principal) ? undefined : { party: principal.party, gcps: principal.gcps },
      limit,
    );
  }

  /**
   * Moves the recall on (approve, close, withdraw, dismiss) under a row lock, so two replicas or two users never
   * both do it; the notice goes into the outbox in the same transaction.
   */
  async transition(id: string, transition: Transition, principal: Principal): Promise<Recall> {
    const { recall, from } = await inTransaction(this.pool, async (client) => {
      const repository = new RecallRepository(client);
      const current = await repository.get(id, true);
      if (!current) throw new RecallRuleError(404, 'NOT_FOUND', `no recall ${id}`);
      const { to, notice } = checkTransition(current, transition, principal);
      const now = new Date().toISOString();
      const history = [
        ...current.history,
        { status: to, sub: principal.subject, party: principal.party, at: now },
      ];
      await repository.update(id, to, history, to === 'issued');
      if (notice !== undefined) {
        const envelope = createEnvelope(this.topics.recallNotices, SERVICE_PRODUCER, {
          noticeId: `${id}:${notice}`,
          recallId: id,
          action: notice,
          gtin: current.gtin,
          lots: current.lots,
          serials: current.serials,
          classification: current.classification,
          reason: current.reason,
          effectiveAt: now,
          issuedBy: principal.party,
        });
        await writeOutbox(client, [{ topic: this.topics.recallNotices.name, key: id, envelope }]);
      }
      return { recall: (await repository.get(id))!, from: current.status };
    });
    pedigreeMetrics().recallTransitions.add(1, { from, to: recall.status });
    this.relay.wake();
    return recall;
  }

  /** A page of the recall's scope: the whole scope for those who manage it, else only the packs the party holds. */
  async scope(
    recall: Recall,
    principal: Principal,
    after: ScopeCursor | undefined,
    limit: number,
  ): Promise<{ items: ScopeItem[]; next?: ScopeCursor }> {
    return new RecallRepository(this.pool).scopePage(
      recall,
      after,
      limit,
      this.holderFilter(recall, principal),
    );
  }

  summary(recall: Recall, principal: Principal) {
    return new RecallRepository(this.pool).scopeSummary(recall, this.holderFilter(recall, principal));
  }

  async consignees(recall: Recall, principal: Principal): Promise<Consignee[]> {
    const repository = new RecallRepository(this.pool);
    const [rows, responses] = await Promise.all([
      repository.consignees(recall, depthHops(recall.depth)),
      repository.latestResponses(recall.id),
    ]);
    const whole = seesWholeRecall(principal, recall.gtin);
    return rows
      .filter((row) => whole || row.party === principal.party)
      .map((row) => ({
        party: row.party,
        level: row.hop,
        unitsReceived: row.unitsReceived,
        unitsShippedOn: row.unitsShippedOn,
        unitsOnHand: row.unitsOnHand,
        unitsDispensed: row.unitsDispensed,
        response: responses.get(row.party) ?? null,
      }));
  }

  async respond(recall: Recall, principal: Principal, input: RecallResponseInput): Promise<void> {
    if (recall.status !== 'issued')
      throw new RecallRuleError(409, 'WRONG_STATUS', `a ${recall.status} recall takes no responses`);
    const repository = new RecallRepository(this.pool);
    if (!(await repository.isConsignee(recall, principal.party)))
      throw new RecallRuleError(
        403,
        'NOT_CONSIGNEE',
        'only a party that received packs in the scope responds',
      );
    await repository.insertResponse(recall.id, principal.party, principal.subject, input);
  }

  /**
   * Consignees (down to the recall's depth) notified and responded; units in scope and accounted for — by events
   * (out of the supply chain, returned, or with the manufacturer) and, for what a consignee still holds, by its newest
   * response (units on hand, returned, destroyed, at most what it holds) —; the level targeted and whether it is met.
   */
  async effectiveness(recall: Recall): Promise<Effectiveness> {
    // One snapshot for every figure: read side by side, a projection commit between two reads gave a destruction
    // counted by the events while its pack still counted as on hand in the consignee's response.
    const { rows, responses, summary, byEvents } = await inTransaction(this.pool, async (client) => {
      await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      const repository = new RecallRepository(client);
      return {
        rows: await repository.consignees(recall, depthHops(recall.depth)),
        responses: await repository.latestResponses(recall.id),
        summary: await repository.scopeSummary(recall),
        byEvents: await repository.unitsAccountedByEvents(recall),
      };
    });
    const responded = rows.filter((row) => responses.has(row.party)).length;
    let byResponses = 0;
    for (const row of rows) {
      const response = responses.get(row.party);
      if (!response) continue;
      const reported =
        (response.unitsOnHand ?? 0) + (response.unitsReturned ?? 0) + (response.unitsDestroyed ?? 0);
      byResponses += Math.min(reported, row.unitsOnHand);
    }
    const notified = recall.status === 'issued' || recall.status === 'closed' ? rows.length : 0;
    return {
      recallId: recall.id,
      status: recall.status,
      level: recall.effectivenessCheckLevel,
      consignees: rows.length,
      notified,
      responded,
      unitsInScope: summary.units,
      unitsAccountedFor: Math.min(summary.units, byEvents + byResponses),
      unitsAccountedByEvents: byEvents,
      unitsAccountedByResponses: byResponses,
      met: notified === rows.length && levelMet(recall.effectivenessCheckLevel, rows.length, responded),
    };
  }

  private holderFilter(recall: Recall, principal: Principal): string | undefined {
    return seesWholeRecall(principal, recall.gtin) ? undefined : principal.party;
  }

  private async find(id: string): Promise<Recall> {
    const recall = isRecallId(id) ? await new RecallRepository(this.pool).get(id) : undefined;
    if (!recall) throw new RecallRuleError(404, 'NOT_FOUND', `no recall ${id}`);
    return recall;
  }
}
