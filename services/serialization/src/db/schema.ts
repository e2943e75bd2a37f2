import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
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
} from 'drizzle-orm/pg-core';

/**
 * Identifiers (event hashes, EPC keys) compare byte by byte: they are ASCII, their order carries no language, and the
 * "C" collation makes every index probe a memcmp and lets a plain b-tree answer prefix (`LIKE 'prefix%'`) matches.
 */
const identifier = customType<{ data: string }>({ dataType: () => 'text COLLATE "C"' });

/** Every captured EPCIS event, once (keyed by its GS1 event hash), as EPCIS 2.0 JSON-LD plus indexed columns. */
export const events = pgTable(
  'events',
  {
    eventHash: identifier('event_hash').primaryKey(),
    eventId: text('event_id'),
    eventType: text('event_type').notNull(),
    action: text('action'),
    bizStep: text('biz_step'),
    disposition: text('disposition'),
    eventTime: timestamp('event_time', { withTimezone: true, mode: 'date' }).notNull(),
    recordTime: timestamp('record_time', { withTimezone: true, mode: 'date' }).notNull(),
    readPoint: text('read_point'),
    bizLocation: text('biz_location'),
    capturedBy: text('captured_by').notNull(),
    /**
     * The roles and GS1 company prefixes of the capturer's token, which the registry fold judges authority with
     * (docs/authorisation.md). Null for events stored before they were recorded.
     */
    capturedByRoles: text('captured_by_roles').array(),
    capturedByGcps: text('captured_by_gcps').array(),
    /** The parties that had appointed the capturer as agent when the event was recorded (ADR 0023). */
    appointedBy: text('appointed_by').array(),
    captureId: text('capture_id').notNull(),
    /** GLNs of the source and destination parties: who may see the event besides its capturer. */
    parties: text('parties').array().notNull(),
    /** bizTransaction type → ids, source type → ids, destination type → ids, for the EQ_bizTransaction_/EQ_source_/… filters. */
    bizTransactions: jsonb('biz_transactions').$type<Record<string, string[]>>().notNull(),
    sources: jsonb('sources').$type<Record<string, string[]>>().notNull(),
    destinations: jsonb('destinations').$type<Record<string, string[]>>().notNull(),
    errorDeclaredAt: timestamp('error_declared_at', { withTimezone: true, mode: 'date' }),
    document: jsonb('document').$type<Record<string, unknown>>().notNull(),
    namespaces: jsonb('namespaces').$type<Record<string, string>>().notNull(),
  },
  (t) => [
    index('events_event_time').on(t.eventTime, t.eventHash),
    // Record time order with the capturer: a party's own events in record time order are found in the index (migration
    // 0024). A capture's events share their record time and capturer, so b-tree deduplication keeps it small.
    index('events_record_time').on(t.recordTime, t.capturedBy),
    index('events_event_id').on(t.eventId),
    // EQ_bizStep, EQ_disposition, EQ_action, EQ_/WD_bizLocation: the value's events, by capturer, so that a party's
    // own events with the value are found in the index (migration 0019). Few distinct pairs: b-tree deduplication
    // keeps these small. The location's pattern operators let WD_ find a GLN's sub-locations by prefix.
    index('events_biz_step').on(t.bizStep, t.capturedBy),
    index('events_disposition').on(t.disposition, t.capturedBy),
    index('events_action').on(t.action, t.capturedBy),
    index('events_biz_location').on(t.bizLocation.op('text_pattern_ops'), t.capturedBy),
    // The lot number, sensor and read point indexes give their events in event time order; the capturer at the end
    // changes no order, but lets a party's page skip the events others captured in the index, without fetching them
    // (migrations 0021, 0024).
    // EQ_ILMD_cbvmda:lotNumber: a lot's events in event time order (event_lot_number: migration 0016). Without the
    // hash (events of a lot rarely share an event time, and the few that do are sorted): a fifth of the size, so that
    // a party scanning a lot of 100,000 events for its own reads 600 pages, not 3,000 (migration 0024).
    index('events_lot_number')
      .on(sql`event_lot_number(${t.document}, ${t.namespaces})`, t.eventTime, t.capturedBy)
      .where(sql`${t.document} ? 'ilmd'`),
    // The sensor filters (EXISTS_sensorElementList, GE_value_CEL, …): the few events with readings, in order.
    index('events_sensor')
      .on(t.eventTime, t.eventHash, t.capturedBy)
      .where(sql`${t.document} ? 'sensorElementList'`),
    index('events_read_point').on(t.readPoint.op('text_pattern_ops'), t.eventTime, t.eventHash, t.capturedBy),
    // The visibility rule of a party that is no regulator: the events it captured or is a source or destination of.
    index('events_captured_by').on(t.capturedBy, t.eventTime, t.eventHash),
    // The second part (a source or destination), over the few events with any party. The query repeats the
    // predicate, which lowers the planner's estimate of a party's events: it then reads them by this index and sorts
    // them, rather than walk every event in time order on the bet that they are spread evenly.
    index('events_parties')
      .using('gin', t.parties)
      .where(sql`${t.parties} <> '{}'`),
    // EQ_bizTransaction_…, EQ_source_…, EQ_destination_… by containment, over the few events that have any.
    index('events_biz_transactions')
      .using('gin', t.bizTransactions.op('jsonb_path_ops'))
      .where(sql`${t.bizTransactions} <> '{}'`),
    index('events_sources')
      .using('gin', t.sources.op('jsonb_path_ops'))
      .where(sql`${t.sources} <> '{}'`),
    index('events_destinations')
      .using('gin', t.destinations.op('jsonb_path_ops'))
      .where(sql`${t.destinations} <> '{}'`),
  ],
);

