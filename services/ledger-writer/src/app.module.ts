import { Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AuthModule } from '@pedigree/auth';
import { DATABASE, ServiceRuntimeModule } from '@pedigree/service-runtime';
import type { DatabaseHandle } from '@pedigree/database';
import type { LedgerWriterConfig } from './config';
import * as schema from './db/schema';
import { LedgerWriterService } from './ledger-writer.service';
import { LogRepository } from './log/log-repository';
import { MetricsController } from './metrics/metrics.controller';
import { ProofsController } from './proofs/proofs.controller';

@Module({})
export class AppModule {
  static register(config: LedgerWriterConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceRuntimeModule.forRoot({
          config,
          schema,
          migrations: 'ledger-writer',
        }),
        AuthModule.forRoot(config),
        TerminusModule,
      ],
      controllers: [ProofsController, MetricsController],
      providers: [
        {
          provide: LogRepository,
          inject: [DATABASE],
          useFactory: (database: DatabaseHandle<Record<string, unknown>>) =>
            new LogRepository(database.pool, {
              channel: config.FABRIC_CHANNEL,
              chaincode: config.FABRIC_CHAINCODE,
            }),
        },
        LedgerWriterService,
      ],
    };
  }
}
