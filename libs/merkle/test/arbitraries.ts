import fc from 'fast-check';
import { MerkleLog } from '../src/merkle-log';

/** fast-check arbitraries and fixtures for the property tests only. */

/** A 32-byte leaf entry, like the SHA-256 part of a GS1 event hash, as lowercase hex. */
export const leafEntry: fc.Arbitrary<string> = fc
  .uint8Array({ minLength: 32, maxLength: 32 })
  .map((bytes) => Buffer.from(bytes).toString('hex'));

/** Flips bit `bit` (taken modulo the length) of a hex-encoded byte string. */
export function flipBit(hex: string, bit: number): string {
  const bytes = Buffer.from(hex, 'hex');
  const at = bit % (bytes.length * 8);
  bytes[Math.floor(at / 8)] ^= 1 << (at % 8);
  return bytes.toString('hex');
}

export interface LogFixture {
  readonly log: MerkleLog;
  readonly leaves: readonly string[];
  /** roots[n] is the root of the first n leaves. */
  readonly roots: readonly string[];
}

export function logOf(leaves: readonly string[]): LogFixture {
  const log = new MerkleLog();
  for (const leaf of leaves) log.append(leaf);
  const roots = Array.from({ length: leaves.length + 1 }, (_, n) => log.root(n));
  return { log, leaves, roots };
}

/** A log of `minSize`..`maxSize` random 32-byte entries. */
export function randomLog(minSize: number, maxSize: number): fc.Arbitrary<LogFixture> {
  return fc.array(leafEntry, { minLength: minSize, maxLength: maxSize }).map(logOf);
}