/**
 * The second part of a party's visibility rule in page order: a row per event and each of its source or destination
 * parties (`events.parties`) other than its capturer, written by a trigger on `events` (migrations 0020, 0021). A party's
 * page reads these in event or record time order and stops at the page's end, where the GIN index on `parties` gives
 * them all unordered (ADR 0015). The rows repeat the event's columns that the common filters test (and whether it has
 * ILMD or sensor elements), and both indexes carry them (INCLUDE, added by hand to migration 0021: drizzle-kit cannot
 * declare it), so a page finds a party's events that pass such a filter in the index alone.
 */
export const eventParties = pgTable(
  'event_parties',
  {
    party: text('party').notNull(),
    eventTime: timestamp('event_time', { withTimezone: true, mode: 'date' }).notNull(),
    recordTime: timestamp('record_time', { withTimezone: true, mode: 'date' }).notNull(),
    eventHash: identifier('event_hash').notNull(),
    eventType: text('event_type').notNull(),
    action: text('action'),
    bizStep: text('biz_step'),
    disposition: text('disposition'),
    readPoint: text('read_point'),
    bizLocation: text('biz_location'),
    hasIlmd: boolean('has_ilmd').notNull(),
    hasSensorElements: boolean('has_sensor_elements').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.party, t.eventTime, t.eventHash] }),
    index('event_parties_record_time').on(t.party, t.recordTime, t.eventHash),
    // The few rows of events with ILMD or sensor elements, which a lot number or sensor filter walks (migration 0023).
    index('event_parties_with_ilmd')
      .on(t.party, t.eventTime, t.eventHash)
      .where(sql`${t.hasIlmd}`),
    index('event_parties_with_sensor_elements')
      .on(t.party, t.eventTime, t.eventHash)
      .where(sql`${t.hasSensorElements}`),
  ],
);

/**
 * The sources and destinations of events, a row per event and entry of its `sources` or `destinations` (`side`, the
 * entry's type and id), in event and record time order: an `EQ_source_…` or `EQ_destination_…` filter of one id walks
 * its events in page order and stops at the page's end, where the GIN index on the column gives them all unordered
 * (ADR 0015). The rows carry the event's capturer and parties (INCLUDE, added by hand to migration 0022), so that the
 * walk keeps to the events a party may see in the index. Written by the trigger that writes `event_parties`.
 */
export const eventEndpoints = pgTable(
  'event_endpoints',
  {
    side: text('side').$type<'source' | 'destination'>().notNull(),
    type: text('type').notNull(),
    id: text('id').notNull(),
    eventTime: timestamp('event_time', { withTimezone: true, mode: 'date' }).notNull(),
    recordTime: timestamp('record_time', { withTimezone: true, mode: 'date' }).notNull(),
    eventHash: identifier('event_hash').notNull(),
    capturedBy: text('captured_by').notNull(),
    parties: text('parties').array().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.side, t.type, t.id, t.eventTime, t.eventHash] }),
    index('event_endpoints_record_time').on(t.side, t.type, t.id, t.recordTime, t.eventHash),
  ],
);

/**
 * Which identifiers (canonical key) each event names, and in which role. Written only by the projector, in the
 * transaction that stores the event, so no foreign key checks it row by row.
 */
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
    // The links that make aggregation families, both ways (an item's aggregation events, an event's members): few
    // rows, probed for every item the projector touches. Other events are never looked up by hash in this table.
    index('event_epcs_aggregation')
      .on(t.key, t.eventHash)
      .where(sql`event_type = 'AggregationEvent' AND role IN ('parent', 'child')`),
    index('event_epcs_aggregation_members')
      .on(t.eventHash)
      .where(sql`event_type = 'AggregationEvent' AND role IN ('parent', 'child')`),
  ],
);

