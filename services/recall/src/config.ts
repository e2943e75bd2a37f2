import type { z } from 'zod';
import { withAuthConfig } from '@pedigree/auth';
import { serviceConfigSchema } from '@pedigree/config';

export const configSchema = withAuthConfig(serviceConfigSchema({ port: 3003, serviceName: 'recall' }));

export type RecallConfig = z.infer<typeof configSchema>;
