import type { z } from 'zod';
import { withAuthConfig } from '@pedigree/auth';
import { serviceConfigSchema } from '@pedigree/config';

export const configSchema = withAuthConfig(serviceConfigSchema({ port: 3002, serviceName: 'cold-chain' }));

export type ColdChainConfig = z.infer<typeof configSchema>;
