import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { ProblemException } from '../problem-details.filter';
import { Public } from '../public-route';
import { ReadinessChecks } from './readiness-checks';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly readiness: ReadinessChecks,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'The process is up and serving HTTP' })
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({
    summary:
      'Ready for traffic: the database and Kafka answer (503 problem+json naming what is down otherwise)',
  })
  async ready(): Promise<HealthCheckResult> {
    try {
      return await this.health.check(this.readiness.all());
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const result = error.getResponse() as HealthCheckResult;
      const down = Object.keys(result.error ?? {});
      throw new ProblemException({
        type: 'about:blank',
        title: 'Service Unavailable',
        status: 503,
        detail: `not ready: ${down.join(', ')} ${down.length === 1 ? 'is' : 'are'} down`,
        checks: result.details,
      });
    }
  }
}
