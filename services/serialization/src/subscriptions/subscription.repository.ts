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
  feedId: number;
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

/** An event of a feed, after some subscription's cursor. */
export interface FeedEvent {
  position: number;
  recordTime: Date;
  entryKey: string;
  /** The event's JSON as stored (read as text: a delivery often needs no parsed copy). */
  eventJson: string;
  namespaces: Record<string, string>;
  capturerGcps: string[];
}

/** An event to store once for delivery (entryKey: what makes it one delivery). */
export interface EventCopy {
  eventHash: string;
  entryKey: string;
  event: Record<string, unknown>;
  namespaces: Record<string, string>;
  capturerGcps: string[];
}

/** Entries to append to a feed, in order. */
export interface FeedAppend {
  feedId: number;
  entries: Array<{ entryKey: string; recordTime: Date }>;
}

/** A delivery the receiver acknowledged: the cursor moves to `cursor` (`nextRunAt` set when a scheduled run is over). */
export interface Acknowledgement {
  id: string;
  cursor: number;
  nextRunAt?: Date | null;
}

const COLUMNS = `id, query_name AS "queryName", party, roles, dest, socket_owner AS "socketOwner",
  signature_token AS "signatureToken", stream, schedule, report_if_empty AS "reportIfEmpty",
  initial_record_time AS "initialRecordTime", epc_format AS "epcFormat",
  created_at AS "createdAt", feed_id::float8 AS "feedId", cursor::float8 AS cursor, batch_size AS "batchSize", next_attempt_at AS "nextAttemptAt",
  next_run_at AS "nextRunAt", failed_attempts AS "failedAttempts", last_notified_at AS "lastNotifiedAt"`;

/** How long a claimed subscription stays with the process that claimed it (longer than a delivery's timeout). */
export const LEASE_SECONDS = 60;
/** A WebSocket subscription whose process stopped renewing it for this long is dropped. */
export const SOCKET_STALE_SECONDS = 60;

/** Subscriptions, their feeds and failed deliveries in PostgreSQL (ADR 0020). */
@Injectable()
export class SubscriptionRepository {
  constructor(@Inject(DATABASE) private readonly database: DatabaseHandle<Record<string, unknown>>) {}

  private get pool() {
    return this.database.pool;
  }

