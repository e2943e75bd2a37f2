import { Inject, Injectable } from '@nestjs/common';
import { inTransaction, type DatabaseHandle } from '@pedigree/database';
import type { SubscriptionSchedule } from '@pedigree/contracts';
import { DATABASE } from '@pedigree/service-runtime';

export interface Subscription {
  id: string;
  queryName: string;
  party: string;
  roles: string[];
  dest: string | null;
  socketOwner: string | null;
  signatureToken: string | null;
  stream: boolean;
  schedule: SubscriptionSchedule | null;
  reportIfEmpty: boolean;
  initialRecordTime: Date | null;
  epcFormat: string;
  createdAt: Date;
  cursor: number;
  batchSize: number;
  nextAttemptAt: Date;
  nextRunAt: Date | null;
  failedAttempts: number;
  lastNotifiedAt: Date | null;
}

export type NewSubscription = Pick<
  Subscription,
  | 'id'
  | 'queryName'
  | 'party'
  | 'roles'
  | 'dest'
  | 'socketOwner'
  | 'signatureToken'
  | 'stream'
  | 'schedule'
  | 'reportIfEmpty'
  | 'initialRecordTime'
  | 'epcFormat'
  | 'batchSize'
  | 'nextRunAt'
>;

/** An event waiting in a subscription's queue. */
export interface QueuedEvent {
  position: number;
  entryKey: string;
  /** The event's JSON as stored (read as text: a delivery often needs no parsed copy). */
  eventJson: string;
  namespaces: Record<string, string>;
  capturerGcps: string[];
}

/** An event to enqueue for a subscription (entryKey: what makes it one delivery). */
export interface Enqueued {
  subscriptionId: string;
  eventHash: string;
  entryKey: string;
  event: Record<string, unknown>;
  namespaces: Record<string, string>;
  capturerGcps: string[];
}

const COLUMNS = `id, query_name AS "queryName", party, roles, dest, socket_owner AS "socketOwner",
  signature_token AS "signatureToken", stream, schedule, report_if_empty AS "reportIfEmpty",
  initial_record_time AS "initialRecordTime", epc_format AS "epcFormat",
  created_at AS "createdAt", cursor::float8 AS cursor, batch_size AS "batchSize", next_attempt_at AS "nextAttemptAt",
  next_run_at AS "nextRunAt", failed_attempts AS "failedAttempts", last_notified_at AS "lastNotifiedAt"`;

/** How long a claimed subscription stays with the process that claimed it (longer than a delivery's timeout). */
export const LEASE_SECONDS = 60;
/** A WebSocket subscription whose process stopped renewing it for this long is dropped. */
export const SOCKET_STALE_SECONDS = 60;

/** Subscriptions, their queues and failed deliveries in PostgreSQL (ADR 0020). */
@Injectable()
export class SubscriptionRepository {
  constructor(@Inject(DATABASE) private readonly database: DatabaseHandle<Record<string, unknown>>) {}

  private get pool() {
    return this.database.pool;
  }

  async create(subscription: NewSubscription): Promise<Subscription> {
    const s = subscription;
    const { rows } = await this.pool.query<Subscription>(
      `INSERT INTO subscriptions (id, query_name, party, roles, dest, socket_owner, signature_token, stream, schedule,
         report_if_empty, initial_record_time, epc_format, batch_size, next_run_at, lease_until)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
         CASE WHEN $6::text IS NULL THEN NULL ELSE now() + make_interval(secs => ${SOCKET_STALE_SECONDS}) END)
       RETURNING ${COLUMNS}`,
      [
        s.id,
        s.queryName,
        s.party,
        s.roles,
        s.dest,
        s.socketOwner,
        s.signatureToken,
        s.stream,
        s.schedule === null ? null : JSON.stringify(s.schedule),
        s.reportIfEmpty,
        s.initialRecordTime,
        s.epcFormat,
        s.batchSize,
        s.nextRunAt,
      ],
    );
    return rows[0]!;
  }

  async find(party: string, queryName: string, id: string): Promise<Subscription | undefined> {
    const { rows } = await this.pool.query<Subscription>(
      `SELECT ${COLUMNS} FROM subscriptions WHERE party = $1 AND query_name = $2 AND id = $3`,
      [party, queryName, id],
    );
    return rows[0];
  }

  async exists(id: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('SELECT 1 FROM subscriptions WHERE id = $1', [id]);
    return rowCount === 1;
  }

  /** One page of a query's webhook subscriptions, by id after `after`. */
  async list(party: string, queryName: string, limit: number, after?: string): Promise<Subscription[]> {
    const { rows } = await this.pool.query<Subscription>(
      `SELECT ${COLUMNS} FROM subscriptions
       WHERE party = $1 AND query_name = $2 AND socket_owner IS NULL AND ($3::text IS NULL OR id > $3)
       ORDER BY id LIMIT $4`,
      [party, queryName, after ?? null, limit],
    );
    return rows;
  }

