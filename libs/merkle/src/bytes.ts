import { MerkleError } from './errors';

/** Bytes as a Uint8Array (a Buffer is one) or as a hexadecimal string (either case, no prefix). */
export type BytesLike = Uint8Array | string;

/** SHA-256 output length; every leaf hash, node hash and root in this library has it. */
export const HASH_BYTES = 32;

const HEX = /^(?:[0-9a-fA-F]{2})*$/;

/** Decodes hex, or views a Uint8Array as a Buffer without copying; throws {@link MerkleError} on malformed hex. */
export function toBytes(value: BytesLike, what = 'value'): Buffer {
  if (typeof value === 'string') {
    if (!HEX.test(value)) {
      throw new MerkleError('INVALID_BYTES', `${what} is not an even-length hexadecimal string`);
    }
    return Buffer.from(value, 'hex');
  }
  if (value instanceof Uint8Array) {
    return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }
  throw new MerkleError('INVALID_BYTES', `${what} must be a Uint8Array or a hexadecimal string`);
}

/** Like {@link toBytes} but also requires exactly 32 bytes (a SHA-256 value). */
export function toHash(value: BytesLike, what = 'hash'): Buffer {
  const bytes = toBytes(value, what);
  if (bytes.length !== HASH_BYTES) {
    throw new MerkleError('INVALID_HASH', `${what} must be ${HASH_BYTES} bytes, got ${bytes.length}`);
  }
  return bytes;
}

/** Lowercase hex, the form of every hash this library returns. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
