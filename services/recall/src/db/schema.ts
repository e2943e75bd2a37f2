import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  customType,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/** Identifiers (event hashes, EPC keys) compare byte by byte, as in the serialization service (ADR 0008). */
const identifier = customType<{ data: string }>({ dataType: () => 'text COLLATE "C"' });

/**
 * The recall service's own copy of every EPCIS event of `epcis.events.v1` (once, by GS1 event hash): the columns the
 * trace, the exports and visibility need, and the document the registry fold replays.
 */
export const events = pgTable(
  'events',
  {
    eventHash: identifier('event_hash').primaryKey(),
    eventType: text('event_type').notNull(),
    action: text('action'),
    bizStep: text('biz_step'),
    disposition: text('disposition'),
    eventTime: timestamp('event_time', { withTimezone: true, mode: 'date' }).notNull(),
    recordTime: timestamp('record_time', { withTimezone: true, mode: 'date' }).notNull(),
    readPoint: text('read_point'),
    bizLocation: text('biz_location'),
    capturedBy: text('captured_by').notNull(),
    capturedByRoles: text('captured_by_roles').array(),
    capturedByGcps: text('captured_by_gcps').array(),
    /** The parties that had appointed the capturer as agent when capture recorded the event (ADR 0023). */
    appointedBy: text('appointed_by').array(),
    /** GLNs of the source parties and of the destination parties (who may see the event besides its capturer). */
    sourceParties: text('source_parties').array().notNull(),
    destinationParties: text('destination_parties').array().notNull(),
    bizTransactions: jsonb('biz_transactions').$type<Array<{ type?: string; id: string }>>().notNull(),
    lot: text('lot'),
    expiry: text('expiry'),
    errorDeclaredAt: timestamp('error_declared_at', { withTimezone: true, mode: 'date' }),
    document: jsonb('document').$type<Record<string, unknown>>().notNull(),
  },
  (t) => [index('events_event_time').on(t.eventTime)],
);

/** Which identifiers (canonical key) each event names, in which role: the edges of the trace graph. */
export const eventEpcs = pgTable(
  'event_epcs',
  {
    key: identifier('key').notNull(),
    eventHash: identifier('event_hash').notNull(),
    role: text('role').notNull(),
    eventType: text('event_type').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.key, t.eventHash, t.role] }),
    index('event_epcs_event').on(t.eventHash),
    index('event_epcs_aggregation')
      .on(t.key, t.eventHash)
      .where(sql`event_type = 'AggregationEvent' AND role IN ('parent', 'child')`),
  ],
);

/** Where every serialised item and container is now: the libs/registry fold of its aggregation family's events. */
export const holdings = pgTable(
  'holdings',
  {
    key: identifier('key').primaryKey(),
    epc: text('epc').notNull(),
    kind: text('kind').notNull(),
    gtin: text('gtin'),
    serial: text('serial'),
    lot: text('lot'),
    expiry: date('expiry', { mode: 'string' }),
    status: text('status').notNull(),
    parentKey: identifier('parent_key'),
    owner: text('owner'),
    commissionedBy: text('commissioned_by'),
    location: text('location'),
    lastEventHash: text('last_event_hash').notNull(),
    lastEventTime: timestamp('last_event_time', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [
    index('holdings_gtin_lot').on(t.gtin, t.lot, t.key),
    // The lot distribution counts packs by holder and status: read from this index alone (ADR 0019, benchmark).
    index('holdings_lot_counts')
      .on(t.gtin, t.lot, t.owner, t.status)
      .where(sql`kind = 'item'`),
    index('holdings_parent').on(t.parentKey),
    index('holdings_owner').on(t.owner),
  ],
);

/** Each object's holders in the order they took it (libs/registry custody trail): consignees and DSCSA history. */
export const custodyChanges = pgTable(
  'custody_changes',
  {
    key: identifier('key').notNull(),
    seq: integer('seq').notNull(),
    party: text('party').notNull(),
    eventHash: text('event_hash').notNull(),
    eventTime: timestamp('event_time', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.key, t.seq] }), index('custody_changes_party').on(t.party)],
);

/** Recalls: candidate → draft → issued → closed, or withdrawn / dismissed. */
export const recalls = pgTable(
  'recalls',
  {
    id: uuid('id').primaryKey(),
    status: text('status').notNull(),
    gtin: text('gtin').notNull(),
    lots: text('lots').array().notNull(),
    serials: text('serials').array().notNull(),
    classification: text('classification').notNull(),
    depth: text('depth').notNull(),
    reason: text('reason').notNull(),
    effectivenessCheckLevel: text('effectiveness_check_level').notNull(),
    /** The token subject and party that created it (`excursion:<id>` for a candidate opened by an excursion). */
    createdBySub: text('created_by_sub').notNull(),
    createdByParty: text('created_by_party').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    excursionId: text('excursion_id'),
    /** Every transition: `{status, sub, party, at}`. */
    history: jsonb('history')
      .$type<Array<{ status: string; sub: string; party: string; at: string }>>()
      .notNull(),
    issuedAt: timestamp('issued_at', { withTimezone: true, mode: 'date' }),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [uniqueIndex('recalls_excursion').on(t.excursionId), index('recalls_gtin').on(t.gtin)],
);

/** Consignees' responses to a recall (acknowledged, units on hand, returned, destroyed, sub-recall done). */
export const recallResponses = pgTable(
  'recall_responses',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    recallId: uuid('recall_id').notNull(),
    party: text('party').notNull(),
    sub: text('sub').notNull(),
    acknowledged: boolean('acknowledged').notNull(),
    unitsOnHand: integer('units_on_hand'),
    unitsReturned: integer('units_returned'),
    unitsDestroyed: integer('units_destroyed'),
    subRecallDone: boolean('sub_recall_done').notNull(),
    note: text('note'),
    respondedAt: timestamp('responded_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('recall_responses_recall').on(t.recallId, t.party, t.id)],
);

/** Excursions received from the cold-chain service (`coldchain.excursions.v1`), once each. */
export const excursions = pgTable('excursions', {
  excursionId: text('excursion_id').primaryKey(),
  severity: text('severity').notNull(),
  payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
  receivedAt: timestamp('received_at', { withTimezone: true, mode: 'date' }).notNull(),
});

/**
 * Messages written in the transaction of the change they announce (the transactional outbox, libs/service-runtime),
 * waiting for a relay to publish them.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    topic: text('topic').notNull(),
    key: text('key').notNull(),
    envelope: jsonb('envelope').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' })
      .notNull()
      .default(sql`now()`),
  },
  (t) => [index('outbox_key').on(t.key, t.id)],
);
