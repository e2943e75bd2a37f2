import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  type HealthCheckResult,
  type HealthIndicatorResult,
} from '@nestjs/terminus';
import { PROBLEM_SCHEMA } from '../bootstrap';
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
  @ApiResponse({
    status: 200,
    description: 'live',
    content: {
      'application/json': {
        schema: {
          type: 'object',
          required: ['status'],
          properties: { status: { type: 'string', enum: ['ok'] } },
        },
      },
    },
  })
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  // Documented here rather than by terminus, whose 503 is its own JSON body: this one answers problem+json.
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiResponse({
    status: 200,
    description: 'ready, with the state of each check',
    content: {
      'application/json': {
        schema: {
          type: 'object',
          required: ['status'],
          properties: {
            status: { type: 'string', enum: ['ok'] },
            info: { type: 'object', additionalProperties: true },
            error: { type: 'object', additionalProperties: true },
            details: { type: 'object', additionalProperties: true },
          },
        },
      },
    },
  })
  @ApiResponse({
    status: 503,
    description: 'not ready: problem+json naming what is down, with the checks',
    content: { 'application/problem+json': { schema: PROBLEM_SCHEMA } },
  })
  @ApiOperation({
    summary:
      'Ready for traffic: the database and Kafka answer and the warm-up of the hot paths has ended (503 ' +
      'problem+json naming what is down, or the warm-up, otherwise). ' +
      "`details` also holds the service's reports on dependencies it degrades without; those never make it 503.",
  })
  async ready(): Promise<HealthCheckResult> {
    const reports = this.reports();
    try {
      const result = await this.health.check(this.readiness.all());
      return { ...result, details: { ...result.details, ...(await reports) } };
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const result = error.getResponse() as HealthCheckResult;
      const down = Object.keys(result.error ?? {});
      throw new ProblemException({
        type: 'about:blank',
        title: 'Service Unavailable',
        status: 503,
        detail: notReady(down, result),
        checks: { ...result.details, ...(await reports) },
      });
    }
  }

  /** The informational reports, run beside the readiness checks; a report that throws is shown down. */
  private async reports(): Promise<HealthIndicatorResult> {
    const results = await Promise.all(
      this.readiness.informational().map(async (report, i) => {
        try {
          return await report();
        } catch (error) {
          return { [`report${i}`]: { status: 'down' as const, message: (error as Error).message } };
        }
      }),
    );
    return Object.assign({}, ...results) as HealthIndicatorResult;
  }
}

/** What keeps the service out of traffic: the checks that are down, and what the warm-up is doing (WarmUp). */
function notReady(down: string[], result: HealthCheckResult): string {
  const named = `not ready: ${down.join(', ')} ${down.length === 1 ? 'is' : 'are'} down`;
  const warmUp = result.error?.['warm-up'];
  return warmUp === undefined ? named : `${named}; ${String(warmUp['message'])}`;
}
