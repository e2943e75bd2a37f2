import fc from 'fast-check';
import { hashLeaf, merkleTreeHash } from './hashing';
import { verifyConsistency, verifyInclusion } from './verify';
import { LogFixture, flipBit, leafEntry, logOf, randomLog } from '../test/arbitraries';

/** A log with a tree size n in it and a leaf index m < n. */
const leafInTree = randomLog(1, 96).chain((fixture) =>
  fc
    .integer({ min: 1, max: fixture.leaves.length })
    .chain((treeSize) => fc.record({ treeSize: fc.constant(treeSize), leafIndex: fc.nat(treeSize - 1) }))
    .map(({ treeSize, leafIndex }) => ({ fixture, treeSize, leafIndex })),
);

/** A log with two tree sizes 1 ≤ m < n in it. */
const twoHeads = randomLog(2, 96).chain((fixture) =>
  fc
    .integer({ min: 2, max: fixture.leaves.length })
    .chain((secondSize) =>
      fc.record({
        secondSize: fc.constant(secondSize),
        firstSize: fc.integer({ min: 1, max: secondSize - 1 }),
      }),
    )
    .map(({ firstSize, secondSize }) => ({ fixture, firstSize, secondSize })),
);

function inclusionClaim({ log, leaves, roots }: LogFixture, leafIndex: number, treeSize: number) {
  return {
    ...log.inclusionProof(leafIndex, treeSize),
    leafHash: hashLeaf(leaves[leafIndex]),
    root: roots[treeSize],
  };
}

function consistencyClaim({ log, roots }: LogFixture, firstSize: number, secondSize: number) {
  return {
    ...log.consistencyProof(firstSize, secondSize),
    firstRoot: roots[firstSize],
    secondRoot: roots[secondSize],
  };
}

describe('every leaf is provable in every later tree', () => {
  it('exhaustively for all sizes up to 40', () => {
    const fixture = logOf(Array.from({ length: 40 }, (_, i) => Buffer.alloc(32, i).toString('hex')));
    for (let treeSize = 1; treeSize <= 40; treeSize++) {
      expect(fixture.roots[treeSize]).toBe(merkleTreeHash(fixture.leaves.slice(0, treeSize)));
      for (let leafIndex = 0; leafIndex < treeSize; leafIndex++) {
        expect(verifyInclusion(inclusionClaim(fixture, leafIndex, treeSize))).toEqual({ ok: true });
      }
    }
  });

  it('for random logs, sizes and leaves', () => {
    fc.assert(
      fc.property(leafInTree, ({ fixture, treeSize, leafIndex }) => {
        expect(verifyInclusion(inclusionClaim(fixture, leafIndex, treeSize))).toEqual({ ok: true });
      }),
    );
  });
});

describe('any two heads of a log are consistent', () => {
  it('exhaustively for all sizes up to 40', () => {
    const fixture = logOf(Array.from({ length: 40 }, (_, i) => Buffer.alloc(32, 255 - i).toString('hex')));
    for (let secondSize = 0; secondSize <= 40; secondSize++) {
      for (let firstSize = 0; firstSize <= secondSize; firstSize++) {
        expect(verifyConsistency(consistencyClaim(fixture, firstSize, secondSize))).toEqual({ ok: true });
      }
    }
  });

  it('for random logs and sizes', () => {
    fc.assert(
      fc.property(twoHeads, ({ fixture, firstSize, secondSize }) => {
        expect(verifyConsistency(consistencyClaim(fixture, firstSize, secondSize))).toEqual({ ok: true });
      }),
    );
  });

  it('but heads of different logs are not', () => {
    fc.assert(
      fc.property(twoHeads, leafEntry, fc.nat(), ({ fixture, firstSize, secondSize }, otherLeaf, at) => {
        const changed = [...fixture.leaves];
        const position = at % firstSize;
        fc.pre(changed[position] !== otherLeaf);
        changed[position] = otherLeaf;
        const forked = logOf(changed);
        const claim = {
          ...forked.log.consistencyProof(firstSize, secondSize),
          firstRoot: fixture.roots[firstSize],
          secondRoot: forked.roots[secondSize],
        };
        expect(verifyConsistency(claim).ok).toBe(false);
      }),
    );
  });
});

describe('a single-bit tamper is rejected', () => {
  it('in the leaf hash, a path element or the root of an inclusion proof', () => {
    fc.assert(
      fc.property(leafInTree, fc.nat(), fc.nat(), ({ fixture, treeSize, leafIndex }, bit, element) => {
        const claim = inclusionClaim(fixture, leafIndex, treeSize);
        expect(verifyInclusion({ ...claim, leafHash: flipBit(claim.leafHash, bit) }).ok).toBe(false);
        expect(verifyInclusion({ ...claim, root: flipBit(claim.root, bit) }).ok).toBe(false);
        if (claim.path.length > 0) {
          const path = [...claim.path];
          const at = element % path.length;
          path[at] = flipBit(path[at], bit);
          expect(verifyInclusion({ ...claim, path }).ok).toBe(false);
        }
      }),
    );
  });

  it('in the leaf index of an inclusion proof', () => {
    fc.assert(
      fc.property(leafInTree, fc.nat(52), ({ fixture, treeSize, leafIndex }, bit) => {
        const claim = inclusionClaim(fixture, leafIndex, treeSize);
        const tampered = bit < 31 ? leafIndex ^ (2 ** bit) : leafIndex + 2 ** bit;
        expect(verifyInclusion({ ...claim, leafIndex: tampered }).ok).toBe(false);
      }),
    );
  });

  it('in the tree size of an inclusion proof, checked against the root the log has for that size', () => {
    fc.assert(
      fc.property(leafInTree, fc.nat(7), ({ fixture, treeSize, leafIndex }, bit) => {
        const tampered = treeSize ^ (2 ** bit);
        fc.pre(tampered <= fixture.leaves.length);
        const claim = inclusionClaim(fixture, leafIndex, treeSize);
        expect(verifyInclusion({ ...claim, treeSize: tampered, root: fixture.roots[tampered] }).ok).toBe(
          false,
        );
      }),
    );
  });

  it('in a root or a path element of a consistency proof', () => {
    fc.assert(
      fc.property(twoHeads, fc.nat(), fc.nat(), ({ fixture, firstSize, secondSize }, bit, element) => {
        const claim = consistencyClaim(fixture, firstSize, secondSize);
        expect(verifyConsistency({ ...claim, firstRoot: flipBit(claim.firstRoot, bit) }).ok).toBe(false);
        expect(verifyConsistency({ ...claim, secondRoot: flipBit(claim.secondRoot, bit) }).ok).toBe(false);
        const path = [...claim.path];
        const at = element % path.length;
        path[at] = flipBit(path[at], bit);
        expect(verifyConsistency({ ...claim, path }).ok).toBe(false);
      }),
    );
  });

  it('in a tree size of a consistency proof, checked against the roots the log has for those sizes', () => {
    fc.assert(
      fc.property(
        twoHeads,
        fc.nat(7),
        fc.boolean(),
        ({ fixture, firstSize, secondSize }, bit, tamperFirst) => {
          const claim = consistencyClaim(fixture, firstSize, secondSize);
          const size = tamperFirst ? firstSize ^ (2 ** bit) : secondSize ^ (2 ** bit);
          fc.pre(size <= fixture.leaves.length);
          const tampered = tamperFirst
            ? { ...claim, firstSize: size, firstRoot: fixture.roots[size] }
            : { ...claim, secondSize: size, secondRoot: fixture.roots[size] };
          expect(verifyConsistency(tampered).ok).toBe(false);
        },
      ),
    );
  });
});
