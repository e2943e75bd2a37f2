import { MerkleError } from './errors';

/**
 * Tree-shape arithmetic. Sizes and indexes are plain numbers up to Number.MAX_SAFE_INTEGER, so no
 * 32-bit bitwise operators are used: halving is Math.floor(x / 2) and a low bit is x % 2.
 */

/** A perfect subtree: the 2^level leaves starting at leaf index * 2^level. Leaves are level 0. */
export interface NodeId {
  readonly level: number;
  readonly index: number;
}

export function assertTreeSize(size: number, what = 'tree size'): void {
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new MerkleError('INVALID_SIZE', `${what} must be a non-negative safe integer, got ${String(size)}`);
  }
}

export function isTreeSize(size: unknown): size is number {
  return typeof size === 'number' && Number.isSafeInteger(size) && size >= 0;
}

/** The k of RFC 9162 §2.1.1: the largest power of two strictly smaller than n (n ≥ 2). */
export function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** log2 of a power of two. */
export function levelOf(powerOfTwo: number): number {
  let level = 0;
  for (let p = powerOfTwo; p > 1; p /= 2) level++;
  return level;
}

/** Number of set bits; the number of perfect subtrees a tree of this size is made of. */
export function countOnes(n: number): number {
  let ones = 0;
  for (let rest = n; rest > 0; rest = Math.floor(rest / 2)) ones += rest % 2;
  return ones;
}

/**
 * The perfect subtrees that make up the leaves [start, end), largest (leftmost) first. Valid for the
 * ranges a Merkle tree hash splits into: start is a multiple of a power of two ≥ end - start, so the
 * pieces follow the binary digits of end - start. MTH of the range folds them from the right.
 */
export function perfectSubtrees(start: number, end: number): NodeId[] {
  const nodes: NodeId[] = [];
  let offset = start;
  let width = 1;
  while (width * 2 <= end - start) width *= 2;
  for (let level = levelOf(width); width >= 1; width /= 2, level--) {
    if (offset + width <= end) {
      nodes.push({ level, index: offset / width });
      offset += width;
    }
  }
  return nodes;
}

/** The right edge of a tree of this size: the node ids a {@link Frontier} holds, largest first. */
export function frontierNodeIds(size: number): NodeId[] {
  assertTreeSize(size);
  return perfectSubtrees(0, size);
}

/** Length of the RFC 9162 inclusion path of leaf `index` in a tree of `size` leaves (index < size). */
export function inclusionPathLength(index: number, size: number): number {
  let length = 0;
  for (let m = index, n = size; n > 1; length++) {
    const k = largestPowerOfTwoBelow(n);
    if (m < k) {
      n = k;
    } else {
      m -= k;
      n -= k;
    }
  }
  return length;
}

/** Length of the RFC 9162 consistency path between sizes 0 < first < second. */
export function consistencyPathLength(first: number, second: number): number {
  let length = 0;
  let m = first;
  let n = second;
  let isFirstTreeRoot = true;
  while (m !== n) {
    const k = largestPowerOfTwoBelow(n);
    if (m <= k) {
      n = k;
    } else {
      m -= k;
      n -= k;
      isFirstTreeRoot = false;
    }
    length++;
  }
  return isFirstTreeRoot ? length : length + 1;
}
