import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule } from '@pedigree/auth';
import { ServiceRuntimeModule } from '@pedigree/service-runtime';
import type { ColdChainConfig } from './config';
import * as schema from './db/schema';

@Module({})
export class AppModule {
  static register(config: ColdChainConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceRuntimeModule.forRoot({
          config,
          schema,
          migrations: 'cold-chain',
        }),
        AuthModule.forRoot(config),
      ],
    };
  }
}
