import { serviceConfigSchema } from '@pedigree/config';

export const configSchema = serviceConfigSchema({ port: 3001, serviceName: 'serialization' });
