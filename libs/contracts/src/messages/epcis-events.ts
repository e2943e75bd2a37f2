import { z } from 'zod';
import { glnSchema, isoTimestampSchema } from './common';

/** An EPCIS 2.0 event accepted by capture: the event as EPCIS 2.0 JSON-LD plus what capture learned about it. */
export const epcisEventMessageSchema = z.object({
  /** GS1 CBV 2.0 event hash ID, `ni:///sha-256;<hex>?ver=CBV2.0`. */
  eventHash: z.string().regex(/^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/),
  captureId: z.string().min(1),
  /** The party (GLN) whose credentials captured the event. */
  capturedBy: glnSchema,
  recordTime: isoTimestampSchema,
  /** Namespace prefixes of the capture document's @context that the event's extension fields use. */
  namespaces: z.record(z.string(), z.string()),
  /** The event in EPCIS 2.0 JSON-LD form (validated by libs/epcis at capture). */
  event: z
    .record(z.string(), z.unknown())
    .refine((e) => typeof e.type === 'string', 'event.type is required'),
});
