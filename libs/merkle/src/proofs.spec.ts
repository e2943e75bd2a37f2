import { MerkleError } from './errors';
import { hashChildren, hashLeaf } from './hashing';
import { InMemoryNodeStore, NodeSource } from './node-source';
import { Frontier } from './frontier';
import {
  assembleProof,
  consistencyProof,
  inclusionProof,
  planConsistencyProof,
  planInclusionProof,
  treeRoot,
} from './proofs';
import { NodeId } from './tree-math';
import { verifyInclusion } from './verify';
import { CONSISTENCY_VECTORS, INCLUSION_VECTORS, LEAVES, ROOTS } from '../test/vectors';

const ids = (...pairs: Array<[number, number]>) => pairs.map(([level, index]) => ({ level, index }));

/** The reference tree in a store, built the way the ledger-writer builds it: frontier appends. */
function referenceStore(): InMemoryNodeStore {
  const store = new InMemoryNodeStore();
  const frontier = Frontier.empty();
  for (const leaf of LEAVES) for (const node of frontier.append(hashLeaf(leaf))) store.put(node);
  return store;
}

/** Wraps a source to count its calls and the nodes asked for, as a database adapter would see them. */
function counting(source: NodeSource) {
  const calls: Array<readonly NodeId[]> = [];
  const counted: NodeSource = {
    getNodeHashes: async (nodeIds) => {
      calls.push(nodeIds);
      return source.getNodeHashes(nodeIds);
    },
  };
  return { counted, calls };
}

describe('planInclusionProof', () => {
  // Node coordinates as in transparency-dev/merkle's proof tests; several ids in one element are a right-edge subtree.
  it.each([
    [0, 1, [], []],
    [0, 2, ids([0, 1]), [1]],
    [1, 3, ids([0, 0], [0, 2]), [1, 1]],
    [0, 7, ids([0, 1], [1, 1], [1, 2], [0, 6]), [1, 1, 2]],
    [3, 7, ids([0, 2], [1, 0], [1, 2], [0, 6]), [1, 1, 2]],
    [4, 7, ids([0, 5], [0, 6], [2, 0]), [1, 1, 1]],
    [6, 7, ids([1, 2], [2, 0]), [1, 1]],
    [3, 5, ids([0, 2], [1, 0], [0, 4]), [1, 1, 1]],
    [10, 15, ids([0, 11], [1, 4], [1, 6], [0, 14], [3, 0]), [1, 1, 2, 1]],
    [24, 31, ids([0, 25], [1, 13], [1, 14], [0, 30], [3, 2], [4, 0]), [1, 1, 2, 1, 1]],
    [81, 95, ids([0, 80], [1, 41], [2, 21], [2, 22], [1, 46], [0, 94], [4, 4], [6, 0]), [1, 1, 1, 3, 1, 1]],
  ])('for leaf %d in a tree of %d asks for the right nodes', (index, size, nodeIds, elementSizes) => {
    expect(planInclusionProof(index, size)).toEqual({ nodeIds, elementSizes });
  });

  it.each([
    [0, 0],
    [1, 0],
    [2, 1],
    [8, 7],
    [-1, 5],
    [0.5, 5],
  ])('rejects leaf %d in a tree of %d', (index, size) => {
    expect(() => planInclusionProof(index, size)).toThrow(MerkleError);
  });

  it('asks for O(log n) nodes even in a tree of 2^53 - 1 leaves', () => {
    const plan = planInclusionProof(2 ** 52 + 12345, Number.MAX_SAFE_INTEGER);
    expect(plan.elementSizes).toHaveLength(53);
    expect(plan.nodeIds.length).toBeLessThanOrEqual(2 * 53);
  });
});

describe('planConsistencyProof', () => {
  it('asks for nothing when there is nothing to prove', () => {
    expect(planConsistencyProof(0, 0)).toEqual({ nodeIds: [], elementSizes: [] });
    expect(planConsistencyProof(0, 9)).toEqual({ nodeIds: [], elementSizes: [] });
    expect(planConsistencyProof(9, 9)).toEqual({ nodeIds: [], elementSizes: [] });
  });

  it('includes the old root when the old tree is not a left subtree of the new one', () => {
    expect(planConsistencyProof(3, 7)).toEqual({
      nodeIds: ids([0, 2], [0, 3], [1, 0], [1, 2], [0, 6]),
      elementSizes: [1, 1, 1, 2],
    });
    expect(planConsistencyProof(4, 8)).toEqual({ nodeIds: ids([2, 1]), elementSizes: [1] });
  });

  it('rejects a first size larger than the second', () => {
    expect(() => planConsistencyProof(5, 4)).toThrow('first tree size 5 is larger than second tree size 4');
  });
});

