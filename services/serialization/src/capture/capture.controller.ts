import { Controller, Get, Header, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthProblems, CurrentPrincipal, Roles, seesEveryParty, type Principal } from '@pedigree/auth';
import { z } from 'zod';
import { ApiRequestContent, bodyContent, openApiSchema, SERVICE_CONFIG } from '@pedigree/service-runtime';
import type { SerializationConfig } from '../config';
import {
  collectionPageSize,
  decodeCollectionToken,
  encodeCollectionToken,
} from '../query/resource-collections';
import { epcisProblem } from '../epcis-problems';
import {
  captureJobDocument,
  captureJobDocumentSchema,
  strictParameter,
  type CaptureJobDocument,
} from './capture-http';
import { CAPTURE_BODY, EVENT_BODY } from './capture-openapi';
import { CaptureJobRepository } from './capture-job.repository';
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

const STRICT_QUERY = {
  name: 'strict',
  required: false,
  enum: ['true', 'false'],
  description:
    'true: refuse the document when validation has warnings too, not only errors (docs/epcis-validation-rules.md). Default false: warnings are kept on the capture job.',
} as const;

const PROBLEM = 'application/problem+json: {type, title, status, detail, errors?: [{pointer, detail}]}';

@ApiTags('capture')
@AuthProblems('epcis')
@Controller()
export class CaptureController {
  constructor(
    private readonly capture: CaptureService,
    private readonly jobs: CaptureJobRepository,
    @Inject(SERVICE_CONFIG) private readonly config: SerializationConfig,
  ) {}

  @Get('capture')
  @Header('content-type', 'application/json')
  @ApiOperation({ summary: 'Your capture jobs, newest first' })
  @ApiQuery({ name: 'perPage', required: false, schema: { type: 'integer', minimum: 1 } })
  @ApiQuery({ name: 'nextPageToken', required: false, schema: { type: 'string' } })
  @ApiResponse({
    status: 200,
    description: 'the capture jobs of your party; Link rel="next" when more pages',
    content: bodyContent(openApiSchema(z.array(captureJobDocumentSchema))),
  })
  @ApiResponse({
    status: 400,
    description: `epcisException:QueryParameterException (${PROBLEM}): perPage or nextPageToken is not valid`,
  })
  @ApiResponse({
    status: 401,
    description: `epcisException:SecurityException (${PROBLEM}): no or bad access token`,
  })
  async jobList(
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentPrincipal() principal: Principal,
    @Query('perPage') perPage?: string,
    @Query('nextPageToken') nextPageToken?: string,
  ): Promise<CaptureJobDocument[]> {
    const size = collectionPageSize(perPage, this.config.QUERY_MAX_PAGE_SIZE);
    const after = decodeCollectionToken('capture', nextPageToken);
    const [createdAt, captureId] = after === undefined ? [] : after.split('|');
    if (after !== undefined && (!createdAt || !captureId || Number.isNaN(Date.parse(createdAt))))
      throw epcisProblem('QueryParameterException', 400, 'nextPageToken: not a page token of /capture');
    const jobs = await this.jobs.list(
      principal.party,
      size + 1,
      after === undefined ? undefined : { createdAt: createdAt!, captureId: captureId! },
    );
    const page = jobs.slice(0, size);
    if (jobs.length > size) {
      const last = page[page.length - 1]!;
      const next = new URLSearchParams({
        perPage: String(size),
        nextPageToken: encodeCollectionToken('capture', `${last.createdAt.toISOString()}|${last.captureId}`),
      });
      void reply.header('link', `</capture?${next.toString()}>; rel="next"`);
    }
    return page.map(captureJobDocument);
  }

