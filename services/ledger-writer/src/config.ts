import type { z } from 'zod';
import { withAuthConfig } from '@pedigree/auth';
import { serviceConfigSchema } from '@pedigree/config';

export const configSchema = withAuthConfig(serviceConfigSchema({ port: 3004, serviceName: 'ledger-writer' }));

export type LedgerWriterConfig = z.infer<typeof configSchema>;
