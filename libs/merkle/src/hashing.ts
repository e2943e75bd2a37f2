import { createHash } from 'node:crypto';
import { BytesLike, toBytes, toHash, toHex } from './bytes';

/** RFC 9162 §2.1.1 domain separation: a leaf is hashed behind 0x00, an interior node behind 0x01. */
const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** MTH({}) = SHA-256 of the empty string, the root of the empty tree. */
export const EMPTY_TREE_ROOT = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export function leafHashBytes(leaf: Uint8Array): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(leaf).digest();
}

export function nodeHashBytes(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

export function emptyRootBytes(): Buffer {
  return Buffer.from(EMPTY_TREE_ROOT, 'hex');
}

/**
 * The leaf hash SHA-256(0x00 || leaf) of one log entry. In Pedigree an entry is 32 bytes (the
 * SHA-256 of a GS1 event hash or of canonical JSON), but any length is hashed as RFC 9162 says.
 */
export function hashLeaf(leaf: BytesLike): string {
  return toHex(leafHashBytes(toBytes(leaf, 'leaf')));
}

/** The interior node hash SHA-256(0x01 || left || right) of two 32-byte child hashes. */
export function hashChildren(left: BytesLike, right: BytesLike): string {
  return toHex(nodeHashBytes(toHash(left, 'left child hash'), toHash(right, 'right child hash')));
}

/**
 * MTH(D[n]) of RFC 9162 §2.1.1 over the leaf entries themselves (not their hashes), computed by
 * the recursive definition: the reference the incremental {@link Frontier} is tested against.
 */
export function merkleTreeHash(leaves: readonly BytesLike[]): string {
  const leafHashes = leaves.map((leaf, i) => leafHashBytes(toBytes(leaf, `leaf ${i}`)));
  return toHex(leafHashes.length === 0 ? emptyRootBytes() : subtreeHash(leafHashes, 0, leafHashes.length));
}

function subtreeHash(leafHashes: readonly Buffer[], start: number, end: number): Buffer {
  const size = end - start;
  if (size === 1) return leafHashes[start];
  let k = 1;
  while (k * 2 < size) k *= 2;
  return nodeHashBytes(subtreeHash(leafHashes, start, start + k), subtreeHash(leafHashes, start + k, end));
}
