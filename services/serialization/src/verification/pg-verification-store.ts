import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { inTransaction, type DatabaseHandle } from '@pedigree/database';
import {
  DATABASE,
  LOGGER,
  OutboxRelayService,
  writeOutbox,
  type Logger,
  type OutboxMessage,
} from '@pedigree/service-runtime';
import type { Pool, PoolClient } from 'pg';
import type { PackStatus } from '@pedigree/registry';
import type { CatalogueFacts } from './decisions';
import type { PackOperation, PackRecord } from './pack-view';
import type {
  NewOperation,
  PackTransaction,
  VerificationEntry,
  VerificationStore,
} from './verification-store';

const FIND_PACK = `
SELECT s.key, s.gtin, s.serial, s.lot, s.expiry::text AS expiry, s.commissioned, s.status, s.status_event_hash,
       s.status_changed_at, s.recall_id, s.owner,
       o.id AS op_id, o.operation, o.status AS op_status, o.previous_status, o.party AS op_party, o.location AS op_location,
       o.performed_at, o.event_hash AS op_event_hash, o.undone_at,
       sp.reason AS suspect_reason, sp.parties AS suspect_parties,
       x.original_expiry::text AS original_expiry, x.extended_expiry::text AS extended_expiry
FROM (SELECT $1::text AS key) k
LEFT JOIN serials s ON s.key = k.key
LEFT JOIN LATERAL (
  SELECT * FROM pack_operations po WHERE po.key = k.key ORDER BY po.performed_at DESC, po.id DESC LIMIT 1
) o ON true
LEFT JOIN suspect_packs sp ON sp.key = k.key
LEFT JOIN expiry_extensions x ON x.gtin = s.gtin AND x.lot = s.lot`;

interface PackRow {
  key: string | null;
  gtin: string | null;
  serial: string | null;
  lot: string | null;
  expiry: string | null;
  commissioned: boolean | null;
  status: PackStatus | null;
  status_event_hash: string | null;
  status_changed_at: Date | null;
  recall_id: string | null;
  owner: string | null;
  op_id: string | null;
  operation: PackOperation | null;
  op_status: PackStatus | null;
  previous_status: PackStatus | null;
  op_party: string | null;
  op_location: string | null;
  performed_at: Date | null;
  op_event_hash: string | null;
  undone_at: Date | null;
  suspect_reason: string | null;
  suspect_parties: string[] | null;
  original_expiry: string | null;
  extended_expiry: string | null;
}

function recordOf(row: PackRow): PackRecord {
  const record: PackRecord = {};
  if (row.key !== null) {
    record.registry = {
      key: row.key,
      gtin: row.gtin!,
      serial: row.serial!,
      lot: row.lot ?? undefined,
      expiry: row.expiry ?? undefined,
      commissioned: row.commissioned!,
      status: row.status!,
      statusEventHash: row.status_event_hash!,
      statusChangedAt: row.status_changed_at!,
      recallId: row.recall_id ?? undefined,
      owner: row.owner ?? undefined,
    };
  }
  if (row.op_id !== null) {
    record.lastOperation = {
      id: row.op_id,
      operation: row.operation!,
      status: row.op_status!,
      previousStatus: row.previous_status!,
      party: row.op_party!,
      location: row.op_location!,
      performedAt: row.performed_at!,
      eventHash: row.op_event_hash!,
      undone: row.undone_at !== null,
      ...(row.undone_at !== null ? { undoneAt: row.undone_at } : {}),
    };
  }
  if (row.suspect_reason !== null)
    record.suspect = { reason: row.suspect_reason, parties: row.suspect_parties ?? [] };
  if (row.original_expiry !== null)
    record.expiryExtension = { originalExpiry: row.original_expiry, extendedExpiry: row.extended_expiry! };
  return record;
}

async function findPack(db: Pool | PoolClient, key: string): Promise<PackRecord> {
  const { rows } = await db.query<PackRow>({
    name: 'verification-find-pack',
    text: FIND_PACK,
    values: [key],
  });
  return recordOf(rows[0]!);
}

