import { BytesLike, toHash, toHex } from './bytes';
import { MerkleError } from './errors';
import { NodeId } from './tree-math';

/** A perfect subtree with its hash (lowercase hex), as a Frontier completes it and storage keeps it. */
export interface NodeRecord extends NodeId {
  readonly hash: string;
}

/**
 * Storage port for proof generation: the hashes of perfect subtrees, addressed by (level, index);
 * leaf i is (0, i) and holds the leaf hash. A proof needs O(log n) nodes and asks for all of them
 * in one call, so a PostgreSQL adapter can answer with a single query. The answer must be in the
 * order of `ids`; a node the storage does not have must make the call throw (or reject).
 */
export interface NodeSource {
  getNodeHashes(ids: readonly NodeId[]): readonly BytesLike[] | Promise<readonly BytesLike[]>;
}

/** The in-memory NodeSource: one array of hashes per level. Answers synchronously. */
export class InMemoryNodeStore implements NodeSource {
  private readonly levels: Buffer[][] = [];

  /** Stores a node (typically each record a Frontier append returns). Re-storing the same hash is a no-op. */
  put(node: NodeId & { readonly hash: BytesLike }): void {
    assertNodeId(node);
    const hash = toHash(node.hash, `hash of node (${node.level}, ${node.index})`);
    const level = (this.levels[node.level] ??= []);
    const existing = level[node.index];
    if (existing !== undefined && !existing.equals(hash)) {
      throw new MerkleError(
        'INVALID_HASH',
        `node (${node.level}, ${node.index}) is already stored as ${toHex(existing)}, refusing ${toHex(hash)}`,
      );
    }
    level[node.index] = hash;
  }

  getNodeHashes(ids: readonly NodeId[]): Buffer[] {
    return ids.map(({ level, index }) => {
      const hash = this.levels[level]?.[index];
      if (hash === undefined) {
        throw new MerkleError('NODE_NOT_FOUND', `no node at level ${level}, index ${index}`);
      }
      return hash;
    });
  }
}

function assertNodeId({ level, index }: NodeId): void {
  if (!Number.isSafeInteger(level) || level < 0 || level > 63 || !Number.isSafeInteger(index) || index < 0) {
    throw new MerkleError('INVALID_INDEX', `(${String(level)}, ${String(index)}) is not a node id`);
  }
}
