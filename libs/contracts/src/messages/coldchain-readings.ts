import { z } from 'zod';
import { glnSchema, isoTimestampSchema } from './common';

/** A batch of temperature (or other sensor) readings from one logger. */
export const readingBatchSchema = z.object({
  loggerId: z.string().min(1),
  /** The EPC (usually an SSCC) or shipment the logger travels with, when known. */
  subject: z.string().min(1).optional(),
  /**
   * The party (GLN) whose credentials sent the readings, set by the service that accepted them (not by the logger):
   * the subject becomes visible to it. Absent in a batch a client wrote.
   */
  sentBy: glnSchema.optional(),
  readings: z
    .array(
      z.object({
        time: isoTimestampSchema,
        /** GS1 measurement type, e.g. `Temperature`. */
        type: z.string().min(1),
        value: z.number().finite(),
        /** UN/ECE Rec 20 unit code, e.g. `CEL`. */
        uom: z.string().regex(/^[A-Z0-9]{2,3}$/),
      }),
    )
    .min(1),
});
