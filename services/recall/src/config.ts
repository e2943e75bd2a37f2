import { serviceConfigSchema } from '@pedigree/config';

export const configSchema = serviceConfigSchema({ port: 3003, serviceName: 'recall' });
