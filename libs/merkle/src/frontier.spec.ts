import fc from 'fast-check';
import { MerkleError } from './errors';
import { Frontier } from './frontier';
import { EMPTY_TREE_ROOT, hashLeaf, merkleTreeHash } from './hashing';
import { InMemoryNodeStore } from './node-source';
import { frontierNodeIds } from './tree-math';
import { leafEntry } from '../test/arbitraries';
import { FRONTIERS, LEAVES, NODE_HASHES, ROOTS } from '../test/vectors';

function frontierOf(leaves: readonly string[]): Frontier {
  const frontier = Frontier.empty();
  for (const leaf of leaves) frontier.append(hashLeaf(leaf));
  return frontier;
}

describe('Frontier', () => {
  it('starts empty, with the empty-tree root', () => {
    const frontier = Frontier.empty();
    expect(frontier.size).toBe(0);
    expect(frontier.root()).toBe(EMPTY_TREE_ROOT);
    expect(frontier.toJSON()).toEqual({ size: 0, hashes: [] });
  });

  it('holds the reference right edge and root after each append', () => {
    const frontier = Frontier.empty();
    LEAVES.forEach((leaf, i) => {
      frontier.append(hashLeaf(leaf));
      const size = i + 1;
      expect(frontier.size).toBe(size);
      expect(frontier.root()).toBe(ROOTS[size]);
      expect(frontier.toJSON().hashes).toEqual(
        FRONTIERS[size].map(([level, index]) => NODE_HASHES[level][index]),
      );
    });
  });

  it('returns the perfect subtrees each append completes, the leaf first', () => {
    const frontier = frontierOf(LEAVES.slice(0, 7));
    expect(frontier.append(hashLeaf(LEAVES[7]))).toEqual([
      { level: 0, index: 7, hash: NODE_HASHES[0][7] },
      { level: 1, index: 3, hash: NODE_HASHES[1][3] },
      { level: 2, index: 1, hash: NODE_HASHES[2][1] },
      { level: 3, index: 0, hash: NODE_HASHES[3][0] },
    ]);
    expect(frontier.append(hashLeaf('ff'))).toEqual([{ level: 0, index: 8, hash: hashLeaf('ff') }]);
  });

  it('completes every perfect subtree exactly once over a run of appends', () => {
    const frontier = Frontier.empty();
    const completed = Array.from({ length: 100 }, (_, i) =>
      frontier.append(hashLeaf(Buffer.alloc(32, i))),
    ).flat();
    // The perfect subtrees of 100 leaves: every (level, index) with (index + 1) * 2^level <= 100.
    let expected = 0;
    for (let width = 1; width <= 100; width *= 2) expected += Math.floor(100 / width);
    expect(completed).toHaveLength(expected);
    expect(new Set(completed.map(({ level, index }) => `${level}:${index}`)).size).toBe(expected);
  });

  it('has the root of the recursive definition for any leaves', () => {
    fc.assert(
      fc.property(fc.array(leafEntry, { maxLength: 150 }), (leaves) => {
        expect(frontierOf(leaves).root()).toBe(merkleTreeHash(leaves));
      }),
    );
  });

  it('survives a JSON round trip at any size and keeps growing to the same root', () => {
    fc.assert(
      fc.property(
        fc.array(leafEntry, { maxLength: 80 }),
        fc.array(leafEntry, { maxLength: 40 }),
        (before, after) => {
          const stored = JSON.parse(JSON.stringify(frontierOf(before))) as unknown;
          const restored = Frontier.fromJSON(stored);
          expect(restored.size).toBe(before.length);
          expect(restored.root()).toBe(merkleTreeHash(before));
          for (const leaf of after) restored.append(hashLeaf(leaf));
          expect(restored.root()).toBe(frontierOf([...before, ...after]).root());
        },
      ),
    );
  });

  it('is rebuilt from stored nodes', async () => {
    const store = new InMemoryNodeStore();
    const frontier = Frontier.empty();
    for (const leaf of LEAVES) for (const node of frontier.append(hashLeaf(leaf))) store.put(node);
    for (let size = 0; size <= 8; size++) {
      const rebuilt = await Frontier.fromNodeSource(store, size);
      expect(rebuilt.toJSON()).toEqual(frontierOf(LEAVES.slice(0, size)).toJSON());
    }
    await expect(Frontier.fromNodeSource(store, 9)).rejects.toThrow('no node at level 0, index 8');
  });

  it('clones independently', () => {
    const original = frontierOf(LEAVES.slice(0, 3));
    const copy = original.clone();
    copy.append(hashLeaf(LEAVES[3]));
    expect(original.root()).toBe(ROOTS[3]);
    expect(copy.root()).toBe(ROOTS[4]);
  });

  it('accepts only 32-byte leaf hashes', () => {
    expect(() => Frontier.empty().append('00')).toThrow('leaf hash must be 32 bytes, got 1');
  });

  const three = { size: 3, hashes: [NODE_HASHES[1][0], NODE_HASHES[0][2]] };
  it.each<[string, unknown]>([
    ['null', null],
    ['a string', JSON.stringify(three)],
    ['a negative size', { ...three, size: -1 }],
    ['a fractional size', { ...three, size: 2.5 }],
    ['too few hashes for the size', { ...three, size: 7 }],
    ['too many hashes for the size', { ...three, size: 4 }],
    ['hashes that are not an array', { ...three, hashes: NODE_HASHES[1][0] }],
    ['a short hash', { ...three, hashes: [NODE_HASHES[1][0], 'abcd'] }],
    ['an uppercase hash', { ...three, hashes: [NODE_HASHES[1][0].toUpperCase(), NODE_HASHES[0][2]] }],
    ['a hash that is not a string', { ...three, hashes: [NODE_HASHES[1][0], 7] }],
  ])('refuses to restore %s', (_, json) => {
    expect(() => Frontier.fromJSON(json)).toThrow(MerkleError);
    expect(() => Frontier.fromJSON(json)).toThrow(expect.objectContaining({ code: 'INVALID_FRONTIER' }));
  });

  it('restores a valid frontier', () => {
    expect(Frontier.fromJSON(three).root()).toBe(ROOTS[3]);
  });

  it('stops at the largest safe tree size', () => {
    const full = Frontier.fromJSON({
      size: Number.MAX_SAFE_INTEGER,
      hashes: frontierNodeIds(Number.MAX_SAFE_INTEGER).map(() => NODE_HASHES[0][0]),
    });
    expect(() => full.append(NODE_HASHES[0][1])).toThrow(expect.objectContaining({ code: 'INVALID_SIZE' }));
  });
});
