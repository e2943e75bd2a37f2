import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { createEnvelope, type Topics } from '@pedigree/contracts';
import { inTransaction, isTransientDatabaseError, type DatabaseHandle } from '@pedigree/database';
import {
  DATABASE,
  LOGGER,
  OutboxRelayService,
  SERVICE_CONFIG,
  TOPICS,
  writeOutbox,
  type Logger,
} from '@pedigree/service-runtime';
import { pedigreeMetrics } from '@pedigree/observability';
import type { PoolClient } from 'pg';
import type { ColdChainConfig } from '../config';
import { TemperatureReader } from '../store/temperature-reader';
import { evaluateSubject, type EvaluatedExcursion } from './evaluate-subject';
import { holdEventMessage, type HoldAction } from './hold-events';
import { fromCelsius } from '@pedigree/temperature';

const SEVERITY_RANK = { minor: 1, major: 2, critical: 3 } as const;
/** Subjects claimed per transaction. */
const CLAIM = 10;

/**
 * Evaluates the subjects marked dirty (new readings, loggers, packing): every replica runs this loop; a subject is
 * claimed with its row lock (SKIP LOCKED), so it is evaluated by one replica at a time, and its excursions and their
 * coldchain.excursions.v1 messages (outbox) are written in the claim's transaction: an excursion is published once
 * when it opens, once more when it turns critical, whichever replica finds it.
 */
@Injectable()
export class EvaluationService implements OnApplicationBootstrap, OnApplicationShutdown {
  private loop?: Promise<void>;
  private stopping = false;
  private woken = false;
  private interrupt?: () => void;

  constructor(
    @Inject(DATABASE) private readonly database: DatabaseHandle<Record<string, unknown>>,
    @Inject(SERVICE_CONFIG) private readonly config: ColdChainConfig,
    @Inject(TOPICS) private readonly topics: Topics,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly outbox: OutboxRelayService,
  ) {}

  onApplicationBootstrap(): void {
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.interrupt?.();
    await this.loop;
  }

  /** Subjects were marked: look now. */
  wake(): void {
    this.woken = true;
    this.interrupt?.();
  }

