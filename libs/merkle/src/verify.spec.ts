import fc from 'fast-check';
import { EMPTY_TREE_ROOT, hashLeaf } from './hashing';
import { ConsistencyClaim, InclusionClaim, verifyConsistency, verifyInclusion } from './verify';
import { CONSISTENCY_VECTORS, INCLUSION_VECTORS, NODE_HASHES, ROOTS } from '../test/vectors';

const leafHashes = NODE_HASHES[0];
const OTHER = 'abacaba000000000000000000000000000000000000000000060061e00123456';

function inclusionClaim(vector: (typeof INCLUSION_VECTORS)[number]): InclusionClaim {
  return { ...vector, leafHash: leafHashes[vector.leafIndex], root: ROOTS[vector.treeSize] };
}

function consistencyClaim(vector: (typeof CONSISTENCY_VECTORS)[number]): ConsistencyClaim {
  return { ...vector, firstRoot: ROOTS[vector.firstSize], secondRoot: ROOTS[vector.secondSize] };
}

describe('verifyInclusion', () => {
  it.each(INCLUSION_VECTORS)(
    'accepts the reference proof of leaf $leafIndex in a tree of $treeSize',
    (vector) => {
      expect(verifyInclusion(inclusionClaim(vector))).toEqual({ ok: true });
    },
  );

  it('accepts hashes as bytes as well as hex', () => {
    const vector = INCLUSION_VECTORS[2];
    const asBytes = (hex: string) => Buffer.from(hex, 'hex');
    const claim = {
      ...vector,
      leafHash: asBytes(leafHashes[5]),
      root: asBytes(ROOTS[8]),
      path: vector.path.map(asBytes),
    };
    expect(verifyInclusion(claim)).toEqual({ ok: true });
  });

  const leaf0of8 = inclusionClaim(INCLUSION_VECTORS[1]);
  const [p0, p1, p2] = leaf0of8.path;
  it.each<[string, Partial<InclusionClaim>, string]>([
    ['a wrong leaf', { leafHash: leafHashes[1] }, 'ROOT_MISMATCH'],
    ['the leaf entry instead of its leaf hash', { leafHash: hashLeaf(leafHashes[0]) }, 'ROOT_MISMATCH'],
    ['leaf index + 1', { leafIndex: 1 }, 'ROOT_MISMATCH'],
    ['leaf index XOR 2', { leafIndex: 2 }, 'ROOT_MISMATCH'],
    ['leaf index = tree size', { leafIndex: 8 }, 'INDEX_OUT_OF_RANGE'],
    ['tree size 0', { treeSize: 0 }, 'INDEX_OUT_OF_RANGE'],
    ['tree size * 2', { treeSize: 16 }, 'PATH_LENGTH'],
    ['tree size / 2', { treeSize: 4 }, 'PATH_LENGTH'],
    ['the root of a smaller tree', { root: ROOTS[7] }, 'ROOT_MISMATCH'],
    ['the empty-tree root', { root: EMPTY_TREE_ROOT }, 'ROOT_MISMATCH'],
    ['a random root', { root: OTHER }, 'ROOT_MISMATCH'],
    ['a modified path element', { path: [p0, OTHER, p2] }, 'ROOT_MISMATCH'],
    ['swapped path elements', { path: [p1, p0, p2] }, 'ROOT_MISMATCH'],
    ['a removed path element', { path: [p0, p1] }, 'PATH_LENGTH'],
    ['an inserted path element', { path: [p0, OTHER, p1, p2] }, 'PATH_LENGTH'],
    ['preceding garbage', { path: [OTHER, p0, p1, p2] }, 'PATH_LENGTH'],
    ['the root appended to the path', { path: [p0, p1, p2, ROOTS[8]] }, 'PATH_LENGTH'],
    ['a 31-byte leaf hash', { leafHash: leafHashes[0].slice(2) }, 'MALFORMED_INPUT'],
    ['a non-hex path element', { path: [p0, p1, 'zz'.repeat(32)] }, 'MALFORMED_INPUT'],
    ['a root that is not bytes', { root: 42 as unknown as string }, 'MALFORMED_INPUT'],
    ['a path that is not an array', { path: p0 as unknown as string[] }, 'MALFORMED_INPUT'],
    ['a fractional leaf index', { leafIndex: 0.5 }, 'MALFORMED_INPUT'],
    ['a negative tree size', { treeSize: -8 }, 'MALFORMED_INPUT'],
  ])('rejects leaf 0 of 8 with %s', (_, change, reason) => {
    expect(verifyInclusion({ ...leaf0of8, ...change })).toMatchObject({ ok: false, reason });
  });

  it('explains the failure', () => {
    expect(verifyInclusion({ ...leaf0of8, path: [p0] })).toEqual({
      ok: false,
      reason: 'PATH_LENGTH',
      message: 'an inclusion path for leaf 0 in a tree of size 8 has 3 hashes, got 1',
    });
  });

  it('accepts a single-entry tree whose root is the leaf hash, and nothing else', () => {
    const single = { leafIndex: 0, treeSize: 1, leafHash: leafHashes[3], path: [], root: leafHashes[3] };
    expect(verifyInclusion(single)).toEqual({ ok: true });
    expect(verifyInclusion({ ...single, root: EMPTY_TREE_ROOT })).toMatchObject({ reason: 'ROOT_MISMATCH' });
    expect(verifyInclusion({ ...single, leafHash: leafHashes[2] })).toMatchObject({
      reason: 'ROOT_MISMATCH',
    });
    expect(verifyInclusion({ ...single, path: [leafHashes[3]] })).toMatchObject({ reason: 'PATH_LENGTH' });
  });

  it('binds a proof to a tree size only through the root: size and root must come from the same tree head', () => {
    // In trees of 5 to 8 leaves the path of leaf 1 ends in one opaque hash of the leaves from 4 on.
    const leaf1of5 = inclusionClaim(INCLUSION_VECTORS[4]);
    expect(verifyInclusion({ ...leaf1of5, treeSize: 7 })).toEqual({ ok: true });
    expect(verifyInclusion({ ...leaf1of5, treeSize: 7, root: ROOTS[7] })).toMatchObject({
      ok: false,
      reason: 'ROOT_MISMATCH',
    });
  });

  it('never throws, whatever it is given', () => {
    fc.assert(
      fc.property(
        fc.anything(),
        fc.record({
          leafIndex: fc.anything(),
          treeSize: fc.anything(),
          leafHash: fc.anything(),
          path: fc.anything(),
          root: fc.anything(),
        }),
        (anything, record) => {
          expect(verifyInclusion(anything as InclusionClaim).ok).toBe(false);
          expect(verifyInclusion(record as unknown as InclusionClaim).ok).toBe(false);
        },
      ),
    );
  });
});

