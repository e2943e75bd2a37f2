import { z } from 'zod';
import { PACK_STATUSES } from '@pedigree/registry';
import { glnSchema, gtinSchema, isoTimestampSchema } from '../messages/common';

/**
 * The answers of the serialization service's pack verification (`POST /packs/verify`, `POST /packs/{operation}`,
 * `POST /packs/undo`, `POST /verifications`) and of its DSCSA VRS responder (`GET /verify/gtin/…`,
 * `GET /checkConnectivity`), as the service sends them and every client (the `pedigree verify` command, other
 * services) reads them. The schemas are also the bodies the service's OpenAPI description declares.
 */

/** Verification failure reasons of the GS1 Lightweight Messaging Standard (GS1 US guideline 1.3). */
export const VERIFICATION_FAILURE_REASONS = [
  'No_match_GTIN_Serial',
  'No_match_GTIN_Serial_Lot',
  'No_match_GTIN_Serial_Expiry',
  'No_match_GTIN_Serial_Lot_Expiry',
  'Not_for_re-distribution',
  'Manufacturer_policy',
  'No_reason_provided',
] as const;
export type VerificationFailureReason = (typeof VERIFICATION_FAILURE_REASONS)[number];

/** Additional information values of the guideline. */
export const ADDITIONAL_INFO = [
  'Expired',
  'Recalled',
  'Suspect',
  'Illegitimate',
  'ExpirationExtended',
] as const;
export type AdditionalInfo = (typeof ADDITIONAL_INFO)[number];

/** The `data` member of a verification response. */
export const vrsDataSchema = z.strictObject({
  verified: z.boolean(),
  verificationFailureReason: z.enum(VERIFICATION_FAILURE_REASONS).optional(),
  additionalInfo: z.enum(ADDITIONAL_INFO).optional(),
});
export type VrsData = z.infer<typeof vrsDataSchema>;

/** The VRS verification response message (`GET /verify/gtin/{gtin}/lot/{lot}/ser/{serial}`). */
export const vrsResponseSchema = z.strictObject({
  verificationTimestamp: isoTimestampSchema,
  responderGLN: glnSchema,
  corrUUID: z.string(),
  data: vrsDataSchema,
});
export type VrsResponse = z.infer<typeof vrsResponseSchema>;

/** The answer of `GET /checkConnectivity`. */
export const connectivityAnswerSchema = z.strictObject({ responderGLN: glnSchema });
export type ConnectivityAnswer = z.infer<typeof connectivityAnswerSchema>;

/** NMVS-style return codes of pack verification and pack operations. */
export const PACK_RETURN_CODES = [
  'OK',
  'PACK_NOT_ACTIVE',
  'UNKNOWN_PRODUCT_CODE',
  'UNKNOWN_BATCH',
  'UNKNOWN_SERIAL',
  'BATCH_MISMATCH',
  'EXPIRY_MISMATCH',
  'ALREADY_IN_STATE',
  'STATE_CHANGE_NOT_ALLOWED',
  'SUSPECT_CLONE',
  'PACK_EXPIRED',
  'PACK_RECALLED',
  'UNDO_NOTHING_TO_UNDO',
  'UNDO_OTHER_PARTY',
  'UNDO_OTHER_PREMISES',
  'UNDO_TOO_LATE',
  'UNDO_EXPIRED',
  'UNDO_RECALLED',
  'UNDO_NOT_REVERSIBLE',
  'UNDO_SUPPLIED_TO_PUBLIC',
  'NOT_HOLDER',
  'NOT_OWN_PREMISES',
] as const;
export type PackReturnCode = (typeof PACK_RETURN_CODES)[number];

/** The state changes of `POST /packs/{operation}` (EU FMD / NMVS decommissioning). */
export const PACK_OPERATION_NAMES = [
  'supply',
  'destroy',
  'export',
  'sample',
  'free-sample',
  'lock',
  'stolen',
  'check-out',
] as const;
export type PackOperationName = (typeof PACK_OPERATION_NAMES)[number];

/** The answer to a pack verification or operation: NMVS-style return code and alert, the pack, and the DSCSA view. */
export const packAnswerSchema = z.strictObject({
  verificationId: z.string(),
  verificationTimestamp: isoTimestampSchema,
  responderGLN: glnSchema.optional(),
  operation: z.enum(['verify', ...PACK_OPERATION_NAMES, 'undo']),
  returnCode: z.enum(PACK_RETURN_CODES),
  message: z.string(),
  applied: z.boolean(),
  /** Present when the return code is a potential falsification. */
  alert: z.strictObject({ alertId: z.string(), code: z.enum(PACK_RETURN_CODES) }).optional(),
  pack: z.strictObject({
    gtin: gtinSchema,
    serial: z.string(),
    lot: z.string().optional(),
    /** ISO date (YYYY-MM-DD). */
    expiry: z.string().optional(),
    /** The pack's registry status; absent while the serial is not commissioned. */
    state: z.enum(PACK_STATUSES).optional(),
    expired: z.boolean(),
    recalled: z.boolean(),
    suspect: z.boolean(),
  }),
  data: vrsDataSchema,
});
export type PackAnswer = z.infer<typeof packAnswerSchema>;
