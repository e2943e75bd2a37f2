import { z } from 'zod';
import { gtinSchema, isoTimestampSchema } from './common';

/**
 * A storage-condition excursion detected for a shipment or logger. The cold-chain service publishes one when it opens
 * an excursion and again, with the same `excursionId`, when its severity rises (minor → critical); temperatures are in
 * `uom`, the product profile's unit.
 */
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
  /** How many packs (of `gtin`) were in the subject during the excursion. */
  packCount: z.number().int().nonnegative().optional(),
  /** Minutes the subject was out of the allowed range in this excursion. */
  minutesOutOfRange: z.number().nonnegative().optional(),
  /** The largest time out of range any affected pack has consumed over its life, across every leg (minutes). */
  budgetConsumedMinutes: z.number().nonnegative().optional(),
  /** The profile's budget (minutes out of range allowed over a pack's life). */
  budgetMinutes: z.number().int().nonnegative().optional(),
  /** Mean kinetic temperature over the profile's window ending at the excursion's end, in `uom`. */
  mkt: z.number().finite().optional(),
});