const ENTRY_COLUMNS = `id, kind, key, gtin, serial, lot, expiry, party, subject, roles, location, requester_gln, context, corr_uuid,
  purpose, verified, return_code, alert, answer, at`;

function entryRow(entry: VerificationEntry) {
  return {
    id: entry.id,
    kind: entry.kind,
    key: entry.key ?? null,
    gtin: entry.gtin ?? null,
    serial: entry.serial ?? null,
    lot: entry.lot ?? null,
    expiry: entry.expiry ?? null,
    party: entry.party,
    subject: entry.subject,
    roles: entry.roles,
    location: entry.location ?? null,
    requester_gln: entry.requesterGln ?? null,
    context: entry.context ?? null,
    corr_uuid: entry.corrUuid ?? null,
    purpose: entry.purpose ?? null,
    verified: entry.verified ?? null,
    return_code: entry.returnCode ?? null,
    alert: entry.alert,
    answer: entry.answer,
    at: entry.at.toISOString(),
  };
}

const INSERT_ENTRIES = `
INSERT INTO verifications (${ENTRY_COLUMNS})
SELECT ${ENTRY_COLUMNS} FROM jsonb_to_recordset($1::jsonb) AS x(
  id text, kind text, key text, gtin text, serial text, lot text, expiry text, party text, subject text, roles text[],
  location text, requester_gln text, context text, corr_uuid text, purpose text, verified boolean, return_code text,
  alert boolean, answer jsonb, at timestamptz)
ON CONFLICT (id) DO NOTHING`;

/**
 * The lock on one pack, taken by every process of the service before it reads and changes the pack, and held until
 * its transaction ends. Advisory locks in their two-key form, under a class of their own: they never meet the
 * projector's one-key locks on the same items (ADR 0006).
 */
const PACK_LOCK_CLASS = 0x50414b; // "PAK"
const LOCK_PACK = `SELECT pg_advisory_xact_lock(${PACK_LOCK_CLASS}, hashtext($1)), clock_timestamp() AS now`;

/**
 * Runs the work on one key of this process one after another. Not what keeps operations apart (the database lock
 * does, across processes): it keeps requests of this process that would only wait for that lock from each holding a
 * pooled connection while they wait, which starved the pool under a burst on a few packs.
 */
class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(work, work);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}

/** Reads and writes of one pack in the transaction that holds its lock. */
class PgPackTransaction implements PackTransaction {
  queued = 0;

  constructor(private readonly client: PoolClient) {}

  findPack(key: string): Promise<PackRecord> {
    return findPack(this.client, key);
  }

  async catalogue(gtin: string, lot: string | undefined): Promise<CatalogueFacts> {
    const { rows } = await this.client.query<{ product: boolean; batch: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM serials WHERE gtin = $1 AND commissioned) AS product,
              EXISTS (SELECT 1 FROM serials WHERE gtin = $1 AND lot = $2) AS batch`,
      [gtin, lot ?? null],
    );
    return { productKnown: rows[0]!.product, batchKnown: rows[0]!.batch };
  }

  async dispensingParties(key: string): Promise<string[]> {
    const { rows } = await this.client.query<{ party: string }>(
      `SELECT party FROM pack_operations WHERE key = $1 AND operation = 'supply' AND undone_at IS NULL
       UNION SELECT party FROM verifications WHERE key = $1 AND purpose = 'dispensing'`,
      [key],
    );
    return rows.map((r) => r.party);
  }

  async record(entry: VerificationEntry): Promise<void> {
    await this.client.query(INSERT_ENTRIES, [JSON.stringify([entryRow(entry)])]);
  }

  async saveOperation(op: NewOperation): Promise<void> {
    await this.client.query(
      `INSERT INTO pack_operations (id, key, gtin, serial, operation, status, previous_status, party, location, subject,
         performed_at, event_hash, event)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [
        op.id,
        op.key,
        op.gtin,
        op.serial,
        op.operation,
        op.status,
        op.previousStatus,
        op.party,
        op.location,
        op.subject,
        op.performedAt,
        op.eventHash,
        op.event,
      ],
    );
  }

  async markUndone(operationId: string, by: string, at: Date): Promise<void> {
    await this.client.query(`UPDATE pack_operations SET undone_at = $2, undone_by = $3 WHERE id = $1`, [
      operationId,
      at,
      by,
    ]);
  }

  async operationEvent(operationId: string): Promise<Record<string, unknown> | undefined> {
    const { rows } = await this.client.query<{ event: Record<string, unknown> }>(
      `SELECT event FROM pack_operations WHERE id = $1`,
      [operationId],
    );
    return rows[0]?.event;
  }

  async markSuspect(
    key: string,
    reason: string,
    parties: string[],
    verificationId: string,
    at: Date,
  ): Promise<void> {
    await this.client.query(
      `INSERT INTO suspect_packs (key, reason, parties, detected_at, verification_id) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (key) DO UPDATE SET parties = ARRAY(SELECT DISTINCT unnest(suspect_packs.parties || EXCLUDED.parties))`,
      [key, reason, parties, at, verificationId],
    );
  }

  async queueEvent(message: OutboxMessage): Promise<void> {
    await writeOutbox(this.client, [message]);
    this.queued += 1;
  }
}