  /** Evaluates marked subjects until none is left; returns how many were evaluated. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const count = await this.evaluateBatch();
      total += count;
      if (count === 0 || this.stopping) return total;
    }
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      this.woken = false;
      let wait = this.config.EVALUATION_POLL_MS;
      try {
        await this.drain();
      } catch (error) {
        if (!isTransientDatabaseError(error))
          this.logger.error({ err: error }, 'evaluation failed; retrying');
        else this.logger.warn({ err: error }, 'evaluation interrupted; retrying');
      }
      if (this.woken) wait = 0;
      if (!this.stopping && wait > 0)
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, wait);
          this.interrupt = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      this.interrupt = undefined;
    }
  }

  private async evaluateBatch(): Promise<number> {
    let published = false;
    const { count, excursions } = await inTransaction(this.database.pool, async (client) => {
      const excursionMessages: Array<EvaluatedExcursion['severity']> = [];
      const { rows } = await client.query<{ subject_key: string }>(
        `SELECT subject_key FROM dirty_subjects ORDER BY marked_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [CLAIM],
      );
      const reader = new TemperatureReader(client);
      for (const { subject_key } of rows) {
        const excursions = await evaluateSubject(reader, subject_key, this.config.READINGS_GAP_FACTOR);
        for (const excursion of excursions) {
          const wrote = await this.record(client, excursion);
          if (wrote.excursionMessage) excursionMessages.push(excursion.severity);
          published = wrote.excursionMessage || wrote.hold || published;
        }
      }
      if (rows.length > 0)
        await client.query(`DELETE FROM dirty_subjects WHERE subject_key = ANY($1::text[])`, [
          rows.map((r) => r.subject_key),
        ]);
      return { count: rows.length, excursions: excursionMessages };
    });
    // Counted once the messages are committed to the outbox (the relay publishes them).
    for (const severity of excursions) pedigreeMetrics().excursions.add(1, { severity });
    if (published) this.outbox.wake();
    return count;
  }

  /**
   * Stores the excursion; writes its message when it is new or its severity rose, and the quarantine of its packs when
   * it turned critical. Returns which messages it wrote: the excursion's, a hold event of its packs.
   */
  private async record(
    client: PoolClient,
    excursion: EvaluatedExcursion,
  ): Promise<{ excursionMessage: boolean; hold: boolean }> {
    const { period, profile } = excursion;
    const lots = [
      ...new Set(excursion.packs.map((p) => p.lot).filter((lot): lot is string => lot !== null)),
    ].sort();
    const { rows } = await client.query<{
      published_severity: keyof typeof SEVERITY_RANK;
      quarantined_at: Date | null;
      decision: string | null;
      decided_by: string | null;
    }>(
      `SELECT published_severity, quarantined_at, decision, decided_by FROM excursions WHERE id = $1 FOR UPDATE`,
      [excursion.id],
    );
    const before = rows[0]?.published_severity;
    // A critical excursion quarantines its packs until the manufacturer decides (once; not after a decision).
    const quarantine = excursion.severity === 'critical' && !rows[0]?.quarantined_at && !rows[0]?.decision;
    const publish = before === undefined || SEVERITY_RANK[excursion.severity] > SEVERITY_RANK[before];
    const values = [
      excursion.id,
      excursion.subjectKey,
      excursion.gtin,
      new Date(period.start),
      new Date(period.end),
      period.ongoing,
      excursion.severity,
      period.minutes,
      excursion.budgetConsumedMinutes,
      period.mktAtEnd,
      period.observedMin,
      period.observedMax,
      excursion.packs.length,
      lots,
      publish ? excursion.severity : before,
    ];
    await client.query(
      `INSERT INTO excursions (id, subject_key, gtin, started_at, ended_at, ongoing, severity, minutes_out_of_range,
         budget_consumed_minutes, mkt_celsius, observed_min_celsius, observed_max_celsius, pack_count, lots, published_severity)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
       ON CONFLICT (id) DO UPDATE SET ended_at = EXCLUDED.ended_at, ongoing = EXCLUDED.ongoing,
         severity = EXCLUDED.severity, minutes_out_of_range = EXCLUDED.minutes_out_of_range,
         budget_consumed_minutes = EXCLUDED.budget_consumed_minutes, mkt_celsius = EXCLUDED.mkt_celsius,
         observed_min_celsius = EXCLUDED.observed_min_celsius, observed_max_celsius = EXCLUDED.observed_max_celsius,
         pack_count = EXCLUDED.pack_count, lots = EXCLUDED.lots, published_severity = EXCLUDED.published_severity,
         updated_at = now()`,
      values,
    );
    const { rows: added } = await client.query<{ pack_key: string; serial: string }>(
      `INSERT INTO excursion_packs (excursion_id, pack_key, serial, lot)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[]) ON CONFLICT DO NOTHING
       RETURNING pack_key, serial`,
      [
        excursion.id,
        excursion.packs.map((p) => p.key),
        excursion.packs.map((p) => p.serial),
        excursion.packs.map((p) => p.lot),
      ],
    );
    // The hold the excursion's packs are under: a pack found in it later (a late packing event) is held the same way.
    const previous = rows[0];
    const decided =
      previous?.decision === 'quarantine' || previous?.decision === 'reject' ? previous.decision : undefined;
    const hold: HoldAction | undefined =
      quarantine || (previous?.quarantined_at && !previous.decision) ? 'quarantine' : decided;
    const held = quarantine ? excursion.packs : added;
    if (hold && held.length > 0) {
      const at = new Date();
      const message = holdEventMessage(
        hold,
        held.map((p) => ({ gtin: excursion.gtin, serial: p.serial })),
        { excursionId: excursion.id, capturedBy: previous?.decided_by ?? profile.updatedBy, at },
      );
      await writeOutbox(client, [
        {
          topic: this.topics.epcisEvents.name,
          key: excursion.id,
          envelope: createEnvelope(this.topics.epcisEvents, this.config.SERVICE_NAME, message, at),
        },
      ]);
      if (quarantine)
        await client.query(`UPDATE excursions SET quarantined_at = $2 WHERE id = $1`, [excursion.id, at]);
    }
    const wroteHold = hold !== undefined && held.length > 0;
    if (!publish) return { excursionMessage: false, hold: wroteHold };
    const topic = this.topics.coldchainExcursions;
    const inUom = (celsius: number) => fromCelsius(celsius, profile.uom);
    const envelope = createEnvelope(topic, this.config.SERVICE_NAME, {
      excursionId: excursion.id,
      subject: excursion.subjectKey,
      gtin: excursion.gtin,
      lots,
      measurementType: 'Temperature',
      allowedMin: profile.rangeMin,
      allowedMax: profile.rangeMax,
      observedMin: inUom(period.observedMin),
      observedMax: inUom(period.observedMax),
      uom: profile.uom,
      startedAt: new Date(period.start).toISOString(),
      ...(period.ongoing ? {} : { endedAt: new Date(period.end).toISOString() }),
      severity: excursion.severity,
      packCount: excursion.packs.length,
      minutesOutOfRange: period.minutes,
      budgetConsumedMinutes: excursion.budgetConsumedMinutes,
      budgetMinutes: profile.excursionBudgetMinutes,
      mkt: inUom(period.mktAtEnd),
    });
    await writeOutbox(client, [{ topic: topic.name, key: excursion.subjectKey, envelope }]);
    return { excursionMessage: true, hold: wroteHold };
  }
}
