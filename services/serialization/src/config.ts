import { z } from 'zod';
import { withAuthConfig } from '@pedigree/auth';
import { serviceConfigSchema } from '@pedigree/config';
import { isValidGs1Key } from '@pedigree/gs1';

export const configSchema = withAuthConfig(
  serviceConfigSchema({ port: 3001, serviceName: 'serialization' }).extend({
    /** Largest capture document in events (answered with 413 CaptureLimitExceededException). */
    CAPTURE_MAX_EVENTS: z.coerce.number().int().positive().default(10_000),
    /** Largest capture document in bytes. */
    CAPTURE_MAX_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(20 * 1024 * 1024),
    /**
     * Largest event in bytes, as published to Kafka (the message payload in JSON; answered with 413
     * CaptureLimitExceededException). Below the broker's message.max.bytes (Kafka's default 1,048,588, which
     * scripts/config/kafka-server.properties keeps), leaving room for the envelope.
     */
    CAPTURE_MAX_EVENT_BYTES: z.coerce.number().int().positive().default(1_000_000),
    /**
     * A capture job still running after this many seconds has lost its request or process (a capture publishes in
     * well under a minute, Kafka's retries included); reading it then reports it failed.
     */
    CAPTURE_JOB_TIMEOUT_SECONDS: z.coerce.number().int().positive().default(600),
    /** Largest page an EPCIS query returns. */
    QUERY_MAX_PAGE_SIZE: z.coerce.number().int().positive().default(1000),
    /** Events per subscription delivery (halved for a subscription whose receiver answers 413). */
    SUBSCRIPTION_BATCH_SIZE: z.coerce.number().int().positive().default(500),
    /** How long a subscriber's webhook has to answer a delivery. */
    SUBSCRIPTION_DELIVERY_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
    /** Longest wait between two attempts of a failing delivery (the waits double from 1 s). */
    SUBSCRIPTION_MAX_BACKOFF_SECONDS: z.coerce.number().int().positive().default(300),
    /** Webhook deliveries in flight at once in one process. */
    SUBSCRIPTION_DELIVERY_CONCURRENCY: z.coerce.number().int().positive().default(16),
    /** How often a process looks for due deliveries when no notification came (scheduled runs, retries). */
    SUBSCRIPTION_POLL_MS: z.coerce.number().int().positive().default(1000),
    /** GLN this service answers DSCSA verification requests as (`responderGLN`); VRS answers 503 without it. */
    VRS_RESPONDER_GLN: z
      .string()
      .refine((gln) => isValidGs1Key('GLN', gln), 'must be a 13-digit GLN with a valid check digit')
      .optional(),
    /** Verification request contexts accepted (comma-separated); others answer 400. */
    VRS_CONTEXTS: z
      .string()
      .default('dscsaSaleableReturn')
      .transform(
        (list) =>
          new Set(
            list
              .split(',')
              .map((c) => c.trim())
              .filter((c) => c.length > 0),
          ),
      ),
  }),
);

export type SerializationConfig = z.infer<typeof configSchema>;
