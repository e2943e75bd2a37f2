import { Frontier, MerkleError, type NodeId, type NodeRecord, type NodeSource } from '@pedigree/merkle';
import type { Pool, PoolClient } from 'pg';
import { inTransaction } from '@pedigree/database';
import type { Unheaded } from './head-policy';
import type { Backlog } from '../metrics/ledger-metrics';
import type { LeafKind } from '@pedigree/contracts';
import type { LeafEntry } from './leaf';
import { admitNewLeaves } from './source-high-water';
import type { AnchorReceipt, AnchoredHead, Head, HeadStore } from './ports';

/** A leaf to append, with the Kafka message it came from. */
export interface SourcedLeaf extends LeafEntry {
  sourceTopic: string;
  sourcePartition: number;
  sourceOffset: string;
  messageId: string;
}

export interface StoredLeaf {
  leafIndex: number;
  entry: string;
  leafHash: string;
  eventHash: string;
  kind: LeafKind;
}

interface HeadRow {
  tree_size: string;
  root_hash: string;
  previous_tree_size: string;
  previous_root_hash: string | null;
  transaction_id: string | null;
  block_number: string | null;
  anchored_at: Date | null;
  rejection: string | null;
}

const HEAD_COLUMNS =
  'tree_size, root_hash, previous_tree_size, previous_root_hash, transaction_id, block_number, anchored_at, rejection';

/**
 * The Merkle log in PostgreSQL: leaves, the perfect-subtree nodes proofs are built from (the NodeSource), the
 * frontier, and the heads. Appends and cuts lock the single log_state row, so leaf indexes are gap-free and a head's
 * root is the root of exactly the leaves before it.
 */
export class LogRepository implements HeadStore, NodeSource {
  constructor(
    private readonly pool: Pool,
    private readonly anchorTarget: { channel: string; chaincode: string },
  ) {}

  async init(): Promise<void> {
    await this.pool.query(
      `INSERT INTO log_state (id, size, frontier) VALUES (1, 0, $1) ON CONFLICT (id) DO NOTHING`,
      [JSON.stringify(Frontier.empty().toJSON())],
    );
  }