/** The serial registry: the current state of every serialised item and container. */
export const serials = pgTable(
  'serials',
  {
    key: identifier('key').primaryKey(),
    epc: text('epc').notNull(),
    kind: text('kind').notNull(),
    gtin: text('gtin'),
    serial: text('serial'),
    lot: text('lot'),
    expiry: date('expiry', { mode: 'string' }),
    commissioned: boolean('commissioned').notNull(),
    status: text('status').notNull(),
    statusEventHash: text('status_event_hash').notNull(),
    statusChangedAt: timestamp('status_changed_at', { withTimezone: true, mode: 'date' }).notNull(),
    parentKey: identifier('parent_key'),
    owner: text('owner'),
    location: text('location'),
    lastEventHash: text('last_event_hash').notNull(),
    lastEventTime: timestamp('last_event_time', { withTimezone: true, mode: 'date' }).notNull(),
    /** The active recall covering this item, if any (from recall.notices.v1). */
    recallId: text('recall_id'),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' })
      .notNull()
      .default(sql`now()`),
  },
  (t) => [index('serials_gtin_lot').on(t.gtin, t.lot), index('serials_parent').on(t.parentKey)],
);

/** Recall notices as received; the newest notice of a recall decides whether it is active. */
export const recallNotices = pgTable(
  'recall_notices',
  {
    noticeId: text('notice_id').primaryKey(),
    recallId: text('recall_id').notNull(),
    action: text('action').notNull(),
    gtin: text('gtin').notNull(),
    lots: text('lots').array().notNull(),
    serials: text('serials').array().notNull(),
    classification: text('classification').notNull(),
    reason: text('reason').notNull(),
    effectiveAt: timestamp('effective_at', { withTimezone: true, mode: 'date' }).notNull(),
    issuedBy: text('issued_by').notNull(),
    kafkaOffset: bigint('kafka_offset', { mode: 'number' }).notNull(),
  },
  (t) => [
    index('recall_notices_recall').on(t.recallId, t.effectiveAt),
    index('recall_notices_gtin').on(t.gtin),
  ],
);