  async delete(id: string): Promise<boolean> {
    return inTransaction(this.pool, async (client) => {
      const { rowCount } = await client.query('DELETE FROM subscriptions WHERE id = $1', [id]);
      await client.query('DELETE FROM subscription_queue WHERE subscription_id = $1', [id]);
      return rowCount === 1;
    });
  }

  /** Every subscription (the matcher's view, read for each batch of events). */
  async all(): Promise<Array<Subscription & { params: string }>> {
    const { rows } = await this.pool.query<Subscription & { params: string }>(
      `SELECT sub.*, q.params FROM (SELECT ${COLUMNS} FROM subscriptions) sub
       JOIN named_queries q ON q.owner = sub.party AND q.name = sub."queryName"`,
    );
    return rows;
  }

  /**
   * Queues events: each event stored once (`subscription_events`), one small row per subscription waiting for it (an
   * entry already queued for a subscription is not queued again); then wakes the deliverers. The event rows are
   * locked (upsert) so that a concurrent clean-up cannot remove them before the queue rows reference them.
   */
  async enqueue(entries: Enqueued[]): Promise<number> {
    if (entries.length === 0) return 0;
    const events = new Map<string, Enqueued>();
    for (const entry of entries) events.set(entry.entryKey, entry);
    return inTransaction(this.pool, async (client) => {
      await client.query(
        `INSERT INTO subscription_events (entry_key, event_hash, event, namespaces, capturer_gcps)
         SELECT e.entry_key, e.event_hash, e.event, e.namespaces, ARRAY(SELECT jsonb_array_elements_text(e.capturer_gcps))
         FROM jsonb_to_recordset($1::jsonb) AS e(entry_key text, event_hash text, event jsonb, namespaces jsonb,
                capturer_gcps jsonb)
         ORDER BY e.entry_key
         ON CONFLICT (entry_key) DO UPDATE SET event_hash = EXCLUDED.event_hash`,
        [
          JSON.stringify(
            [...events.values()].map((e) => ({
              entry_key: e.entryKey,
              event_hash: e.eventHash,
              event: e.event,
              namespaces: e.namespaces,
              capturer_gcps: e.capturerGcps,
            })),
          ),
        ],
      );
      const { rowCount } = await client.query(
        `INSERT INTO subscription_queue (subscription_id, entry_key)
         SELECT q.subscription_id, q.entry_key FROM jsonb_to_recordset($1::jsonb) AS q(subscription_id text, entry_key text)
         WHERE EXISTS (SELECT 1 FROM subscriptions s WHERE s.id = q.subscription_id)
         ON CONFLICT (subscription_id, entry_key) DO NOTHING`,
        [JSON.stringify(entries.map((e) => ({ subscription_id: e.subscriptionId, entry_key: e.entryKey })))],
      );
      if ((rowCount ?? 0) > 0) await client.query('NOTIFY subscription_queue');
      return rowCount ?? 0;
    });
  }

  /**
   * Claims up to `limit` subscriptions that have something to deliver now, for `owner` (this process) for
   * LEASE_SECONDS: webhooks no other process holds, and the WebSocket subscriptions `owner` serves — none of `busy`,
   * those `owner` is delivering to already (a WebSocket subscription stays with its process). Rows another
   * process is claiming at the same moment are skipped (FOR UPDATE SKIP LOCKED): no two processes deliver a batch.
   */
  async claim(owner: string, limit: number, busy: readonly string[] = []): Promise<Subscription[]> {
    const { rows } = await this.pool.query<Subscription>(
      `UPDATE subscriptions SET lease_owner = $1,
         lease_until = now() + make_interval(secs => CASE WHEN socket_owner IS NULL THEN ${LEASE_SECONDS} ELSE ${SOCKET_STALE_SECONDS} END)
       WHERE id IN (
         SELECT s.id FROM subscriptions s
         WHERE s.next_attempt_at <= now() AND NOT (s.id = ANY($3::text[]))
           AND ((s.socket_owner IS NULL AND (s.lease_until IS NULL OR s.lease_until < now())) OR s.socket_owner = $1)
           AND CASE WHEN s.stream
             THEN EXISTS (SELECT 1 FROM subscription_queue q WHERE q.subscription_id = s.id)
             ELSE s.next_run_at <= now() END
         ORDER BY s.next_attempt_at LIMIT $2
         FOR UPDATE SKIP LOCKED)
       RETURNING ${COLUMNS}`,
      [owner, limit, busy],
    );
    return rows;
  }

  /** The oldest `limit` events of a subscription's queue (those not yet acknowledged). */
  async pending(subscriptionId: string, limit: number): Promise<QueuedEvent[]> {
    const { rows } = await this.pool.query<QueuedEvent>(
      `SELECT q.position::float8 AS position, q.entry_key AS "entryKey", e.event::text AS "eventJson", e.namespaces,
              e.capturer_gcps AS "capturerGcps"
       FROM subscription_queue q JOIN subscription_events e ON e.entry_key = q.entry_key
       WHERE q.subscription_id = $1 ORDER BY q.position LIMIT $2`,
      [subscriptionId, limit],
    );
    return rows;
  }

