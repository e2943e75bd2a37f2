import { BytesLike, toHash } from './bytes';
import { MerkleError } from './errors';
import { emptyRootBytes, nodeHashBytes } from './hashing';
import { consistencyPathLength, inclusionPathLength, isTreeSize } from './tree-math';

/** Why a proof was rejected; stable codes a CLI or API can show and branch on. */
export type VerificationFailure =
  | 'MALFORMED_INPUT'
  | 'INDEX_OUT_OF_RANGE'
  | 'SIZE_ORDER'
  | 'PATH_LENGTH'
  | 'ROOT_MISMATCH'
  | 'FIRST_ROOT_MISMATCH'
  | 'SECOND_ROOT_MISMATCH';

/** The answer of every verify function; they never throw. */
export type VerificationResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: VerificationFailure; readonly message: string };

/**
 * A claim that leaf hash `leafHash` is entry `leafIndex` of the tree of `treeSize` leaves whose root
 * is `root`. A root does not encode its tree size, so `treeSize` and `root` must come together from
 * the same trusted tree head (the Fabric anchor), never the size from the proof and the root from elsewhere.
 */
export interface InclusionClaim {
  readonly leafIndex: number;
  readonly treeSize: number;
  readonly leafHash: BytesLike;
  readonly path: readonly BytesLike[];
  readonly root: BytesLike;
}

/** A claim that the tree of `secondSize` leaves (root `secondRoot`) extends the one of `firstSize` leaves. */
export interface ConsistencyClaim {
  readonly firstSize: number;
  readonly secondSize: number;
  readonly firstRoot: BytesLike;
  readonly secondRoot: BytesLike;
  readonly path: readonly BytesLike[];
}

const OK: VerificationResult = Object.freeze({ ok: true });

function fail(reason: VerificationFailure, message: string): VerificationResult {
  return { ok: false, reason, message };
}

function decodeHashes(path: readonly BytesLike[]): Buffer[] {
  if (!Array.isArray(path)) throw new MerkleError('INVALID_BYTES', 'path must be an array of hashes');
  return path.map((element, i) => toHash(element, `path element ${i}`));
}

function isEven(n: number): boolean {
  return n % 2 === 0;
}

function half(n: number): number {
  return Math.floor(n / 2);
}

/** RFC 9162 §2.1.3.2: recomputes the root from the leaf hash and the inclusion path. */
export function verifyInclusion(claim: InclusionClaim): VerificationResult {
  if (typeof claim !== 'object' || claim === null)
    return fail('MALFORMED_INPUT', 'an inclusion claim must be an object');
  const { leafIndex, treeSize } = claim;
  if (!isTreeSize(leafIndex) || !isTreeSize(treeSize)) {
    return fail('MALFORMED_INPUT', 'leaf index and tree size must be non-negative safe integers');
  }
  if (leafIndex >= treeSize) {
    return fail('INDEX_OUT_OF_RANGE', `leaf index ${leafIndex} is not in a tree of size ${treeSize}`);
  }
  let leafHash: Buffer;
  let root: Buffer;
  let path: Buffer[];
  try {
    leafHash = toHash(claim.leafHash, 'leaf hash');
    root = toHash(claim.root, 'root');
    path = decodeHashes(claim.path);
  } catch (error) {
    return fail('MALFORMED_INPUT', (error as Error).message);
  }
  const expectedLength = inclusionPathLength(leafIndex, treeSize);
  if (path.length !== expectedLength) {
    return fail(
      'PATH_LENGTH',
      `an inclusion path for leaf ${leafIndex} in a tree of size ${treeSize} has ${expectedLength} hashes, got ${path.length}`,
    );
  }

  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leafHash;
  for (const p of path) {
    if (sn === 0) return fail('PATH_LENGTH', 'inclusion path is longer than the tree is high');
    if (!isEven(fn) || fn === sn) {
      r = nodeHashBytes(p, r);
      while (isEven(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHashBytes(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) return fail('PATH_LENGTH', 'inclusion path is shorter than the tree is high');
  if (!r.equals(root)) {
    return fail(
      'ROOT_MISMATCH',
      `leaf ${leafIndex} with this path does not lead to the root of the tree of size ${treeSize}`,
    );
  }
  return OK;
}

/**
 * RFC 9162 §2.1.4.2 for 0 < firstSize < secondSize. Beyond the RFC: equal sizes are consistent when
 * the path is empty and the roots are equal; the empty tree (size 0) is a prefix of every tree,
 * so firstSize 0 is consistent when the path is empty and firstRoot is the empty-tree root.
 */
export function verifyConsistency(claim: ConsistencyClaim): VerificationResult {
  if (typeof claim !== 'object' || claim === null)
    return fail('MALFORMED_INPUT', 'a consistency claim must be an object');
  const { firstSize, secondSize } = claim;
  if (!isTreeSize(firstSize) || !isTreeSize(secondSize)) {
    return fail('MALFORMED_INPUT', 'tree sizes must be non-negative safe integers');
  }
  if (firstSize > secondSize) {
    return fail('SIZE_ORDER', `first tree size ${firstSize} is larger than second tree size ${secondSize}`);
  }
  let firstRoot: Buffer;
  let secondRoot: Buffer;
  let path: Buffer[];
  try {
    firstRoot = toHash(claim.firstRoot, 'first root');
    secondRoot = toHash(claim.secondRoot, 'second root');
    path = decodeHashes(claim.path);
  } catch (error) {
    return fail('MALFORMED_INPUT', (error as Error).message);
  }
  const expectedLength =
    firstSize === 0 || firstSize === secondSize ? 0 : consistencyPathLength(firstSize, secondSize);
  if (path.length !== expectedLength) {
    return fail(
      'PATH_LENGTH',
      `a consistency path from size ${firstSize} to size ${secondSize} has ${expectedLength} hashes, got ${path.length}`,
    );
  }
  if (firstSize === 0) {
    return firstRoot.equals(emptyRootBytes())
      ? OK
      : fail('FIRST_ROOT_MISMATCH', 'the root of the empty tree is SHA-256 of nothing');
  }
  if (firstSize === secondSize) {
    return firstRoot.equals(secondRoot)
      ? OK
      : fail('SECOND_ROOT_MISMATCH', `two different roots for tree size ${firstSize}`);
  }

  const nodes = isExactPowerOfTwo(firstSize) ? [firstRoot, ...path] : path;
  let fn = firstSize - 1;
  let sn = secondSize - 1;
  while (!isEven(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = nodes[0];
  let sr = nodes[0];
  for (const c of nodes.slice(1)) {
    if (sn === 0) return fail('PATH_LENGTH', 'consistency path is longer than the tree is high');
    if (!isEven(fn) || fn === sn) {
      fr = nodeHashBytes(c, fr);
      sr = nodeHashBytes(c, sr);
      while (isEven(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHashBytes(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) return fail('PATH_LENGTH', 'consistency path is shorter than the tree is high');
  if (!fr.equals(firstRoot)) {
    return fail('FIRST_ROOT_MISMATCH', `the path does not lead to the root of the tree of size ${firstSize}`);
  }
  if (!sr.equals(secondRoot)) {
    return fail(
      'SECOND_ROOT_MISMATCH',
      `the path does not lead to the root of the tree of size ${secondSize}`,
    );
  }
  return OK;
}

function isExactPowerOfTwo(n: number): boolean {
  let p = 1;
  while (p < n) p *= 2;
  return p === n;
}
