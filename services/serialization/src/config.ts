import { z } from 'zod';
import { withAuthConfig } from '@pedigree/auth';
import { serviceConfigSchema } from '@pedigree/config';

export const configSchema = withAuthConfig(
  serviceConfigSchema({ port: 3001, serviceName: 'serialization' }).extend({
    /** Largest capture document in events (answered with 413 CaptureLimitExceededException). */
    CAPTURE_MAX_EVENTS: z.coerce.number().int().positive().default(10_000),
    /** Largest capture document in bytes. */
    CAPTURE_MAX_BYTES: z.coerce.number().int().positive().default(20 * 1024 * 1024),
    /** Largest page an EPCIS query returns. */
    QUERY_MAX_PAGE_SIZE: z.coerce.number().int().positive().default(1000),
  }),
);

export type SerializationConfig = z.infer<typeof configSchema>;
