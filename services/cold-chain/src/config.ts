import { z } from 'zod';
import { withAuthConfig } from '@pedigree/auth';
import { serviceConfigSchema } from '@pedigree/config';

export const configSchema = withAuthConfig(
  serviceConfigSchema({ port: 3002, serviceName: 'cold-chain' }).extend({
    /** Readings later than now plus this many seconds are refused (a logger's clock may run a little ahead). */
    READINGS_MAX_FUTURE_SECONDS: z.coerce.number().int().nonnegative().default(300),
    /**
     * Readings are kept this many days: older readings are refused, and each replica's retention job drops the monthly
     * partitions past it (docs/cold-chain.md, ADR 0018).
     */
    READINGS_RETENTION_DAYS: z.coerce.number().int().positive().default(3660),
    /** Monthly readings partitions the retention job creates ahead of the current month. */
    READINGS_PARTITIONS_AHEAD: z.coerce.number().int().nonnegative().default(2),
    /** How often each replica runs the retention job, ms (runs are serialised in PostgreSQL). */
    READINGS_RETENTION_INTERVAL_MS: z.coerce.number().int().positive().default(3_600_000),
    /** Most readings one POST /readings may carry. */
    READINGS_MAX_PER_REQUEST: z.coerce.number().int().positive().default(100_000),
    /**
     * A request of at most this many readings (a logger reporting as it goes) is published on
     * coldchain.readings.priority.v1, consumed apart from the bulk uploads on coldchain.readings.v1 (0: never).
     */
    READINGS_PRIORITY_MAX_PER_REQUEST: z.coerce.number().int().nonnegative().default(100),
    /** Most readings one coldchain.readings.v1 message carries (a request's batches are split; Kafka's message size). */
    READINGS_PER_MESSAGE: z.coerce.number().int().positive().default(5_000),
    /** A logger silent for more than this multiple of its interval has a gap. */
    READINGS_GAP_FACTOR: z.coerce.number().positive().default(3),
    /**
     * coldchain.readings.v1 partitions one replica consumes side by side (readings of different loggers touch different
     * rows). More than 3 loaded PostgreSQL so that the small batches (coldchain.readings.priority.v1) waited longer,
     * without storing more (bench/RESULTS.md).
     */
    READINGS_CONSUMER_CONCURRENCY: z.coerce.number().int().positive().default(3),
    /** How often a replica looks for subjects to evaluate when nothing woke it, ms. */
    EVALUATION_POLL_MS: z.coerce.number().int().positive().default(1000),
  }),
);

export type ColdChainConfig = z.infer<typeof configSchema>;
