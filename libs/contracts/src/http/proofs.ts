import { z } from 'zod';
import { isoTimestampSchema, sha256HexSchema } from '../messages/common';

/**
 * The answers of the ledger-writer's proof API (`GET /proofs/{eventHash}`, `GET /heads`, `GET /consistency`), as the
 * service sends them and the `pedigree proof` command reads them (a saved bundle of `pedigree proof export` is an
 * inclusion proof with its format marker). The schemas are also the bodies the service's OpenAPI description declares.
 */

/** A SHA-256 value of the Merkle log (entry, leaf, node or root hash): 64 lowercase hex digits. */
const logHashSchema = sha256HexSchema;
const treeSizeSchema = z.number().int().nonnegative();

/** Where a head of the Merkle log was anchored on Fabric. */
export const proofAnchorSchema = z.strictObject({
  channel: z.string(),
  chaincode: z.string(),
  transactionId: z.string(),
  blockNumber: z.number().int().nonnegative(),
  anchoredAt: isoTimestampSchema,
});
export type ProofAnchor = z.infer<typeof proofAnchorSchema>;

/** What a leaf of the log stands for: an EPCIS event, an error declaration of one, an excursion or a recall notice. */
export const leafKindSchema = z.enum([
  'epcis-event',
  'epcis-error-declaration',
  'coldchain-excursion',
  'recall-notice',
]);
export type LeafKind = z.infer<typeof leafKindSchema>;

/** `GET /proofs/{eventHash}`: the inclusion proof of an event's leaf in the newest anchored head. */
export const inclusionProofBundleSchema = z.strictObject({
  /** The GS1 event hash ID of an EPCIS event; `ni:///sha-256;<entry>` of another message. */
  eventHash: z.string(),
  kind: leafKindSchema,
  entry: logHashSchema,
  leafHash: logHashSchema,
  leafIndex: treeSizeSchema,
  treeSize: treeSizeSchema,
  rootHash: logHashSchema,
  auditPath: z.array(logHashSchema),
  anchor: proofAnchorSchema,
});
export type InclusionProofBundle = z.infer<typeof inclusionProofBundleSchema>;

/** An anchored head of the log, as `GET /heads` and `GET /consistency` show it. */
export const anchoredHeadViewSchema = z.strictObject({
  treeSize: treeSizeSchema,
  rootHash: logHashSchema,
  previousTreeSize: treeSizeSchema,
  /** Null for the first head of the log. */
  previousRootHash: logHashSchema.nullable(),
  anchor: proofAnchorSchema,
});
export type AnchoredHeadView = z.infer<typeof anchoredHeadViewSchema>;

/** `GET /heads`: a page of anchored heads, newest first, and the path of the next page when there is one. */
export const headsPageSchema = z.strictObject({
  heads: z.array(anchoredHeadViewSchema),
  next: z.string().optional(),
});
export type HeadsPage = z.infer<typeof headsPageSchema>;

/** `GET /consistency?from=&to=`: the log of `secondSize` leaves extends the one of `firstSize`. */
export const consistencyProofAnswerSchema = z.strictObject({
  firstSize: treeSizeSchema,
  secondSize: treeSizeSchema,
  firstRoot: logHashSchema,
  secondRoot: logHashSchema,
  path: z.array(logHashSchema),
  first: anchoredHeadViewSchema,
  second: anchoredHeadViewSchema,
});
export type ConsistencyProofAnswer = z.infer<typeof consistencyProofAnswerSchema>;
