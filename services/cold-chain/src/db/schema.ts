import {
  bigint,
  boolean,
  customType,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

/** Identifiers (EPC keys, logger ids, GTINs) compare byte by byte ("C" collation), as in the serialization service. */
const identifier = customType<{ data: string }>({ dataType: () => 'text COLLATE "C"' });
const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Storage profile of a product (GTIN), temperatures in its `uom` (docs/cold-chain.md). */
export const profiles = pgTable('profiles', {
  gtin: identifier('gtin').primaryKey(),
  storage: text('storage').notNull(),
  uom: text('uom').notNull(),
  rangeMin: doublePrecision('range_min').notNull(),
  rangeMax: doublePrecision('range_max').notNull(),
  excursionBudgetMinutes: integer('excursion_budget_minutes').notNull(),
  absoluteMin: doublePrecision('absolute_min'),
  absoluteMax: doublePrecision('absolute_max'),
  mktMax: doublePrecision('mkt_max'),
  mktWindowHours: doublePrecision('mkt_window_hours').notNull(),
  activationEnergy: doublePrecision('activation_energy').notNull(),
  freezeLimit: doublePrecision('freeze_limit'),
  updatedBy: text('updated_by').notNull(),
  updatedAt: at('updated_at').notNull().defaultNow(),
});

/** Which party a logger's readings come from: the first to send them owns the logger id. */
export const loggers = pgTable('loggers', {
  loggerId: identifier('logger_id').primaryKey(),
  owner: text('owner').notNull(),
  createdAt: at('created_at').notNull().defaultNow(),
});

/**
 * Temperature readings in °C, one per logger and instant (a repeated reading is a duplicate). Partitioned by month of
 * `time` in migration 0002 (drizzle-kit does not declare partitioning); the service creates a month's partition before
 * writing into it, and retention drops whole partitions (docs/cold-chain.md).
 */
export const readings = pgTable(
  'readings',
  {
    loggerId: identifier('logger_id').notNull(),
    time: at('time').notNull(),
    celsius: doublePrecision('celsius').notNull(),
    /** A summary reading's extremes (EPCIS minValue/maxValue over a span). */
    minCelsius: doublePrecision('min_celsius'),
    maxCelsius: doublePrecision('max_celsius'),
    /** The unit the reading came in. */
    uom: text('uom').notNull(),
  },
  (t) => [primaryKey({ columns: [t.loggerId, t.time] })],
);

/**
 * One logger's readings of one UTC hour, summarised (libs/temperature `summariseHour`): the hour's readings but its
 * last as a block (count, extremes, time-weighted sums of °C and of the Arrhenius term at USP's ΔH, the spacings
 * between them), and the last reading itself, whose time counts until the next reading. Rewritten from the hour's
 * readings in the transaction that stores readings of it, so duplicates and late readings give what in-order ones
 * would. Answers over whole hours read these instead of the readings (ADR 0018).
 */
export const readingHours = pgTable(
  'reading_hours',
  {
    loggerId: identifier('logger_id').notNull(),
    hour: at('hour').notNull(),
    count: integer('count').notNull(),
    firstTime: at('first_time').notNull(),
    lastTime: at('last_time').notNull(),
    lastCelsius: doublePrecision('last_celsius').notNull(),
    lastMinCelsius: doublePrecision('last_min_celsius'),
    lastMaxCelsius: doublePrecision('last_max_celsius'),
    /** Over the readings before the last (null when the hour has one reading). */
    blockLow: doublePrecision('block_low'),
    blockHigh: doublePrecision('block_high'),
    blockPeak: doublePrecision('block_peak'),
    blockCelsiusMs: doublePrecision('block_celsius_ms'),
    blockArrheniusMs: doublePrecision('block_arrhenius_ms'),
    /** Distinct spacings between the hour's readings (ms, ascending) and how often each occurs. */
    spacings: bigint('spacings', { mode: 'number' }).array().notNull(),
    spacingCounts: integer('spacing_counts').array().notNull(),
  },
  (t) => [primaryKey({ columns: [t.loggerId, t.hour] })],
);

/** A logger travelling with a subject (logistic unit): see domain/associations.ts. */
export const associations = pgTable(
  'associations',
  {
    loggerId: identifier('logger_id').notNull(),
    subjectKey: identifier('subject_key').notNull(),
    action: text('action').notNull(),
    fromTime: at('from_time').notNull(),
    toTime: at('to_time'),
    recordTime: at('record_time').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.loggerId, t.subjectKey, t.action, t.fromTime] }),
    index('associations_subject').on(t.subjectKey),
  ],
);