  @Post('capture')
  @HttpCode(202)
  @Roles(...CAPTURING_ROLES)
  @ApiOperation({
    summary: 'Capture an EPCIS document (JSON-LD, or XML 2.0/1.2); 202 once every event is in the event log',
  })
  @ApiRequestContent(CAPTURE_BODY)
  @ApiQuery(STRICT_QUERY)
  @ApiResponse({
    status: 202,
    description:
      'Accepted, no body; Location: /capture/{captureID}, whose job lists the validation warnings (if any)',
    headers: { Location: { description: '/capture/{captureID}', schema: { type: 'string' } } },
  })
  @ApiResponse({
    status: 400,
    description: `epcisException:ValidationException (${PROBLEM}): the document is malformed or breaks an EPCIS rule (with strict=true, also a warning); or strict is neither true nor false`,
  })
  @ApiResponse({
    status: 401,
    description: `epcisException:SecurityException (${PROBLEM}): no or bad access token`,
  })
  @ApiResponse({
    status: 403,
    description: `epcisException:SecurityException (${PROBLEM}): the role may not capture, or the party may not commission these identifiers`,
  })
  @ApiResponse({
    status: 409,
    description: `epcisException:ResourceAlreadyExistsException (${PROBLEM}): an event's eventID is already captured (the same event again too) or given twice in the document; an error declaration is always accepted`,
  })
  @ApiResponse({
    status: 413,
    description: `epcisException:CaptureLimitExceededException (${PROBLEM}): too many events or bytes, or an event over the bytes accepted per event`,
  })
  @ApiResponse({
    status: 415,
    description: `epcisException:UnsupportedMediaTypeException (${PROBLEM}): not JSON-LD or XML`,
  })
  @ApiResponse({
    status: 503,
    description: `epcisException:ImplementationException (${PROBLEM}): the event log is unavailable; retry later`,
  })
  async captureDocument(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentPrincipal() principal: Principal,
    @Query('strict') strict?: string,
  ): Promise<void> {
    const options = { strict: strictParameter(strict) };
    const document = await this.capture.parse(bodyText(request), formatOf(request.headers['content-type']));
    const { job } = await this.capture.capture(document, principal, options);
    void reply.header('location', `/capture/${job.captureId}`);
  }

  @Get('capture/:captureId')
  @Header('content-type', 'application/json')
  @ApiOperation({ summary: 'The state of a capture job' })
  @ApiParam({
    name: 'captureId',
    description: 'the captureID of the Location header of POST /capture',
    example: '3f0e8f2c-5a43-4b8e-9f57-1c2d3e4f5a6b',
  })
  @ApiResponse({
    status: 200,
    description: 'the capture job, with the validation warnings of its document',
    content: bodyContent(captureJobDocumentSchema),
  })
  @ApiResponse({
    status: 401,
    description: `epcisException:SecurityException (${PROBLEM}): no or bad access token`,
  })
  @ApiResponse({
    status: 404,
    description: `epcisException:NoSuchResourceException (${PROBLEM}): no such job, or it is another party’s`,
  })
  async job(
    @Param('captureId') captureId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<CaptureJobDocument> {
    const job = await this.jobs.find(captureId);
    const mayRead = job && (job.capturedBy === principal.party || seesEveryParty(principal));
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
  @ApiRequestContent(EVENT_BODY)
  @ApiQuery(STRICT_QUERY)
  @ApiResponse({
    status: 201,
    description:
      'Created, no body; Location: /events/{eventID} (validation warnings are kept on its capture job)',
    headers: { Location: { description: '/events/{eventID}', schema: { type: 'string' } } },
  })
  @ApiResponse({
    status: 400,
    description: `epcisException:ValidationException (${PROBLEM}): malformed JSON, not one event, or the event breaks an EPCIS rule (with strict=true, also a warning)`,
  })
  @ApiResponse({
    status: 401,
    description: `epcisException:SecurityException (${PROBLEM}): no or bad access token`,
  })
  @ApiResponse({
    status: 403,
    description: `epcisException:SecurityException (${PROBLEM}): the role may not capture, or the party may not commission these identifiers`,
  })
  @ApiResponse({
    status: 409,
    description: `epcisException:ResourceAlreadyExistsException (${PROBLEM}): its eventID is already captured (the same event again too); an error declaration is always accepted`,
  })
  @ApiResponse({
    status: 413,
    description: `epcisException:CaptureLimitExceededException (${PROBLEM}): the event exceeds the bytes accepted per event`,
  })
  @ApiResponse({
    status: 415,
    description: `epcisException:UnsupportedMediaTypeException (${PROBLEM}): not JSON-LD`,
  })
  @ApiResponse({
    status: 503,
    description: `epcisException:ImplementationException (${PROBLEM}): the event log is unavailable; retry later`,
  })
  async captureEvent(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentPrincipal() principal: Principal,
    @Query('strict') strict?: string,
  ): Promise<void> {
    const options = { strict: strictParameter(strict) };
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
      options,
    );
    void reply.header('location', `/events/${encodeURIComponent(eventIds[0]!)}`);
  }
}