/** Read-only verifications are written in batches: at most this many rows, or after this many milliseconds. */
const BATCH_ROWS = 500;
const BATCH_DELAY_MS = 20;

@Injectable()
export class PgVerificationStore implements VerificationStore, OnApplicationShutdown {
  private pending: VerificationEntry[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private readonly waiting = new KeyedQueue();

  constructor(
    @Inject(DATABASE) private readonly database: DatabaseHandle<Record<string, unknown>>,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(OutboxRelayService) private readonly outbox: Pick<OutboxRelayService, 'wake'>,
  ) {}

  private get pool() {
    return this.database.pool;
  }

  findPack(key: string): Promise<PackRecord> {
    return findPack(this.pool, key);
  }

  async forPack<T>(key: string, work: (tx: PackTransaction, now: Date) => Promise<T>): Promise<T> {
    const { transaction, result } = await this.waiting.run(key, () =>
      inTransaction(this.pool, async (client) => {
        const { rows } = await client.query<{ now: Date }>(LOCK_PACK, [key]);
        const pack = new PgPackTransaction(client);
        return { transaction: pack, result: await work(pack, rows[0]!.now) };
      }),
    );
    if (transaction.queued > 0) this.outbox.wake();
    return result;
  }

  recordLater(entry: VerificationEntry): void {
    this.pending.push(entry);
    if (this.pending.length >= BATCH_ROWS) this.flush();
    else this.flushTimer ??= setTimeout(() => this.flush(), BATCH_DELAY_MS);
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    this.flushing = this.flushing
      .then(() => this.pool.query(INSERT_ENTRIES, [JSON.stringify(batch.map(entryRow))]))
      .then(
        () => undefined,
        (err: unknown) =>
          this.logger.error({ err, rows: batch.length }, 'verification records could not be written'),
      );
  }

  async onApplicationShutdown(): Promise<void> {
    this.flush();
    await this.flushing;
  }

  async saveExpiryExtension(extension: {
    gtin: string;
    lot: string;
    originalExpiry: string;
    extendedExpiry: string;
    announcedBy: string;
    at: Date;
  }): Promise<void> {
    await this.pool.query(
      `INSERT INTO expiry_extensions (gtin, lot, original_expiry, extended_expiry, announced_by, announced_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (gtin, lot) DO UPDATE SET extended_expiry = EXCLUDED.extended_expiry, announced_by = EXCLUDED.announced_by,
         announced_at = EXCLUDED.announced_at`,
      [
        extension.gtin,
        extension.lot,
        extension.originalExpiry,
        extension.extendedExpiry,
        extension.announcedBy,
        extension.at,
      ],
    );
  }
}
