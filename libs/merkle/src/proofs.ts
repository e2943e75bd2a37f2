import { BytesLike, toHash, toHex } from './bytes';
import { MerkleError } from './errors';
import { emptyRootBytes, nodeHashBytes } from './hashing';
import { NodeSource } from './node-source';
import {
  NodeId,
  assertTreeSize,
  frontierNodeIds,
  largestPowerOfTwoBelow,
  perfectSubtrees,
} from './tree-math';

/** PATH(m, D[n]) of RFC 9162 §2.1.3.1, hashes from the leaf's sibling up to the root's child. */
export interface InclusionProof {
  readonly leafIndex: number;
  readonly treeSize: number;
  readonly path: readonly string[];
}

/** PROOF(m, D[n]) of RFC 9162 §2.1.4.1 between the heads of sizes firstSize ≤ secondSize. */
export interface ConsistencyProof {
  readonly firstSize: number;
  readonly secondSize: number;
  readonly path: readonly string[];
}

/**
 * What a proof needs from storage: `nodeIds` to fetch (all perfect subtrees), and for each proof
 * element how many consecutive ids make it up. An element of one id is that node; an element of
 * several is the hash of a subtree on the right edge of the tree (not perfect), folded from them.
 */
export interface ProofPlan {
  readonly nodeIds: readonly NodeId[];
  readonly elementSizes: readonly number[];
}

/** The ranges [start, end) whose hashes form PATH(index, D[size]), bottom-up. */
function inclusionRanges(index: number, size: number): Array<[number, number]> {
  const topDown: Array<[number, number]> = [];
  let m = index;
  let start = 0;
  let n = size;
  while (n > 1) {
    const k = largestPowerOfTwoBelow(n);
    if (m < k) {
      topDown.push([start + k, start + n]);
      n = k;
    } else {
      topDown.push([start, start + k]);
      m -= k;
      start += k;
      n -= k;
    }
  }
  return topDown.reverse();
}

/** The ranges whose hashes form PROOF(first, D[second]) = SUBPROOF(first, D[second], true), bottom-up. */
function consistencyRanges(first: number, second: number): Array<[number, number]> {
  const topDown: Array<[number, number]> = [];
  let m = first;
  let start = 0;
  let n = second;
  let isFirstTreeRoot = true;
  while (m !== n) {
    const k = largestPowerOfTwoBelow(n);
    if (m <= k) {
      topDown.push([start + k, start + n]);
      n = k;
    } else {
      topDown.push([start, start + k]);
      m -= k;
      start += k;
      n -= k;
      isFirstTreeRoot = false;
    }
  }
  if (!isFirstTreeRoot) topDown.push([start, start + n]);
  return topDown.reverse();
}

function planOf(ranges: ReadonlyArray<readonly [number, number]>): ProofPlan {
  const nodeIds: NodeId[] = [];
  const elementSizes: number[] = [];
  for (const [start, end] of ranges) {
    const pieces = perfectSubtrees(start, end);
    nodeIds.push(...pieces);
    elementSizes.push(pieces.length);
  }
  return { nodeIds, elementSizes };
}

export function planInclusionProof(leafIndex: number, treeSize: number): ProofPlan {
  assertTreeSize(treeSize);
  if (!Number.isSafeInteger(leafIndex) || leafIndex < 0 || leafIndex >= treeSize) {
    throw new MerkleError(
      'INVALID_INDEX',
      `leaf index ${String(leafIndex)} is not in a tree of size ${treeSize}`,
    );
  }
  return planOf(inclusionRanges(leafIndex, treeSize));
}

/** Sizes 0 and firstSize = secondSize give an empty proof: nothing needs proving. */
export function planConsistencyProof(firstSize: number, secondSize: number): ProofPlan {
  assertTreeSize(firstSize, 'first tree size');
  assertTreeSize(secondSize, 'second tree size');
  if (firstSize > secondSize) {
    throw new MerkleError(
      'INVALID_SIZE',
      `first tree size ${firstSize} is larger than second tree size ${secondSize}`,
    );
  }
  if (firstSize === 0 || firstSize === secondSize) return { nodeIds: [], elementSizes: [] };
  return planOf(consistencyRanges(firstSize, secondSize));
}

/** The root of a tree of this size: one element folded from the tree's right-edge subtrees (none when empty). */
export function planTreeRoot(treeSize: number): ProofPlan {
  const nodeIds = frontierNodeIds(treeSize);
  return { nodeIds, elementSizes: [nodeIds.length] };
}

/** Turns the fetched hashes of `plan.nodeIds` into the proof elements (lowercase hex). */
export function assembleProof(plan: ProofPlan, hashes: readonly BytesLike[]): string[] {
  if (hashes.length !== plan.nodeIds.length) {
    throw new MerkleError(
      'NODE_NOT_FOUND',
      `asked storage for ${plan.nodeIds.length} nodes, got ${hashes.length}`,
    );
  }
  const nodes = hashes.map((hash, i) =>
    toHash(hash, `node (${plan.nodeIds[i].level}, ${plan.nodeIds[i].index})`),
  );
  const elements: string[] = [];
  let next = 0;
  for (const size of plan.elementSizes) {
    elements.push(toHex(foldRight(nodes.slice(next, next + size))));
    next += size;
  }
  return elements;
}

/** MTH of a right-edge range from its perfect subtrees, largest first: h0 ∘ (h1 ∘ (… ∘ hk)). */
export function foldRight(pieces: readonly Buffer[]): Buffer {
  if (pieces.length === 0) return emptyRootBytes();
  let hash = pieces[pieces.length - 1];
  for (let i = pieces.length - 2; i >= 0; i--) hash = nodeHashBytes(pieces[i], hash);
  return hash;
}

/** Inclusion proof of leaf `leafIndex` in the tree of the first `treeSize` leaves of the log in `source`. */
export async function inclusionProof(
  source: NodeSource,
  leafIndex: number,
  treeSize: number,
): Promise<InclusionProof> {
  const plan = planInclusionProof(leafIndex, treeSize);
  const path = assembleProof(plan, await source.getNodeHashes(plan.nodeIds));
  return { leafIndex, treeSize, path };
}

/** Consistency proof between the heads of sizes firstSize ≤ secondSize of the log in `source`. */
export async function consistencyProof(
  source: NodeSource,
  firstSize: number,
  secondSize: number,
): Promise<ConsistencyProof> {
  const plan = planConsistencyProof(firstSize, secondSize);
  const path = assembleProof(plan, await source.getNodeHashes(plan.nodeIds));
  return { firstSize, secondSize, path };
}

/** Root hash of the tree of the first `treeSize` leaves of the log in `source` (any past head). */
export async function treeRoot(source: NodeSource, treeSize: number): Promise<string> {
  const plan = planTreeRoot(treeSize);
  return assembleProof(plan, await source.getNodeHashes(plan.nodeIds))[0];
}
