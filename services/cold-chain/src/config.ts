import { serviceConfigSchema } from '@pedigree/config';

export const configSchema = serviceConfigSchema({ port: 3002, serviceName: 'cold-chain' });
