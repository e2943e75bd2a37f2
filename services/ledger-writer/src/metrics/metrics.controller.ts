import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '@pedigree/service-runtime';
import { LedgerWriterService } from '../ledger-writer.service';

/** Prometheus metrics; public like /health, since they name no event and no party (only counts and states). */
@ApiTags('health')
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly writer: LedgerWriterService) {}

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiProduces('text/plain')
  @ApiOperation({
    summary:
      'Prometheus metrics: leaves appended, heads anchored, leaves waiting for an anchor and the age of the ' +
      'oldest, anchoring state, whether Fabric answers, whether this process is the active writer',
  })
  @ApiResponse({
    status: 200,
    description: 'the Prometheus text exposition format 0.0.4',
    content: { 'text/plain': { schema: { type: 'string' } } },
  })
  metrics(): Promise<string> {
    return this.writer.metrics();
  }
}
