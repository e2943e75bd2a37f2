import { MerkleError } from './errors';
import {
  consistencyPathLength,
  countOnes,
  frontierNodeIds,
  inclusionPathLength,
  largestPowerOfTwoBelow,
  perfectSubtrees,
} from './tree-math';
import { FRONTIERS } from '../test/vectors';

const ids = (...pairs: Array<[number, number]>) => pairs.map(([level, index]) => ({ level, index }));

describe('largestPowerOfTwoBelow', () => {
  it.each([
    [2, 1],
    [3, 2],
    [4, 2],
    [5, 4],
    [8, 4],
    [9, 8],
    [2 ** 40, 2 ** 39],
    [2 ** 40 + 1, 2 ** 40],
    [Number.MAX_SAFE_INTEGER, 2 ** 52],
  ])('of %d is %d', (n, k) => {
    expect(largestPowerOfTwoBelow(n)).toBe(k);
  });
});

describe('perfectSubtrees', () => {
  it('splits a range by the binary digits of its width, largest first', () => {
    expect(perfectSubtrees(0, 13)).toEqual(ids([3, 0], [2, 2], [0, 12]));
    expect(perfectSubtrees(16, 23)).toEqual(ids([2, 4], [1, 10], [0, 22]));
    expect(perfectSubtrees(8, 16)).toEqual(ids([3, 1]));
    expect(perfectSubtrees(5, 5)).toEqual([]);
  });

  it('works beyond 32 bits', () => {
    expect(perfectSubtrees(0, 2 ** 40 + 5)).toEqual(ids([40, 0], [2, 2 ** 38], [0, 2 ** 40 + 4]));
  });
});

describe('frontierNodeIds', () => {
  it.each(FRONTIERS.map((nodes, size) => [size, nodes]))(
    'of a tree of size %d is its reference right edge',
    (size, nodes) => {
      expect(frontierNodeIds(size)).toEqual(nodes.map(([level, index]) => ({ level, index })));
    },
  );

  it('has one node per set bit of the size', () => {
    for (const size of [0, 1, 6, 255, 256, 2 ** 33 - 1, Number.MAX_SAFE_INTEGER]) {
      expect(frontierNodeIds(size)).toHaveLength(countOnes(size));
    }
    expect(countOnes(Number.MAX_SAFE_INTEGER)).toBe(53);
  });

  it.each([-1, 1.5, Number.NaN, 2 ** 53])('rejects the size %d', (size) => {
    expect(() => frontierNodeIds(size)).toThrow(MerkleError);
  });
});

describe('proof lengths', () => {
  it.each([
    [0, 1, 0],
    [0, 2, 1],
    [2, 3, 1],
    [0, 7, 3],
    [6, 7, 2],
    [4, 6, 2],
    [10, 15, 4],
    [0, 8, 3],
    [2 ** 40, 2 ** 40 + 1, 1],
    [0, 2 ** 40 + 1, 41],
  ])('an inclusion path of leaf %d in a tree of %d has %d hashes', (index, size, length) => {
    expect(inclusionPathLength(index, size)).toBe(length);
  });

  it.each([
    [1, 2, 1],
    [1, 8, 3],
    [6, 8, 3],
    [2, 5, 2],
    [4, 8, 1],
    [3, 7, 4],
    [2 ** 40, 2 ** 41, 1],
  ])('a consistency path from %d to %d has %d hashes', (first, second, length) => {
    expect(consistencyPathLength(first, second)).toBe(length);
  });
});