/** EPCIS capture jobs (EPCIS 2.0 REST binding: GET /capture/{captureID}). */
export const captureJobs = pgTable(
  'capture_jobs',
  {
    captureId: text('capture_id').primaryKey(),
    capturedBy: text('captured_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
    running: boolean('running').notNull(),
    success: boolean('success').notNull(),
    captureErrorBehaviour: text('capture_error_behaviour').notNull(),
    eventCount: integer('event_count').notNull(),
    errors: jsonb('errors').$type<Array<{ type: string; title: string; detail?: string }>>().notNull(),
    /** Data-quality warnings of validation (docs/epcis-validation-rules.md); they did not stop the capture. */
    warnings: jsonb('warnings').$type<Array<{ pointer: string; message: string }>>().notNull().default([]),
  },
  (t) => [index('capture_jobs_captured_by').on(t.capturedBy, t.createdAt, t.captureId)],
);

/**
 * EU FMD-style pack operations (supply, destroy, export, …) as performed: the state they set is answered at once,
 * before the projector has folded the EPCIS event they were captured as. An undo marks the row and re-captures the
 * event with an error declaration.
 */
export const packOperations = pgTable(
  'pack_operations',
  {
    id: text('id').primaryKey(),
    key: text('key').notNull(),
    gtin: text('gtin').notNull(),
    serial: text('serial').notNull(),
    operation: text('operation').notNull(),
    status: text('status').notNull(),
    previousStatus: text('previous_status').notNull(),
    party: text('party').notNull(),
    location: text('location').notNull(),
    subject: text('subject').notNull(),
    performedAt: timestamp('performed_at', { withTimezone: true, mode: 'date' }).notNull(),
    eventHash: text('event_hash').notNull(),
    /** The EPCIS event the operation was captured as (re-captured with an errorDeclaration on undo). */
    event: jsonb('event').$type<Record<string, unknown>>().notNull(),
    undoneAt: timestamp('undone_at', { withTimezone: true, mode: 'date' }),
    undoneBy: text('undone_by'),
  },
  (t) => [index('pack_operations_key').on(t.key, t.performedAt)],
);

/** Every verification and state change: who asked, where, when, and what was answered. */
export const verifications = pgTable(
  'verifications',
  {
    id: text('id').primaryKey(),
    /** vrs, vrs-connectivity, pack-verify, pack-operation, pack-undo, scan */
    kind: text('kind').notNull(),
    key: text('key'),
    gtin: text('gtin'),
    serial: text('serial'),
    lot: text('lot'),
    expiry: text('expiry'),
    party: text('party').notNull(),
    subject: text('subject').notNull(),
    roles: text('roles').array().notNull(),
    location: text('location'),
    requesterGln: text('requester_gln'),
    context: text('context'),
    corrUuid: text('corr_uuid'),
    /** `dispensing` when a dispenser verified before supplying (a clone signal when seen at two parties). */
    purpose: text('purpose'),
    verified: boolean('verified'),
    returnCode: text('return_code'),
    alert: boolean('alert').notNull().default(false),
    answer: jsonb('answer').$type<Record<string, unknown>>().notNull(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('verifications_key').on(t.key, t.at), index('verifications_at').on(t.at)],
);

/** Packs that verification found suspect (the same serial supplied or verified for dispensing at two parties). */
export const suspectPacks = pgTable('suspect_packs', {
  key: text('key').primaryKey(),
  reason: text('reason').notNull(),
  parties: text('parties').array().notNull(),
  detectedAt: timestamp('detected_at', { withTimezone: true, mode: 'date' }).notNull(),
  verificationId: text('verification_id').notNull(),
});

/** Expiry dates extended (e.g. by the FDA) for a lot: the original date still verifies, with `ExpirationExtended`. */
export const expiryExtensions = pgTable(
  'expiry_extensions',
  {
    gtin: text('gtin').notNull(),
    lot: text('lot').notNull(),
    originalExpiry: date('original_expiry', { mode: 'string' }).notNull(),
    extendedExpiry: date('extended_expiry', { mode: 'string' }).notNull(),
    announcedBy: text('announced_by').notNull(),
    announcedAt: timestamp('announced_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.gtin, t.lot] })],
);

/**
 * Messages written in the transaction of the change they announce (the transactional outbox), waiting for the relay to
 * publish them to Kafka; a row is deleted once its message is acknowledged. Today: the EPCIS events pack operations
 * and undos are captured as.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    topic: text('topic').notNull(),
    /** Kafka message key; a key's rows are published in `id` order. */
    key: text('key').notNull(),
    envelope: jsonb('envelope').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('outbox_key').on(t.key, t.id)],
);

/**
 * Every eventID capture has accepted, with the GS1 event hash of the event it names (ADR 0020): an event under a
 * stored eventID — another one or the same again — is refused (409); error declarations are not recorded here. Written before the events are published,
 * so that two replicas capturing one eventID at once cannot both succeed.
 */
export const capturedEventIds = pgTable('captured_event_ids', {
  eventId: identifier('event_id').primaryKey(),
  eventHash: identifier('event_hash').notNull(),
  captureId: text('capture_id').notNull(),
});

/**
 * EPCIS named queries (POST /queries): a SimpleEventQuery's parameters under a name, owned by the creating party (each
 * party has its own names: one party's queries are invisible to the others).
 */
export const namedQueries = pgTable(
  'named_queries',
  {
    owner: text('owner').notNull(),
    name: text('name').notNull(),
    /** The query as created: parameter name → values (the query schema's JSON form). */
    query: jsonb('query').$type<Record<string, unknown>>().notNull(),
    /** The same parameters as URL search parameters (what the event query parser reads). */
    params: text('params').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.owner, t.name] })],
);

/**
 * Subscriptions to a named query: a webhook (`dest`) or a WebSocket held by one process (`socket_owner`). Events
 * reach them through their feed (`subscription_feed_entries`), filled from Kafka; `cursor` is the feed position
 * acknowledged, moved only after the receiver answered 2xx (ADR 0020).
 */
