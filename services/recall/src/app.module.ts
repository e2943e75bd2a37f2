import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule } from '@pedigree/auth';
import { ServiceRuntimeModule } from '@pedigree/service-runtime';
import type { RecallConfig } from './config';
import * as schema from './db/schema';

@Module({})
export class AppModule {
  static register(config: RecallConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceRuntimeModule.forRoot({
          config,
          schema,
          migrations: 'recall',
        }),
        AuthModule.forRoot(config),
      ],
    };
  }
}