describe('verifyConsistency', () => {
  it.each(CONSISTENCY_VECTORS)('accepts the reference proof from $firstSize to $secondSize', (vector) => {
    expect(verifyConsistency(consistencyClaim(vector))).toEqual({ ok: true });
  });

  const sixToEight = consistencyClaim(CONSISTENCY_VECTORS[2]);
  const [c0, c1, c2] = sixToEight.path;
  it.each<[string, Partial<ConsistencyClaim>, string]>([
    ['swapped roots', { firstRoot: ROOTS[8], secondRoot: ROOTS[6] }, 'FIRST_ROOT_MISMATCH'],
    ['a wrong first root', { firstRoot: ROOTS[5] }, 'FIRST_ROOT_MISMATCH'],
    ['a wrong second root', { secondRoot: ROOTS[7] }, 'SECOND_ROOT_MISMATCH'],
    ['a modified first path element', { path: [OTHER, c1, c2] }, 'FIRST_ROOT_MISMATCH'],
    ['a modified last path element', { path: [c0, c1, OTHER] }, 'FIRST_ROOT_MISMATCH'],
    ['a truncated path', { path: [c0, c1] }, 'PATH_LENGTH'],
    ['trailing garbage', { path: [c0, c1, c2, OTHER] }, 'PATH_LENGTH'],
    ['the first root prepended', { path: [ROOTS[6], c0, c1, c2] }, 'PATH_LENGTH'],
    ['an empty path', { path: [] }, 'PATH_LENGTH'],
    ['first size + 1', { firstSize: 7 }, 'PATH_LENGTH'],
    ['first size - 1 (a longer path)', { firstSize: 5, firstRoot: ROOTS[5] }, 'PATH_LENGTH'],
    ['first size 1 (a path as long)', { firstSize: 1, firstRoot: ROOTS[1] }, 'SECOND_ROOT_MISMATCH'],
    ['second size * 2', { secondSize: 16 }, 'PATH_LENGTH'],
    ['second size - 1', { secondSize: 7, secondRoot: ROOTS[7] }, 'SECOND_ROOT_MISMATCH'],
    ['first size larger than second', { firstSize: 9 }, 'SIZE_ORDER'],
    ['a malformed root', { firstRoot: '00' }, 'MALFORMED_INPUT'],
    ['a fractional size', { secondSize: 8.5 }, 'MALFORMED_INPUT'],
  ])('rejects 6 → 8 with %s', (_, change, reason) => {
    expect(verifyConsistency({ ...sixToEight, ...change })).toMatchObject({ ok: false, reason });
  });

  it('checks the first root through the second when the first tree is a perfect subtree (the path has no copy of it)', () => {
    const twoToFive = consistencyClaim(CONSISTENCY_VECTORS[3]);
    expect(verifyConsistency({ ...twoToFive, firstRoot: ROOTS[3] })).toMatchObject({
      reason: 'SECOND_ROOT_MISMATCH',
    });
    expect(verifyConsistency({ ...twoToFive, path: [...twoToFive.path].reverse() })).toMatchObject({
      ok: false,
    });
  });

  it('accepts equal sizes with equal roots and an empty path only', () => {
    const same = { firstSize: 5, secondSize: 5, firstRoot: ROOTS[5], secondRoot: ROOTS[5], path: [] };
    expect(verifyConsistency(same)).toEqual({ ok: true });
    expect(verifyConsistency({ ...same, secondRoot: ROOTS[4] })).toMatchObject({
      reason: 'SECOND_ROOT_MISMATCH',
    });
    expect(verifyConsistency({ ...same, path: [ROOTS[5]] })).toMatchObject({ reason: 'PATH_LENGTH' });
  });

  it('accepts the empty tree as the start of any tree, given its true root and an empty path', () => {
    const fromEmpty = {
      firstSize: 0,
      secondSize: 8,
      firstRoot: EMPTY_TREE_ROOT,
      secondRoot: ROOTS[8],
      path: [],
    };
    expect(verifyConsistency(fromEmpty)).toEqual({ ok: true });
    expect(verifyConsistency({ ...fromEmpty, secondSize: 0, secondRoot: EMPTY_TREE_ROOT })).toEqual({
      ok: true,
    });
    expect(verifyConsistency({ ...fromEmpty, firstRoot: ROOTS[1] })).toMatchObject({
      reason: 'FIRST_ROOT_MISMATCH',
    });
    expect(verifyConsistency({ ...fromEmpty, path: [ROOTS[8]] })).toMatchObject({ reason: 'PATH_LENGTH' });
  });

  it('never throws, whatever it is given', () => {
    fc.assert(
      fc.property(
        fc.anything(),
        fc.record({
          firstSize: fc.nat(20),
          secondSize: fc.nat(20),
          firstRoot: fc.anything(),
          secondRoot: fc.anything(),
          path: fc.array(fc.anything(), { maxLength: 5 }),
        }),
        (anything, record) => {
          expect(verifyConsistency(anything as ConsistencyClaim).ok).toBe(false);
          expect(verifyConsistency(record as unknown as ConsistencyClaim).ok).toBe(false);
        },
      ),
    );
  });
});