  /**
   * Appends, in one transaction under the log_state lock, the leaves of messages not in the log yet whose entry the
   * log does not hold yet; returns the number appended and the log size after. A redelivered message is below its
   * partition's high-water offset (log_sources), which then moves past the batch; and one leaf per entry (ADR 0016):
   * an event captured again or a copy of a message appends nothing, which the unique index log_leaves_entry_once
   * enforces whatever the code does.
   */
  async append(leaves: readonly SourcedLeaf[]): Promise<{ appended: number; size: number }> {
    return this.transaction(async (client) => {
      const { frontier } = await lockState(client);
      // Read after the lock is held: in READ COMMITTED each statement sees what committed before it started, so these
      // see the high-water offsets and leaves the previous lock holder wrote.
      const { rows } = await client.query<{
        source_topic: string;
        source_partition: number;
        next_offset: string;
      }>(`SELECT source_topic, source_partition, next_offset FROM log_sources`);
      const { fresh: unseen, moved } = admitNewLeaves(
        rows.map((r) => ({
          topic: r.source_topic,
          partition: r.source_partition,
          nextOffset: r.next_offset,
        })),
        leaves,
      );
      if (unseen.length === 0) return { appended: 0, size: frontier.size };
      const logged = await client.query<{ entry: string }>(
        `SELECT entry FROM log_leaves WHERE entry = ANY($1::text[]) AND repeat_of IS NULL`,
        [unseen.map((l) => l.entry)],
      );
      const held = new Set(logged.rows.map((r) => r.entry));
      const fresh: SourcedLeaf[] = [];
      for (const leaf of unseen) {
        if (held.has(leaf.entry)) continue;
        held.add(leaf.entry);
        fresh.push(leaf);
      }

      const first = frontier.size;
      const nodes: NodeRecord[] = [];
      for (const leaf of fresh) {
        // Level 0 (the leaf hash itself) is log_leaves.leaf_hash: only the subtrees above it are stored apart.
        for (const node of frontier.append(leaf.leafHash)) if (node.level > 0) nodes.push(node);
      }
      // One statement writes the leaves, the nodes, the high-water offsets and the frontier: one round trip.
      await client.query(
        `WITH leaves AS (
           INSERT INTO log_leaves (leaf_index, entry, leaf_hash, event_hash, kind, source_topic, source_partition, source_offset, message_id)
           SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::bigint[], $9::text[])
         ), nodes AS (
           INSERT INTO log_nodes (level, node_index, hash) SELECT * FROM unnest($10::smallint[], $11::bigint[], $12::bytea[])
         ), sources AS (
           INSERT INTO log_sources (source_topic, source_partition, next_offset)
           SELECT * FROM unnest($13::text[], $14::int[], $15::bigint[])
           ON CONFLICT (source_topic, source_partition) DO UPDATE SET next_offset = excluded.next_offset
         )
         UPDATE log_state SET size = $16, frontier = $17, updated_at = now() WHERE id = 1`,
        [
          fresh.map((_, i) => first + i),
          fresh.map((l) => l.entry),
          fresh.map((l) => l.leafHash),
          fresh.map((l) => l.eventHash),
          fresh.map((l) => l.kind),
          fresh.map((l) => l.sourceTopic),
          fresh.map((l) => l.sourcePartition),
          fresh.map((l) => l.sourceOffset),
          fresh.map((l) => l.messageId),
          nodes.map((n) => n.level),
          nodes.map((n) => n.index),
          nodes.map((n) => Buffer.from(n.hash, 'hex')),
          moved.map((m) => m.topic),
          moved.map((m) => m.partition),
          moved.map((m) => m.nextOffset),
          frontier.size,
          JSON.stringify(frontier.toJSON()),
        ],
      );
      return { appended: fresh.length, size: frontier.size };
    });
  }

  /** Node hashes for proofs: level 0 from the leaves, the levels above from log_nodes. */
  async getNodeHashes(ids: readonly NodeId[]): Promise<Buffer[]> {
    const { rows } = await this.pool.query<{ hash: Buffer | null; level: number; node_index: string }>(
      `SELECT q.level, q.node_index, coalesce(n.hash, decode(l.leaf_hash, 'hex')) AS hash
         FROM unnest($1::smallint[], $2::bigint[]) WITH ORDINALITY AS q(level, node_index, ord)
         LEFT JOIN log_nodes n ON q.level > 0 AND n.level = q.level AND n.node_index = q.node_index
         LEFT JOIN log_leaves l ON q.level = 0 AND l.leaf_index = q.node_index
        ORDER BY q.ord`,
      [ids.map((id) => id.level), ids.map((id) => id.index)],
    );
    return rows.map((row) => {
      if (row.hash === null)
        throw new MerkleError('NODE_NOT_FOUND', `no node at level ${row.level}, index ${row.node_index}`);
      return row.hash;
    });
  }

  async logSize(): Promise<number> {
    const { rows } = await this.pool.query<{ size: string }>(`SELECT size FROM log_state WHERE id = 1`);
    return Number(rows[0]?.size ?? 0);
  }

  /** The leaves not yet covered by an anchored head, and how long the oldest of them has waited (database clock). */
  async backlog(): Promise<Backlog> {
    const { rows } = await this.pool.query<{ size: string; anchored: string; age: number | null }>(
      `SELECT s.size, a.anchored, extract(epoch FROM now() - l.appended_at)::float8 AS age
         FROM log_state s
         CROSS JOIN (SELECT coalesce(max(tree_size), 0) AS anchored FROM log_heads WHERE status = 'anchored') a
         LEFT JOIN log_leaves l ON l.leaf_index = a.anchored
        WHERE s.id = 1`,
    );
    const row = rows[0];
    if (!row) return { logSize: 0, unanchoredLeaves: 0, oldestUnanchoredAgeSeconds: 0 };
    return {
      logSize: Number(row.size),
      unanchoredLeaves: Number(row.size) - Number(row.anchored),
      oldestUnanchoredAgeSeconds: Math.max(0, row.age ?? 0),
    };
  }

