/**
 * The error thrown by libs/merkle for invalid arguments (malformed hashes, sizes or indexes out of
 * range, a corrupt serialised frontier, a node the storage does not have). Proof verification never
 * throws: it answers with a {@link VerificationResult} instead.
 */
export type MerkleErrorCode =
  | 'INVALID_HASH'
  | 'INVALID_BYTES'
  | 'INVALID_SIZE'
  | 'INVALID_INDEX'
  | 'INVALID_FRONTIER'
  | 'NODE_NOT_FOUND'
  | 'INVALID_JSON';

export class MerkleError extends Error {
  constructor(
    readonly code: MerkleErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MerkleError';
  }
}
