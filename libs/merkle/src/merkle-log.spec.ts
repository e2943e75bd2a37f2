import { MerkleError } from './errors';
import { EMPTY_TREE_ROOT, hashLeaf } from './hashing';
import { MerkleLog } from './merkle-log';
import { Frontier } from './frontier';
import { verifyConsistency, verifyInclusion } from './verify';
import { CONSISTENCY_VECTORS, INCLUSION_VECTORS, LEAVES, NODE_HASHES, ROOTS } from '../test/vectors';

function referenceLog(): MerkleLog {
  const log = new MerkleLog();
  for (const leaf of LEAVES) log.append(leaf);
  return log;
}

describe('MerkleLog', () => {
  it('numbers entries from 0 and hashes them as leaves', () => {
    const log = new MerkleLog();
    expect(log.size).toBe(0);
    expect(log.root()).toBe(EMPTY_TREE_ROOT);
    expect(log.append(LEAVES[0])).toBe(0);
    expect(log.appendLeafHash(NODE_HASHES[0][1])).toBe(1);
    expect(log.size).toBe(2);
    expect(log.root()).toBe(ROOTS[2]);
  });

  it('keeps the root of every past size', () => {
    const log = referenceLog();
    ROOTS.forEach((root, size) => expect(log.root(size)).toBe(root));
  });

  it.each(INCLUSION_VECTORS)(
    'gives the reference inclusion proof of leaf $leafIndex in a tree of $treeSize',
    (vector) => {
      expect(referenceLog().inclusionProof(vector.leafIndex, vector.treeSize)).toEqual(vector);
    },
  );

  it.each(CONSISTENCY_VECTORS)(
    'gives the reference consistency proof from $firstSize to $secondSize',
    (vector) => {
      expect(referenceLog().consistencyProof(vector.firstSize, vector.secondSize)).toEqual(vector);
    },
  );

  it('proves against the current head by default', () => {
    const log = referenceLog();
    const proof = log.inclusionProof(3);
    expect(proof.treeSize).toBe(8);
    expect(verifyInclusion({ ...proof, leafHash: hashLeaf(LEAVES[3]), root: log.root() })).toEqual({
      ok: true,
    });
    const consistency = log.consistencyProof(3);
    expect(verifyConsistency({ ...consistency, firstRoot: ROOTS[3], secondRoot: log.root() })).toEqual({
      ok: true,
    });
  });

  it('exports a frontier that continues the same log', () => {
    const log = referenceLog();
    const frontier = Frontier.fromJSON(log.frontierJson());
    frontier.append(hashLeaf('ab'));
    log.append('ab');
    expect(frontier.root()).toBe(log.root());
  });

  it('refuses sizes beyond its leaves and leaves outside the tree', () => {
    const log = referenceLog();
    expect(() => log.root(9)).toThrow("tree size 9 is beyond the log's 8 leaves");
    expect(() => log.inclusionProof(0, 9)).toThrow(MerkleError);
    expect(() => log.inclusionProof(5, 5)).toThrow('leaf index 5 is not in a tree of size 5');
    expect(() => log.consistencyProof(2, 9)).toThrow(MerkleError);
    expect(() => log.consistencyProof(6, 5)).toThrow('first tree size 6 is larger than second tree size 5');
  });
});