  /**
   * Creates a subscription reading the feed `feedKey` (created if none has it), its cursor at the feed's head: it
   * receives what is appended from now on. One transaction, so that the clean-up cannot remove the feed in between.
   * With `backfillOwner`, its feed is still to be filled from the event store: that process holds the lease for it.
   */
  async create(
    subscription: NewSubscription,
    feedKey: string,
    backfillOwner: string | null = null,
  ): Promise<Subscription> {
    const s = subscription;
    return inTransaction(this.pool, async (client) => {
      const { rows: feeds } = await client.query<{ id: string; head: string }>(
        `INSERT INTO subscription_feeds (key) VALUES ($1)
         ON CONFLICT (key) DO UPDATE SET key = EXCLUDED.key RETURNING id, head`,
        [feedKey],
      );
      const { rows } = await client.query<Subscription>(
        `INSERT INTO subscriptions (id, query_name, party, roles, dest, socket_owner, signature_token, stream, schedule,
           report_if_empty, initial_record_time, epc_format, batch_size, next_run_at, lease_until, feed_id, cursor,
           backfill_pending, lease_owner)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
           CASE WHEN $6::text IS NULL AND $17::text IS NULL THEN NULL
             ELSE now() + make_interval(secs => ${Math.min(LEASE_SECONDS, SOCKET_STALE_SECONDS)}) END,
           $15, $16, $17::text IS NOT NULL, $17)
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
          feeds[0]!.id,
          feeds[0]!.head,
          backfillOwner,
        ],
      );
      return rows[0]!;
    });
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

  /** Deletes a subscription (its feed's entries go with the clean-up once nothing reads them). */
  async delete(id: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('DELETE FROM subscriptions WHERE id = $1', [id]);
    return rowCount === 1;
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
   * Appends events to feeds in one transaction: each event stored once (`subscription_events`), then per feed (in
   * id order) the next positions taken from its head under the feed row's lock — positions of a feed commit in
   * order — and its entries written (an entry already in the feed is not appended again); then wakes the
   * deliverers. The event rows are locked (upsert) so that a concurrent clean-up cannot remove them before the
   * entries reference them. Answers how many entries were appended.
   */
  async append(events: EventCopy[], feeds: FeedAppend[]): Promise<number> {
    const appends = feeds.filter((f) => f.entries.length > 0).sort((a, b) => a.feedId - b.feedId);
    if (appends.length === 0) return 0;
    const copies = new Map<string, EventCopy>();
    for (const event of events) copies.set(event.entryKey, event);
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
            [...copies.values()].map((e) => ({
              entry_key: e.entryKey,
              event_hash: e.eventHash,
              event: e.event,
              namespaces: e.namespaces,
              capturer_gcps: e.capturerGcps,
            })),
          ),
        ],
      );
      let appended = 0;
      for (const feed of appends) {
        const seen = new Set<string>();
        const entries = feed.entries.filter((e) => !seen.has(e.entryKey) && seen.add(e.entryKey));
        const { rowCount } = await client.query(
          `WITH feed AS (UPDATE subscription_feeds SET head = head + $3 WHERE id = $1 RETURNING head - $3 AS base)
           INSERT INTO subscription_feed_entries (feed_id, position, entry_key, record_time)
           SELECT $1, feed.base + e.ord, e.entry_key, e.record_time
           FROM feed, jsonb_to_recordset($2::jsonb) AS e(ord bigint, entry_key text, record_time timestamptz)
           ON CONFLICT DO NOTHING`,
          [
            feed.feedId,
            JSON.stringify(
              entries.map((e, i) => ({ ord: i + 1, entry_key: e.entryKey, record_time: e.recordTime })),
            ),
            entries.length,
          ],
        );
        appended += rowCount ?? 0;
      }
      if (appended > 0) await client.query('NOTIFY subscription_feeds');
      return appended;
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
         WHERE s.next_attempt_at <= now() AND NOT s.backfill_pending AND NOT (s.id = ANY($3::text[]))
           AND ((s.socket_owner IS NULL AND (s.lease_until IS NULL OR s.lease_until < now())) OR s.socket_owner = $1)
           AND CASE WHEN s.stream
             THEN EXISTS (SELECT 1 FROM subscription_feed_entries e WHERE e.feed_id = s.feed_id AND e.position > s.cursor)
             ELSE s.next_run_at <= now() END
         ORDER BY s.next_attempt_at LIMIT $2
         FOR UPDATE SKIP LOCKED)
       RETURNING ${COLUMNS}`,
      [owner, limit, busy],
    );
    return rows;
  }

  /**
   * Claims for `owner` the webhook subscriptions whose backfill was left by its process (its lease expired), for
   * LEASE_SECONDS. (A WebSocket subscription goes with its process.)
   */
  async claimBackfills(owner: string, limit = 10): Promise<Subscription[]> {
    const { rows } = await this.pool.query<Subscription>(
      `UPDATE subscriptions SET lease_owner = $1, lease_until = now() + make_interval(secs => ${LEASE_SECONDS})
       WHERE id IN (
         SELECT id FROM subscriptions
         WHERE backfill_pending AND socket_owner IS NULL AND (lease_until IS NULL OR lease_until < now())
         LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING ${COLUMNS}`,
      [owner, limit],
    );
    return rows;
  }

  /** Extends `owner`'s lease on a backfill; false when it has lost it (or the subscription is gone). */
  async renewBackfill(id: string, owner: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE subscriptions SET lease_until = now() + make_interval(secs => ${Math.min(LEASE_SECONDS, SOCKET_STALE_SECONDS)})
       WHERE id = $1 AND backfill_pending AND (lease_owner = $2 OR socket_owner = $2)`,
      [id, owner],
    );
    return rowCount === 1;
  }

  /** The backfill is done: the subscription is delivered from now on (a webhook's lease released). */
  async finishBackfill(id: string, owner: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE subscriptions SET backfill_pending = false, next_attempt_at = now(),
         lease_owner = CASE WHEN socket_owner IS NULL THEN NULL ELSE lease_owner END,
         lease_until = CASE WHEN socket_owner IS NULL THEN NULL ELSE lease_until END
       WHERE id = $1 AND backfill_pending AND (lease_owner = $2 OR socket_owner = $2)`,
      [id, owner],
    );
    if (rowCount === 1) await this.pool.query('NOTIFY subscription_feeds');
    return rowCount === 1;
  }

  /** Up to `limit` events of a feed after `position`, in order. */
  async read(feedId: number, position: number, limit: number): Promise<FeedEvent[]> {
    const { rows } = await this.pool.query<FeedEvent>(
      `SELECT f.position::float8 AS position, f.record_time AS "recordTime", f.entry_key AS "entryKey",
              e.event::text AS "eventJson", e.namespaces, e.capturer_gcps AS "capturerGcps"
       FROM subscription_feed_entries f JOIN subscription_events e ON e.entry_key = f.entry_key
       WHERE f.feed_id = $1 AND f.position > $2 ORDER BY f.position LIMIT $3`,
      [feedId, position, limit],
    );
    return rows;
  }

  /** How many events wait for the subscription: after its cursor, from its start on. */
  async pendingCount(
    subscription: Pick<Subscription, 'feedId' | 'cursor' | 'initialRecordTime' | 'createdAt'>,
  ): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM subscription_feed_entries
       WHERE feed_id = $1 AND position > $2 AND record_time >= $3`,
      [subscription.feedId, subscription.cursor, subscription.initialRecordTime ?? subscription.createdAt],
    );
    return rows[0]!.n;
  }

  /**
   * Receivers acknowledged: each cursor moves (never back), failures are forgotten, the lease is released
   * (`nextRunAt` set when a scheduled run is over) — in one statement for many deliveries, only for those whose
   * lease `owner` holds. Answers the ids acknowledged.
   */
  async acknowledge(owner: string, acknowledgements: Acknowledgement[]): Promise<string[]> {
    if (acknowledgements.length === 0) return [];
    const { rows } = await this.pool.query<{ id: string }>(
      `UPDATE subscriptions s SET cursor = GREATEST(s.cursor, a.cursor),
         failed_attempts = 0, last_notified_at = now(), next_attempt_at = now(),
         lease_owner = CASE WHEN s.socket_owner IS NULL THEN NULL ELSE s.lease_owner END,
         lease_until = CASE WHEN s.socket_owner IS NULL THEN NULL ELSE s.lease_until END,
         next_run_at = CASE WHEN a.run_over THEN a.next_run_at ELSE s.next_run_at END
       FROM jsonb_to_recordset($2::jsonb) AS a(id text, cursor bigint, run_over boolean, next_run_at timestamptz)
       WHERE s.id = a.id AND s.lease_owner = $1
       RETURNING s.id`,
      [
        owner,
        JSON.stringify(
          acknowledgements.map((a) => ({
            id: a.id,
            cursor: a.cursor,
            run_over: a.nextRunAt !== undefined,
            next_run_at: a.nextRunAt ?? null,
          })),
        ),
      ],
    );
    return rows.map((r) => r.id);
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
    await this.pool.query('DELETE FROM subscriptions WHERE socket_owner IS NOT NULL AND lease_until < now()');
  }

  /**
   * Removes what nothing reads any more: feeds without subscriptions (skipping those a subscription is being added
   * to), entries every subscription of their feed acknowledged, then events no feed holds. An event being appended at
   * this moment is locked by the matcher's upsert, and its entry's foreign key refuses the removal: the clean-up then
   * fails and runs again.
   */
  async removeDelivered(): Promise<void> {
    await this.pool.query(
      `DELETE FROM subscription_feeds WHERE id IN (
         SELECT f.id FROM subscription_feeds f
         WHERE NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.feed_id = f.id)
         FOR UPDATE SKIP LOCKED)`,
    );
    await this.pool.query(
      `DELETE FROM subscription_feed_entries e
       WHERE NOT EXISTS (SELECT 1 FROM subscription_feeds f WHERE f.id = e.feed_id)
          OR e.position <= (SELECT min(s.cursor) FROM subscriptions s WHERE s.feed_id = e.feed_id)`,
    );
    await this.pool.query(
      `DELETE FROM subscription_events e
       WHERE NOT EXISTS (SELECT 1 FROM subscription_feed_entries f WHERE f.entry_key = e.entry_key)`,
    );
  }
}
