import path from 'node:path';
import { Module, type DynamicModule } from '@nestjs/common';
import type { ServiceConfig } from '@pedigree/config';
import { ServiceRuntimeModule } from '@pedigree/service-runtime';
import * as schema from './db/schema';

@Module({})
export class AppModule {
  static register(config: ServiceConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceRuntimeModule.forRoot({ config, schema, migrationsFolder: path.resolve(__dirname, '../drizzle') }),
      ],
    };
  }
}