  // HeadStore

  async pendingHead(): Promise<Head | undefined> {
    return this.oneHead(`WHERE status = 'pending' ORDER BY tree_size LIMIT 1`);
  }

  async rejectedHead(): Promise<(Head & { rejection: string }) | undefined> {
    const { rows } = await this.pool.query<HeadRow>(
      `SELECT ${HEAD_COLUMNS} FROM log_heads WHERE status = 'rejected' ORDER BY tree_size LIMIT 1`,
    );
    return rows[0] ? { ...toHead(rows[0]), rejection: rows[0].rejection ?? '' } : undefined;
  }

  async anchoredSize(): Promise<number> {
    const { rows } = await this.pool.query<{ size: string | null }>(
      `SELECT max(tree_size) AS size FROM log_heads WHERE status = 'anchored'`,
    );
    return Number(rows[0]?.size ?? 0);
  }

  async unheadedLeaves(): Promise<Unheaded> {
    const { rows } = await this.pool.query<{ size: string; headed: string; oldest: Date | null }>(
      `SELECT s.size, h.headed, l.appended_at AS oldest
         FROM log_state s
         CROSS JOIN (SELECT coalesce(max(tree_size), 0) AS headed FROM log_heads) h
         LEFT JOIN log_leaves l ON l.leaf_index = h.headed
        WHERE s.id = 1`,
    );
    const row = rows[0];
    if (!row) return { count: 0 };
    return { count: Number(row.size) - Number(row.headed), oldestAppendedAt: row.oldest ?? undefined };
  }

  async cutHead(): Promise<Head | undefined> {
    return this.transaction(async (client) => {
      const state = await lockState(client);
      const { rows } = await client.query<HeadRow>(
        `SELECT ${HEAD_COLUMNS} FROM log_heads ORDER BY tree_size DESC LIMIT 1`,
      );
      const previous = rows[0] ? toHead(rows[0]) : undefined;
      if (state.frontier.size <= (previous?.treeSize ?? 0)) return undefined;
      const head: Head = {
        treeSize: state.frontier.size,
        rootHash: state.frontier.root(),
        previousTreeSize: previous?.treeSize ?? 0,
        previousRootHash: previous?.rootHash ?? null,
      };
      await client.query(
        `INSERT INTO log_heads (tree_size, root_hash, previous_tree_size, previous_root_hash, status) VALUES ($1, $2, $3, $4, 'pending')`,
        [head.treeSize, head.rootHash, head.previousTreeSize, head.previousRootHash],
      );
      return head;
    });
  }

  async markAnchored(head: Head, receipt: AnchorReceipt): Promise<void> {
    await this.pool.query(
      `UPDATE log_heads SET status = 'anchored', transaction_id = $2, block_number = $3, anchored_at = $4 WHERE tree_size = $1`,
      [head.treeSize, receipt.transactionId, receipt.blockNumber, receipt.anchoredAt],
    );
  }

  async markRejected(head: Head, reason: string): Promise<void> {
    await this.pool.query(`UPDATE log_heads SET status = 'rejected', rejection = $2 WHERE tree_size = $1`, [
      head.treeSize,
      reason,
    ]);
  }

  async unpublishedHeads(): Promise<AnchoredHead[]> {
    const { rows } = await this.pool.query<HeadRow>(
      `SELECT ${HEAD_COLUMNS} FROM log_heads WHERE status = 'anchored' AND NOT published ORDER BY tree_size`,
    );
    return rows.map((row) => this.toAnchoredHead(row));
  }

