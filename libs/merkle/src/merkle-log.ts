import { BytesLike, toBytes, toHex } from './bytes';
import { MerkleError } from './errors';
import { Frontier, FrontierJson } from './frontier';
import { leafHashBytes } from './hashing';
import { InMemoryNodeStore } from './node-source';
import {
  ConsistencyProof,
  InclusionProof,
  ProofPlan,
  assembleProof,
  planConsistencyProof,
  planInclusionProof,
  planTreeRoot,
} from './proofs';
import { assertTreeSize } from './tree-math';

/**
 * An append-only Merkle log in memory: a Frontier for appends and the current root, an
 * InMemoryNodeStore for the proofs and past roots. The same pieces the ledger-writer combines with
 * PostgreSQL; here for tests, tools and the verifier's own checks.
 */
export class MerkleLog {
  private readonly frontier = Frontier.empty();
  private readonly store = new InMemoryNodeStore();

  get size(): number {
    return this.frontier.size;
  }

  /** Appends a log entry (hashed as a leaf here) and returns its leaf index. */
  append(leaf: BytesLike): number {
    return this.appendLeafHash(toHex(leafHashBytes(toBytes(leaf, 'leaf'))));
  }

  /** Appends an entry whose leaf hash is already known and returns its leaf index. */
  appendLeafHash(leafHash: BytesLike): number {
    const index = this.frontier.size;
    for (const node of this.frontier.append(leafHash)) this.store.put(node);
    return index;
  }

  /** The root of the tree of the first `treeSize` leaves (default: all of them). */
  root(treeSize = this.size): string {
    this.assertWithinLog(treeSize);
    if (treeSize === this.size) return this.frontier.root();
    return this.fetch(planTreeRoot(treeSize))[0];
  }

  inclusionProof(leafIndex: number, treeSize = this.size): InclusionProof {
    this.assertWithinLog(treeSize);
    return { leafIndex, treeSize, path: this.fetch(planInclusionProof(leafIndex, treeSize)) };
  }

  consistencyProof(firstSize: number, secondSize = this.size): ConsistencyProof {
    this.assertWithinLog(secondSize);
    return { firstSize, secondSize, path: this.fetch(planConsistencyProof(firstSize, secondSize)) };
  }

  /** The current frontier, ready to be stored as JSON. */
  frontierJson(): FrontierJson {
    return this.frontier.toJSON();
  }

  private fetch(plan: ProofPlan): string[] {
    return assembleProof(plan, this.store.getNodeHashes(plan.nodeIds));
  }

  private assertWithinLog(treeSize: number): void {
    assertTreeSize(treeSize);
    if (treeSize > this.size) {
      throw new MerkleError('INVALID_SIZE', `tree size ${treeSize} is beyond the log's ${this.size} leaves`);
    }
  }
}
