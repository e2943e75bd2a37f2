import { z } from 'zod';
import { gtinSchema, isoTimestampSchema } from './common';

/** A storage-condition excursion detected for a shipment or logger. */
export const excursionSchema = z.object({
  excursionId: z.string().min(1),
  subject: z.string().min(1),
  gtin: gtinSchema.optional(),
  lots: z.array(z.string().min(1)).default([]),
  measurementType: z.string().min(1),
  allowedMin: z.number().finite().optional(),
  allowedMax: z.number().finite().optional(),
  observedMin: z.number().finite(),
  observedMax: z.number().finite(),
  uom: z.string().regex(/^[A-Z0-9]{2,3}$/),
  startedAt: isoTimestampSchema,
  endedAt: isoTimestampSchema.optional(),
  severity: z.enum(['minor', 'major', 'critical']),
});
