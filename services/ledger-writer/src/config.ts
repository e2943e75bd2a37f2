import { z } from 'zod';
import { withAuthConfig } from '@pedigree/auth';
import { serviceConfigSchema } from '@pedigree/config';

const filePath = (what: string) => z.string({ error: `is required (path of ${what})` }).min(1);

export const configSchema = withAuthConfig(
  serviceConfigSchema({ port: 3004, serviceName: 'ledger-writer' }).extend({
    /** A new head is cut once this many leaves wait for one… */
    ANCHOR_MAX_LEAVES: z.coerce.number().int().positive().default(5000),
    /** …or once the oldest leaf without a head has waited this long. */
    ANCHOR_MAX_DELAY_MS: z.coerce.number().int().positive().default(1000),
    /** First wait before retrying an anchor Fabric did not take (doubled per failure up to the maximum). */
    ANCHOR_RETRY_INITIAL_MS: z.coerce.number().int().positive().default(500),
    ANCHOR_RETRY_MAX_MS: z.coerce.number().int().positive().default(15_000),
    /** How often a standby replica tries to become the active writer, and the active one checks it still is (ADR 0012). */
    WRITER_LOCK_POLL_MS: z.coerce.number().int().positive().default(1000),
    /** Kafka session timeout of the log consumer: how long partitions stay with an active writer that died. */
    LEDGER_CONSUMER_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6000).default(10_000),
    /** The Fabric peer whose Gateway service the writer submits through, and the identity it submits with. */
    FABRIC_PEER_ENDPOINT: z
      .string({ error: 'is required (host:port of a peer Gateway)' })
      .regex(/^[^\s:]+:\d+$/, 'must be host:port'),
    /** The peer's name in its TLS certificate, when it differs from the endpoint's host. */
    FABRIC_PEER_HOST_ALIAS: z.string().min(1).optional(),
    FABRIC_TLS_CA_CERT: filePath("the peer's TLS CA certificate (PEM)"),
    FABRIC_MSP_ID: z.string({ error: 'is required (MSP id of the submitting organisation)' }).min(1),
    FABRIC_USER_CERT: filePath("the submitting user's certificate (PEM)"),
    FABRIC_USER_KEY: filePath("the submitting user's private key (PEM)"),
    FABRIC_CHANNEL: z.string().min(1).default('pedigree'),
    FABRIC_CHAINCODE: z.string().min(1).default('anchor'),
  }),
);

export type LedgerWriterConfig = z.infer<typeof configSchema>;