/** Packing and unpacking, one row per child (child '' : an unpacking naming no children). */
export const aggregations = pgTable(
  'aggregations',
  {
    eventHash: text('event_hash').notNull(),
    parentKey: identifier('parent_key').notNull(),
    childKey: identifier('child_key').notNull(),
    action: text('action').notNull(),
    eventTime: at('event_time').notNull(),
    recordTime: at('record_time').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.eventHash, t.parentKey, t.childKey] }),
    index('aggregations_child').on(t.childKey),
    index('aggregations_parent').on(t.parentKey),
  ],
);

/** Serialised packs as commissioned: GTIN, serial, lot. */
export const items = pgTable(
  'items',
  {
    key: identifier('key').primaryKey(),
    gtin: identifier('gtin').notNull(),
    serial: text('serial').notNull(),
    lot: text('lot'),
  },
  (t) => [index('items_gtin').on(t.gtin)],
);

/** The parties an object is visible to: those who captured events about it or were named in them, or sent its readings. */
export const parties = pgTable(
  'parties',
  {
    key: identifier('key').notNull(),
    party: text('party').notNull(),
  },
  (t) => [primaryKey({ columns: [t.key, t.party] })],
);

/** Subjects whose excursions must be evaluated again (new readings, associations or packing). */
export const dirtySubjects = pgTable('dirty_subjects', {
  subjectKey: identifier('subject_key').primaryKey(),
  markedAt: at('marked_at').notNull().defaultNow(),
});

/** Excursions per subject and GTIN, identified by their start. */
export const excursions = pgTable(
  'excursions',
  {
    id: text('id').primaryKey(),
    subjectKey: identifier('subject_key').notNull(),
    gtin: identifier('gtin').notNull(),
    startedAt: at('started_at').notNull(),
    endedAt: at('ended_at').notNull(),
    ongoing: boolean('ongoing').notNull(),
    severity: text('severity').notNull(),
    minutesOutOfRange: doublePrecision('minutes_out_of_range').notNull(),
    budgetConsumedMinutes: doublePrecision('budget_consumed_minutes').notNull(),
    mktCelsius: doublePrecision('mkt_celsius').notNull(),
    observedMinCelsius: doublePrecision('observed_min_celsius').notNull(),
    observedMaxCelsius: doublePrecision('observed_max_celsius').notNull(),
    packCount: integer('pack_count').notNull(),
    lots: text('lots').array().notNull(),
    /** When its packs were quarantined automatically (a critical excursion, undecided). */
    quarantinedAt: at('quarantined_at'),
    /** The manufacturer's (or an admin's) decision: release, quarantine or reject, with its reason. */
    decision: text('decision'),
    decisionReason: text('decision_reason'),
    decidedBy: text('decided_by'),
    decidedAt: at('decided_at'),
    /** The severity last published on coldchain.excursions.v1 (published again only when it rises). */
    publishedSeverity: text('published_severity').notNull(),
    detectedAt: at('detected_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('excursions_subject_gtin_start').on(t.subjectKey, t.gtin, t.startedAt),
    index('excursions_gtin').on(t.gtin, t.detectedAt),
  ],
);

/** The packs an excursion affected. */
export const excursionPacks = pgTable(
  'excursion_packs',
  {
    excursionId: text('excursion_id').notNull(),
    packKey: identifier('pack_key').notNull(),
    serial: text('serial').notNull(),
    lot: text('lot'),
  },
  (t) => [primaryKey({ columns: [t.excursionId, t.packKey] }), index('excursion_packs_pack').on(t.packKey)],
);

/** Messages written in the transaction of the change they announce, published by the outbox relay (libs/service-runtime). */
export const outbox = pgTable(
  'outbox',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    topic: text('topic').notNull(),
    key: text('key').notNull(),
    envelope: jsonb('envelope').notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [index('outbox_key').on(t.key, t.id)],
);
