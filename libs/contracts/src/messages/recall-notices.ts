import { z } from 'zod';
import { glnSchema, gtinSchema, isoTimestampSchema } from './common';

/** A recall (or its withdrawal or closure) that changes the status of the packs in its scope. */
export const recallNoticeSchema = z.object({
  noticeId: z.string().min(1),
  recallId: z.string().min(1),
  action: z.enum(['recall', 'withdraw', 'close']),
  gtin: gtinSchema,
  /** Lots in scope; empty means every lot of the GTIN. */
  lots: z.array(z.string().min(1)),
  /** Individual serials in scope, when the recall is narrower than whole lots. */
  serials: z.array(z.string().min(1)).default([]),
  classification: z.enum(['class-I', 'class-II', 'class-III', 'market-withdrawal']),
  reason: z.string().min(1),
  effectiveAt: isoTimestampSchema,
  issuedBy: glnSchema,
});