  async markPublished(treeSize: number): Promise<void> {
    await this.pool.query(`UPDATE log_heads SET published = true WHERE tree_size = $1`, [treeSize]);
  }

  // Queries of the proofs API

  /** The leaf logging this entry (its first, for the entries logged more than once before ADR 0016). */
  async leafByEntry(entry: string): Promise<StoredLeaf | undefined> {
    const { rows } = await this.pool.query<{
      leaf_index: string;
      entry: string;
      leaf_hash: string;
      event_hash: string;
      kind: LeafKind;
    }>(
      `SELECT leaf_index, entry, leaf_hash, event_hash, kind FROM log_leaves WHERE entry = $1 AND repeat_of IS NULL`,
      [entry],
    );
    const row = rows[0];
    return row
      ? {
          leafIndex: Number(row.leaf_index),
          entry: row.entry,
          leafHash: row.leaf_hash,
          eventHash: row.event_hash,
          kind: row.kind,
        }
      : undefined;
  }

  async newestAnchoredHead(): Promise<AnchoredHead | undefined> {
    const { rows } = await this.pool.query<HeadRow>(
      `SELECT ${HEAD_COLUMNS} FROM log_heads WHERE status = 'anchored' ORDER BY tree_size DESC LIMIT 1`,
    );
    return rows[0] ? this.toAnchoredHead(rows[0]) : undefined;
  }

  async anchoredHead(treeSize: number): Promise<AnchoredHead | undefined> {
    const { rows } = await this.pool.query<HeadRow>(
      `SELECT ${HEAD_COLUMNS} FROM log_heads WHERE status = 'anchored' AND tree_size = $1`,
      [treeSize],
    );
    return rows[0] ? this.toAnchoredHead(rows[0]) : undefined;
  }

  /** Anchored heads, newest first, below `before` (a tree size) when given; one more than `limit` tells of a next page. */
  async anchoredHeads(limit: number, before?: number): Promise<AnchoredHead[]> {
    const { rows } = await this.pool.query<HeadRow>(
      `SELECT ${HEAD_COLUMNS} FROM log_heads WHERE status = 'anchored' AND ($1::bigint IS NULL OR tree_size < $1)
        ORDER BY tree_size DESC LIMIT $2`,
      [before ?? null, limit],
    );
    return rows.map((row) => this.toAnchoredHead(row));
  }

  private toAnchoredHead(row: HeadRow): AnchoredHead {
    return {
      ...toHead(row),
      ...this.anchorTarget,
      transactionId: row.transaction_id ?? '',
      blockNumber: Number(row.block_number),
      anchoredAt: row.anchored_at?.toISOString() ?? '',
    };
  }

  private async oneHead(where: string): Promise<Head | undefined> {
    const { rows } = await this.pool.query<HeadRow>(`SELECT ${HEAD_COLUMNS} FROM log_heads ${where}`);
    return rows[0] ? toHead(rows[0]) : undefined;
  }

  private transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, work);
  }
}

async function lockState(client: PoolClient): Promise<{ size: number; frontier: Frontier }> {
  const { rows } = await client.query<{ size: string; frontier: unknown }>(
    `SELECT size, frontier FROM log_state WHERE id = 1 FOR UPDATE`,
  );
  if (!rows[0]) throw new Error('log_state is missing: LogRepository.init() was not run');
  const frontier = Frontier.fromJSON(rows[0].frontier);
  if (frontier.size !== Number(rows[0].size))
    throw new Error('log_state is inconsistent: size and frontier differ');
  return { size: frontier.size, frontier };
}

function toHead(row: HeadRow): Head {
  return {
    treeSize: Number(row.tree_size),
    rootHash: row.root_hash,
    previousTreeSize: Number(row.previous_tree_size),
    previousRootHash: row.previous_root_hash,
  };
}
