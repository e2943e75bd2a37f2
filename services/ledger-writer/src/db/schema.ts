import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });

/**
 * The entries of the Merkle log in leaf order without gaps: one leaf per entry (ADR 0016), however often the message,
 * event or declaration behind it is delivered or sent again.
 */
export const logLeaves = pgTable(
  'log_leaves',
  {
    leafIndex: bigint('leaf_index', { mode: 'number' }).primaryKey(),
    /**
     * The logged 32-byte value, hex: the SHA-256 inside the GS1 event hash, or of an error declaration's hash, or of
     * the payload's canonical JSON.
     */
    entry: text('entry').notNull(),
    /** RFC 9162 leaf hash SHA-256(0x00 || entry), hex. */
    leafHash: text('leaf_hash').notNull(),
    /** `ni:///sha-256;<entry>?ver=CBV2.0` for EPCIS events, `ni:///sha-256;<entry>` for the others. */
    eventHash: text('event_hash').notNull(),
    kind: text('kind').notNull(),
    sourceTopic: text('source_topic').notNull(),
    sourcePartition: integer('source_partition').notNull(),
    sourceOffset: bigint('source_offset', { mode: 'number' }).notNull(),
    messageId: text('message_id').notNull(),
    appendedAt: timestamp('appended_at', { withTimezone: true }).notNull().defaultNow(),
    /**
     * Only on leaves appended before one leaf per entry (migration 0002): the index of the earlier leaf with the same
     * entry. A log is append-only, so those repeats stay; every later leaf has a new entry.
     */
    repeatOf: bigint('repeat_of', { mode: 'number' }),
  },
  // One leaf per entry (ADR 0016), and the index proofs look leaves up by. A message's leaf is unique through
  // log_sources (see there), not through an index here.
  (t) => [
    uniqueIndex('log_leaves_entry_once')
      .on(t.entry)
      .where(sql`${t.repeatOf} IS NULL`),
  ],
);

/**
 * Per source partition, the offset after the last message appended: an append skips the messages below it (a
 * redelivery), so no message becomes two leaves. Read and moved under the log_state lock, with the leaves.
 */
export const logSources = pgTable(
  'log_sources',
  {
    sourceTopic: text('source_topic').notNull(),
    sourcePartition: integer('source_partition').notNull(),
    nextOffset: bigint('next_offset', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.sourceTopic, t.sourcePartition] })],
);

/**
 * The perfect subtrees of the log above the leaves, (level, index) as in libs/merkle, level ≥ 1; level 0, the leaf
 * hashes, is log_leaves.leaf_hash.
 */
export const logNodes = pgTable(
  'log_nodes',
  {
    level: smallint('level').notNull(),
    nodeIndex: bigint('node_index', { mode: 'number' }).notNull(),
    hash: bytea('hash').notNull(),
  },
  (t) => [primaryKey({ columns: [t.level, t.nodeIndex] })],
);

/** One row: the log's size and frontier; appends lock it, so leaf indexes are handed out in order. */
export const logState = pgTable(
  'log_state',
  {
    id: smallint('id').primaryKey().default(1),
    size: bigint('size', { mode: 'number' }).notNull(),
    frontier: jsonb('frontier').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check('log_state_single_row', sql`${t.id} = 1`)],
);

/** Heads cut from the log: pending until Fabric committed them, then anchored (or rejected by the chaincode). */
export const logHeads = pgTable(
  'log_heads',
  {
    treeSize: bigint('tree_size', { mode: 'number' }).primaryKey(),
    rootHash: text('root_hash').notNull(),
    previousTreeSize: bigint('previous_tree_size', { mode: 'number' }).notNull(),
    previousRootHash: text('previous_root_hash'),
    status: text('status', { enum: ['pending', 'anchored', 'rejected'] }).notNull(),
    cutAt: timestamp('cut_at', { withTimezone: true }).notNull().defaultNow(),
    transactionId: text('transaction_id'),
    blockNumber: bigint('block_number', { mode: 'number' }),
    /** The anchoring transaction's time, as the chaincode recorded it. */
    anchoredAt: timestamp('anchored_at', { withTimezone: true, precision: 3 }),
    rejection: text('rejection'),
    /** Whether the ledger.anchors.v1 notice of this head went out. */
    published: boolean('published').notNull().default(false),
  },
  (t) => [index('log_heads_status_idx').on(t.status, t.treeSize)],
);
