import { z } from 'zod';
import { isEpcisEvent, type EpcisEvent } from '@pedigree/epcis';
import { glnSchema, isoTimestampSchema } from './common';

/** An EPCIS 2.0 event accepted by capture: the event as EPCIS 2.0 JSON-LD plus what capture learned about it. */
export const epcisEventMessageSchema = z.object({
  /** GS1 CBV 2.0 event hash ID, `ni:///sha-256;<hex>?ver=CBV2.0`. */
  eventHash: z.string().regex(/^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/),
  captureId: z.string().min(1),
  /** The party (GLN) whose credentials captured the event. */
  capturedBy: glnSchema,
  /**
   * Whether the capturer's token carried the `admin` role: an admin may declare any party's event in error
   * (docs/authorisation.md). Absent means no.
   */
  capturedByAdmin: z.boolean().optional(),
  /**
   * The roles and GS1 company prefixes (`gcp`) of the capturer's token: the registry fold decides with them who may
   * change an object (an admin any; nobody-held objects only the owner of their company prefix,
   * docs/authorisation.md). Absent in messages captured before they were recorded.
   */
  capturedByRoles: z.array(z.string()).optional(),
  capturedByGcps: z.array(z.string().regex(/^\d{4,12}$/)).optional(),
  /**
   * The parties that had appointed the capturer as their agent when capture recorded the event: the registry fold lets
   * the agent act for them (docs/authorisation.md, ADR 0023). Absent: none.
   */
  appointedBy: z.array(glnSchema).optional(),
  recordTime: isoTimestampSchema,
  /** Namespace prefixes of the capture document's @context that the event's extension fields use. */
  namespaces: z.record(z.string(), z.string()),
  /**
   * The event in EPCIS 2.0 JSON-LD form, validated whole by libs/epcis at capture; a consumer checks its shape (an
   * event type, event time and offset, an action) and receives it typed.
   */
  event: z.custom<EpcisEvent>(
    isEpcisEvent,
    'event must be an EPCIS 2.0 event (type, eventTime, eventTimeZoneOffset, action)',
  ),
});

export type EpcisEventMessage = z.infer<typeof epcisEventMessageSchema>;
