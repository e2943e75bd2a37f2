import { Controller, Get, Header, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthProblems, CurrentPrincipal, Roles, type Principal } from '@pedigree/auth';
import { epcisProblem } from '../epcis-problems';
import { CaptureJobRepository, type CaptureJob } from './capture-job.repository';
import { CAPTURING_ROLES } from './capture-policy';
import { CaptureService, type CaptureFormat } from './capture.service';

function formatOf(contentType: string | undefined): CaptureFormat {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json' || type === 'application/ld+json') return 'json';
  if (type === 'application/xml' || type === 'text/xml') return 'xml';
  throw epcisProblem(
    'UnsupportedMediaTypeException',
    415,
    `cannot capture ${type || 'a body without Content-Type'}`,
  );
}

function bodyText(request: FastifyRequest): string {
  if (typeof request.body !== 'string' || request.body.length === 0) {
    throw epcisProblem('ValidationException', 400, 'the request has no EPCIS document');
  }
  return request.body;
}

/** The capture job document of the EPCIS 2.0 REST binding. */
function captureJobDocument(job: CaptureJob) {
  return {
    captureID: job.captureId,
    createdAt: job.createdAt.toISOString(),
    ...(job.finishedAt ? { finishedAt: job.finishedAt.toISOString() } : {}),
    running: job.running,
    success: job.success,
    captureErrorBehaviour: job.captureErrorBehaviour,
    errors: job.errors,
  };
}

@ApiTags('capture')
@AuthProblems('epcis')
@Controller()
export class CaptureController {
  constructor(
    private readonly capture: CaptureService,
    private readonly jobs: CaptureJobRepository,
  ) {}

  @Post('capture')
  @HttpCode(202)
  @Roles(...CAPTURING_ROLES)
  @ApiOperation({
    summary: 'Capture an EPCIS document (JSON-LD, or XML 2.0/1.2); 202 once every event is in the event log',
  })
  @ApiConsumes('application/ld+json', 'application/json', 'application/xml', 'text/xml')
  @ApiBody({ description: 'EPCISDocument' })
  @ApiResponse({ status: 202, description: 'Accepted; Location: /capture/{captureID}' })
  async captureDocument(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    const document = await this.capture.parse(bodyText(request), formatOf(request.headers['content-type']));
    const { job } = await this.capture.capture(document, principal);
    void reply.header('location', `/capture/${job.captureId}`);
  }

  @Get('capture/:captureId')
  @Header('content-type', 'application/json')
  @ApiOperation({ summary: 'The state of a capture job' })
  async job(@Param('captureId') captureId: string, @CurrentPrincipal() principal: Principal) {
    const job = await this.jobs.find(captureId);
    const mayRead =
      job &&
      (job.capturedBy === principal.party || principal.roles.some((r) => r === 'admin' || r === 'regulator'));
    if (!job || !mayRead) throw epcisProblem('NoSuchResourceException', 404, `no capture job ${captureId}`);
    return captureJobDocument(job);
  }

  @Post('events')
  @HttpCode(201)
  @Roles(...CAPTURING_ROLES)
  @ApiOperation({
    summary:
      'Capture a single EPCIS event (JSON-LD); 201 with the event’s Location once it is in the event log',
  })
  @ApiConsumes('application/ld+json', 'application/json')
  async captureEvent(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    if (formatOf(request.headers['content-type']) !== 'json') {
      throw epcisProblem(
        'UnsupportedMediaTypeException',
        415,
        'POST /events takes a single event as JSON-LD',
      );
    }
    let event: unknown;
    try {
      event = JSON.parse(bodyText(request));
    } catch (error) {
      throw epcisProblem('ValidationException', 400, `malformed JSON: ${(error as Error).message}`);
    }
    if (!event || typeof event !== 'object' || Array.isArray(event)) {
      throw epcisProblem('ValidationException', 400, 'the body must be one EPCIS event (a JSON object)');
    }
    const { eventIds } = await this.capture.capture(
      this.capture.wrapEvent(event as Record<string, unknown>),
      principal,
    );
    void reply.header('location', `/events/${encodeURIComponent(eventIds[0]!)}`);
  }
}