  async pendingCount(id: string): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM subscription_queue WHERE subscription_id = $1',
      [id],
    );
    return rows[0]!.n;
  }

  /**
   * The receiver acknowledged the events at `positions`: they leave the queue, the cursor moves to the highest, the
   * lease is released (`nextRunAt` set when a scheduled run is over). Only the lease holder may. Whether events are
   * left is answered.
   */
  async acknowledge(
    id: string,
    owner: string,
    positions: number[],
    nextRunAt?: Date | null,
  ): Promise<boolean> {
    return inTransaction(this.pool, async (client) => {
      const { rowCount } = await client.query(
        `UPDATE subscriptions SET cursor = GREATEST(cursor, COALESCE((SELECT max(p) FROM unnest($3::bigint[]) p), cursor)),
           failed_attempts = 0, last_notified_at = now(), next_attempt_at = now(),
           lease_owner = CASE WHEN socket_owner IS NULL THEN NULL ELSE lease_owner END,
           lease_until = CASE WHEN socket_owner IS NULL THEN NULL ELSE lease_until END,
           next_run_at = CASE WHEN $4::boolean THEN $5::timestamptz ELSE next_run_at END
         WHERE id = $1 AND lease_owner = $2`,
        [id, owner, positions, nextRunAt !== undefined, nextRunAt ?? null],
      );
      if (rowCount === 1 && positions.length > 0)
        await client.query(
          'DELETE FROM subscription_queue WHERE subscription_id = $1 AND position = ANY($2::bigint[])',
          [id, positions],
        );
      return rowCount === 1;
    });
  }

  /**
   * A delivery failed: recorded (the newest 20 kept), the next attempt after `retryInSeconds`, the batch size
   * changed if asked (after a 413), the lease released.
   */
  async fail(
    id: string,
    owner: string,
    failure: { status: number | null; error: string; events: number },
    retryInSeconds: number,
    batchSize?: number,
  ): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      const { rowCount } = await client.query(
        `UPDATE subscriptions SET failed_attempts = failed_attempts + 1,
           next_attempt_at = now() + make_interval(secs => $3), batch_size = COALESCE($4, batch_size),
           last_error = $5, last_error_at = now(),
           lease_owner = CASE WHEN socket_owner IS NULL THEN NULL ELSE lease_owner END,
           lease_until = CASE WHEN socket_owner IS NULL THEN NULL ELSE lease_until END
         WHERE id = $1 AND lease_owner = $2`,
        [id, owner, retryInSeconds, batchSize ?? null, failure.error],
      );
      if (rowCount !== 1) return;
      await client.query(
        'INSERT INTO subscription_failures (subscription_id, status, error, events) VALUES ($1, $2, $3, $4)',
        [id, failure.status, failure.error, failure.events],
      );
      await client.query(
        `DELETE FROM subscription_failures WHERE subscription_id = $1 AND id NOT IN
           (SELECT id FROM subscription_failures WHERE subscription_id = $1 ORDER BY id DESC LIMIT 20)`,
        [id],
      );
    });
  }

  async failures(
    id: string,
  ): Promise<Array<{ at: Date; status: number | null; error: string; events: number }>> {
    const { rows } = await this.pool.query<{
      at: Date;
      status: number | null;
      error: string;
      events: number;
    }>(
      'SELECT at, status, error, events FROM subscription_failures WHERE subscription_id = $1 ORDER BY id DESC',
      [id],
    );
    return rows;
  }

  /** Keeps `owner`'s WebSocket subscriptions alive and drops those whose process stopped renewing them. */
  async renewSockets(owner: string): Promise<void> {
    await this.pool.query(
      `UPDATE subscriptions SET lease_until = now() + make_interval(secs => ${SOCKET_STALE_SECONDS})
       WHERE socket_owner = $1`,
      [owner],
    );
    await inTransaction(this.pool, async (client) => {
      await client.query(
        `WITH gone AS (DELETE FROM subscriptions WHERE socket_owner IS NOT NULL AND lease_until < now() RETURNING id)
         DELETE FROM subscription_queue WHERE subscription_id IN (SELECT id FROM gone)`,
      );
    });
  }

  /**
   * Removes the events no subscription waits for any more. An event being queued at this moment is locked by the
   * matcher's upsert, and its queue row's foreign key refuses the removal: the clean-up then fails and runs again.
   */
  async removeDeliveredEvents(): Promise<void> {
    await this.pool.query(
      `DELETE FROM subscription_events e
       WHERE NOT EXISTS (SELECT 1 FROM subscription_queue q WHERE q.entry_key = e.entry_key)`,
    );
  }
}
