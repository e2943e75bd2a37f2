import { serviceConfigSchema } from '@pedigree/config';

export const configSchema = serviceConfigSchema({ port: 3004, serviceName: 'ledger-writer' });
