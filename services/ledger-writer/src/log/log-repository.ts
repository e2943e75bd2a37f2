import { Frontier, MerkleError, type NodeId, type NodeRecord, type NodeSource } from '@pedigree/merkle';
import type { Pool, PoolClient } from 'pg';
import { inTransaction } from '@pedigree/database';
import type { Unheaded } from './head-policy';
import type { Backlog } from '../metrics/ledger-metrics';
import type { LeafKind } from '@pedigree/contracts';
import type { LeafEntry } from './leaf';
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
   * Appends the leaves whose entry the log does not hold yet, in one transaction; returns the log size after. One leaf
   * per entry (ADR 0016): a message delivered again, an event captured again or a copy of a message appends nothing.
   * The log_state lock makes appends one at a time; the unique index log_leaves_entry_once refuses a second leaf of
   * an entry whatever the code does.
   */
  async append(leaves: readonly SourcedLeaf[]): Promise<{ appended: number; size: number }> {
    return this.transaction(async (client) => {
      const state = await lockState(client);
      const logged = await client.query<{ entry: string }>(
        `SELECT entry FROM log_leaves WHERE entry = ANY($1::text[]) AND repeat_of IS NULL`,
        [leaves.map((l) => l.entry)],
      );
      const done = new Set(logged.rows.map((r) => r.entry));
      const fresh: SourcedLeaf[] = [];
      for (const leaf of leaves) {
        if (done.has(leaf.entry)) continue;
        done.add(leaf.entry);
        fresh.push(leaf);
      }
      if (fresh.length === 0) return { appended: 0, size: state.size };

      const frontier = state.frontier;
      const first = frontier.size;
      const nodes: NodeRecord[] = [];
      for (const leaf of fresh) nodes.push(...frontier.append(leaf.leafHash));
      await client.query(
        `INSERT INTO log_leaves (leaf_index, entry, leaf_hash, event_hash, kind, source_topic, source_partition, source_offset, message_id)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::bigint[], $9::text[])`,
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
        ],
      );
      await client.query(
        `INSERT INTO log_nodes (level, node_index, hash) SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::bytea[])`,
        [nodes.map((n) => n.level), nodes.map((n) => n.index), nodes.map((n) => Buffer.from(n.hash, 'hex'))],
      );
      await client.query(`UPDATE log_state SET size = $1, frontier = $2, updated_at = now() WHERE id = 1`, [
        frontier.size,
        JSON.stringify(frontier.toJSON()),
      ]);
      return { appended: fresh.length, size: frontier.size };
    });
  }

  async getNodeHashes(ids: readonly NodeId[]): Promise<Buffer[]> {
    const { rows } = await this.pool.query<{ hash: Buffer | null; level: number; node_index: string }>(
      `SELECT q.level, q.node_index, n.hash
         FROM unnest($1::smallint[], $2::bigint[]) WITH ORDINALITY AS q(level, node_index, ord)
         LEFT JOIN log_nodes n ON n.level = q.level AND n.node_index = q.node_index
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
