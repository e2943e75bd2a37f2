import { BytesLike, HASH_BYTES, toHash, toHex } from './bytes';
import { MerkleError } from './errors';
import { nodeHashBytes } from './hashing';
import { NodeRecord, NodeSource } from './node-source';
import { foldRight } from './proofs';
import { countOnes, frontierNodeIds, isTreeSize } from './tree-math';

/** The JSON form of a {@link Frontier}, e.g. for a PostgreSQL jsonb column. */
export interface FrontierJson {
  readonly size: number;
  /** Hashes of the perfect subtrees on the right edge, largest (leftmost) first, lowercase hex. */
  readonly hashes: readonly string[];
}

const HASH_HEX = new RegExp(`^[0-9a-f]{${HASH_BYTES * 2}}$`);

/**
 * The compact range [0, size) of an append-only Merkle log: one hash per set bit of `size`, the
 * roots of the perfect subtrees along the tree's right edge. Appending a leaf and computing the root
 * take O(log n) hashes and need neither the leaves nor storage.
 */
export class Frontier {
  private constructor(
    private treeSize: number,
    private readonly hashes: Buffer[],
  ) {}

  static empty(): Frontier {
    return new Frontier(0, []);
  }

  /** Restores a frontier from {@link Frontier.toJSON}; throws MerkleError INVALID_FRONTIER if it is not one. */
  static fromJSON(json: unknown): Frontier {
    if (typeof json !== 'object' || json === null) {
      throw new MerkleError('INVALID_FRONTIER', 'a frontier must be an object with size and hashes');
    }
    const { size, hashes } = json as Record<string, unknown>;
    if (!isTreeSize(size)) {
      throw new MerkleError('INVALID_FRONTIER', 'frontier size must be a non-negative safe integer');
    }
    if (!Array.isArray(hashes) || hashes.length !== countOnes(size)) {
      throw new MerkleError(
        'INVALID_FRONTIER',
        `a frontier of size ${size} has exactly ${countOnes(size)} hashes`,
      );
    }
    const decoded = hashes.map((hash: unknown, i) => {
      if (typeof hash !== 'string' || !HASH_HEX.test(hash)) {
        throw new MerkleError('INVALID_FRONTIER', `frontier hash ${i} is not 64 lowercase hex digits`);
      }
      return Buffer.from(hash, 'hex');
    });
    return new Frontier(size, decoded);
  }

  /** Rebuilds the frontier of the first `size` leaves of a stored log (e.g. after losing the saved one). */
  static async fromNodeSource(source: NodeSource, size: number): Promise<Frontier> {
    const ids = frontierNodeIds(size);
    const hashes = await source.getNodeHashes(ids);
    if (hashes.length !== ids.length) {
      throw new MerkleError('NODE_NOT_FOUND', `asked storage for ${ids.length} nodes, got ${hashes.length}`);
    }
    return new Frontier(
      size,
      hashes.map((hash, i) => toHash(hash, `node (${ids[i].level}, ${ids[i].index})`)),
    );
  }

  get size(): number {
    return this.treeSize;
  }

  /**
   * Appends the leaf hash (see hashLeaf) of the next entry. Returns the perfect subtrees this
   * completes, the leaf itself first: what a NodeSource must store to serve proofs later.
   */
  append(leafHash: BytesLike): NodeRecord[] {
    if (this.treeSize === Number.MAX_SAFE_INTEGER) {
      throw new MerkleError('INVALID_SIZE', 'the tree cannot grow beyond Number.MAX_SAFE_INTEGER leaves');
    }
    let hash = toHash(leafHash, 'leaf hash');
    let level = 0;
    let index = this.treeSize;
    const completed: NodeRecord[] = [{ level, index, hash: toHex(hash) }];
    for (let rest = this.treeSize; rest % 2 === 1; rest = (rest - 1) / 2) {
      hash = nodeHashBytes(this.hashes.pop() as Buffer, hash);
      level++;
      index = Math.floor(index / 2);
      completed.push({ level, index, hash: toHex(hash) });
    }
    this.hashes.push(hash);
    this.treeSize++;
    return completed;
  }

  /** MTH of the first `size` leaves, lowercase hex (SHA-256 of nothing for the empty tree). */
  root(): string {
    return toHex(foldRight(this.hashes));
  }

  toJSON(): FrontierJson {
    return { size: this.treeSize, hashes: this.hashes.map(toHex) };
  }

  clone(): Frontier {
    return new Frontier(this.treeSize, [...this.hashes]);
  }
}