describe('proofs from a NodeSource', () => {
  it.each(INCLUSION_VECTORS)(
    'reproduce the reference inclusion proof of leaf $leafIndex in a tree of $treeSize',
    async (vector) => {
      await expect(inclusionProof(referenceStore(), vector.leafIndex, vector.treeSize)).resolves.toEqual(
        vector,
      );
    },
  );

  it.each(CONSISTENCY_VECTORS)(
    'reproduce the reference consistency proof from $firstSize to $secondSize',
    async (vector) => {
      await expect(consistencyProof(referenceStore(), vector.firstSize, vector.secondSize)).resolves.toEqual(
        vector,
      );
    },
  );

  it.each(ROOTS.map((root, size) => [size, root]))(
    'give the reference root of the first %d leaves',
    async (size, root) => {
      await expect(treeRoot(referenceStore(), size)).resolves.toBe(root);
    },
  );

  it('ask the source once per proof', async () => {
    const { counted, calls } = counting(referenceStore());
    await inclusionProof(counted, 2, 7);
    await consistencyProof(counted, 3, 7);
    await treeRoot(counted, 7);
    expect(calls.map((asked) => asked.length)).toEqual([4, 5, 3]);
  });

  it('accept hashes as hex strings from the source', async () => {
    const store = referenceStore();
    const hexSource: NodeSource = {
      getNodeHashes: (nodeIds) => store.getNodeHashes(nodeIds).map((hash) => hash.toString('hex')),
    };
    await expect(inclusionProof(hexSource, 0, 8)).resolves.toEqual(INCLUSION_VECTORS[1]);
  });

  it('fail when the source lacks a node', async () => {
    await expect(inclusionProof(referenceStore(), 0, 9)).rejects.toThrow('no node at level 0, index 8');
  });

  it('fail when the source answers with the wrong number of hashes or a malformed hash', async () => {
    const short: NodeSource = { getNodeHashes: () => [] };
    await expect(inclusionProof(short, 0, 8)).rejects.toThrow('asked storage for 3 nodes, got 0');
    const malformed: NodeSource = { getNodeHashes: (nodeIds) => nodeIds.map(() => 'abcd') };
    await expect(inclusionProof(malformed, 0, 8)).rejects.toThrow('node (0, 1) must be 32 bytes, got 2');
  });
});

describe('proofs in a tree of more than 2^32 leaves', () => {
  // Every leaf is the same, so every node of a level has the same hash and any size can be served.
  const leafHash = hashLeaf('00');
  const levelHashes = [leafHash];
  for (let level = 1; level <= 53; level++)
    levelHashes.push(hashChildren(levelHashes[level - 1], levelHashes[level - 1]));
  const uniform: NodeSource = { getNodeHashes: (nodeIds) => nodeIds.map(({ level }) => levelHashes[level]) };

  it.each([
    [2 ** 32 + 6, 2 ** 32 + 7],
    [3, 2 ** 40 + 123456789],
    [2 ** 52 + 99, Number.MAX_SAFE_INTEGER],
  ])('prove leaf %d in a tree of %d', async (leafIndex, treeSize) => {
    const proof = await inclusionProof(uniform, leafIndex, treeSize);
    const root = await treeRoot(uniform, treeSize);
    expect(verifyInclusion({ ...proof, leafHash, root })).toEqual({ ok: true });
    expect(verifyInclusion({ ...proof, path: proof.path.slice(1), leafHash, root })).toMatchObject({
      ok: false,
      reason: 'PATH_LENGTH',
    });
  });

  it('have the right root for a perfect tree of 2^40 leaves', async () => {
    await expect(treeRoot(uniform, 2 ** 40)).resolves.toBe(levelHashes[40]);
  });
});

describe('assembleProof', () => {
  it('folds a right-edge element from the right: a ∘ (b ∘ c)', () => {
    const [a, b, c] = ROOTS.slice(1, 4);
    const plan = { nodeIds: ids([2, 0], [1, 2], [0, 6]), elementSizes: [3] };
    expect(assembleProof(plan, [a, b, c])).toEqual([hashChildren(a, hashChildren(b, c))]);
  });
});
