import { z } from 'zod';
import { isoTimestampSchema, sha256HexSchema } from './common';

/** A head of the append-only Merkle log that was committed on the Fabric ledger. */
export const anchorNoticeSchema = z.object({
  treeSize: z.number().int().positive(),
  rootHash: sha256HexSchema,
  previousTreeSize: z.number().int().nonnegative(),
  previousRootHash: sha256HexSchema.nullable(),
  channel: z.string().min(1),
  chaincode: z.string().min(1),
  transactionId: z.string().min(1),
  blockNumber: z.number().int().nonnegative(),
  anchoredAt: isoTimestampSchema,
});