export const subscriptions = pgTable(
  'subscriptions',
  {
    id: text('id').primaryKey(),
    queryName: text('query_name').notNull(),
    /** The subscriber: what it may see is what is delivered. */
    party: text('party').notNull(),
    roles: text('roles').array().notNull(),
    dest: text('dest'),
    /** Process holding a WebSocket subscription (its deliveries go nowhere else); null for webhooks. */
    socketOwner: text('socket_owner'),
    signatureToken: text('signature_token'),
    stream: boolean('stream').notNull(),
    schedule: jsonb('schedule').$type<Record<string, string>>(),
    reportIfEmpty: boolean('report_if_empty').notNull().default(false),
    initialRecordTime: timestamp('initial_record_time', { withTimezone: true, mode: 'date' }),
    epcFormat: text('epc_format').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /** The feed the subscription reads (shared by the subscriptions of one query and one view). */
    feedId: bigint('feed_id', { mode: 'number' }).notNull(),
    cursor: bigint('cursor', { mode: 'number' }).notNull().default(0),
    /** Events per delivery; halved after a 413, down to one. */
    batchSize: integer('batch_size').notNull(),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /** The scheduled run due next (scheduled subscriptions). */
    nextRunAt: timestamp('next_run_at', { withTimezone: true, mode: 'date' }),
    leaseOwner: text('lease_owner'),
    leaseUntil: timestamp('lease_until', { withTimezone: true, mode: 'date' }),
    /**
     * The feed of a subscription starting in the past is still being filled from the event store (under the lease):
     * nothing is delivered until it is done.
     */
    backfillPending: boolean('backfill_pending').notNull().default(false),
    failedAttempts: integer('failed_attempts').notNull().default(0),
    lastNotifiedAt: timestamp('last_notified_at', { withTimezone: true, mode: 'date' }),
    lastError: text('last_error'),
    lastErrorAt: timestamp('last_error_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    index('subscriptions_query').on(t.party, t.queryName),
    index('subscriptions_due').on(t.nextAttemptAt),
    index('subscriptions_feed').on(t.feedId, t.cursor),
  ],
);

/**
 * The ordered logs subscriptions read: one per query parameters and view (the subscriber's party, or every party),
 * or one of a single subscription (backfilled from an initialRecordTime in the past). `head` is the last position
 * given: appending takes it under the row's lock, so positions commit in order and a cursor skips nothing.
 */
export const subscriptionFeeds = pgTable('subscription_feeds', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  key: text('key').notNull().unique('subscription_feeds_key'),
  head: bigint('head', { mode: 'number' }).notNull().default(0),
});

/** The events subscriptions wait for, once each however many feeds hold them (rows no feed holds are removed). */
export const subscriptionEvents = pgTable('subscription_events', {
  /** Declaration hash for an error declaration (each is delivered once), else the event hash. */
  entryKey: identifier('entry_key').primaryKey(),
  eventHash: identifier('event_hash').notNull(),
  /** The event as delivered (JSON-LD) with the namespaces and capturer prefixes needed to render it. */
  event: jsonb('event').$type<Record<string, unknown>>().notNull(),
  namespaces: jsonb('namespaces').$type<Record<string, string>>().notNull(),
  capturerGcps: text('capturer_gcps').array().notNull(),
});

/**
 * A feed's events in order (an entry once per feed, however often Kafka brings it); removed once every subscription
 * of the feed has acknowledged it.
 */
export const subscriptionFeedEntries = pgTable(
  'subscription_feed_entries',
  {
    feedId: bigint('feed_id', { mode: 'number' }).notNull(),
    position: bigint('position', { mode: 'number' }).notNull(),
    entryKey: identifier('entry_key')
      .notNull()
      .references(() => subscriptionEvents.entryKey),
    /** The event's record time: a subscription receives only those from its start on. */
    recordTime: timestamp('record_time', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.feedId, t.position] }),
    uniqueIndex('subscription_feed_entries_entry').on(t.feedId, t.entryKey),
    index('subscription_feed_entries_event').on(t.entryKey),
  ],
);

/** Deliveries that failed (status or error), for GET …/subscriptions/{id}: the newest are kept. */
export const subscriptionFailures = pgTable(
  'subscription_failures',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    subscriptionId: text('subscription_id').notNull(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    status: integer('status'),
    error: text('error').notNull(),
    events: integer('events').notNull(),
  },
  (t) => [index('subscription_failures_subscription').on(t.subscriptionId, t.id)],
);

/**
 * Agents a party appoints to capture for it (a logistics provider shipping and receiving its goods,
 * docs/authorisation.md). Capture gives each event the principals whose appointment of its capturer is in force
 * (`events.appointed_by`, and the message); rows are never deleted, ending sets `revoked_at`.
 */
export const agentAppointments = pgTable(
  'agent_appointments',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    principal: text('principal').notNull(),
    agent: text('agent').notNull(),
    appointedAt: timestamp('appointed_at', { withTimezone: true, mode: 'date' }).notNull(),
    appointedBy: text('appointed_by').notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
    revokedBy: text('revoked_by'),
  },
  (t) => [
    uniqueIndex('agent_appointments_in_force')
      .on(t.principal, t.agent)
      .where(sql`revoked_at IS NULL`),
    index('agent_appointments_by_agent').on(t.agent),
  ],
);
