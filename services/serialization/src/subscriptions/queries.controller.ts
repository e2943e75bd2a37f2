import { Controller, Delete, Get, Header, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AuthProblems, CurrentPrincipal, type Principal } from '@pedigree/auth';
import {
  subscriptionAnswerSchema,
  subscriptionRequestSchema,
  type SubscriptionAnswer,
} from '@pedigree/contracts';
import { SERVICE_CONFIG, bodyContent, openApiSchema, ApiRequestContent } from '@pedigree/service-runtime';
import { Inject } from '@nestjs/common';
import type { SerializationConfig } from '../config';
import { epcisProblem } from '../epcis-problems';
import { epcFormatOf } from '../query/presentation';
import { QueryAnswers } from '../query/query-answers';
import { QUERY_DOCUMENT_ANSWER } from '../query/query-openapi';
import {
  collectionPageSize,
  decodeCollectionToken,
  encodeCollectionToken,
  EPC_FORMAT_HEADER,
  CBV_XML_FORMAT_HEADER,
} from '../query/resource-collections';
import { NamedQueryRepository, type NamedQuery } from './named-query.repository';
import {
  PAGING_PARAMETERS,
  queryDefinitionSchema,
  queryParameters,
  type QueryDefinition,
} from './query-definition';
import { SubscriptionRepository, type Subscription } from './subscription.repository';
import { SubscriptionControlsError, SubscriptionsService } from './subscriptions.service';

const PROBLEM = 'application/problem+json';
const definitionListSchema = z.array(queryDefinitionSchema);
const subscriptionListSchema = z.array(subscriptionAnswerSchema);

const EXAMPLE_QUERY: QueryDefinition = {
  name: 'commissioned',
  query: { eventType: ['ObjectEvent'], EQ_bizStep: ['commissioning'] },
};

function jsonBody(request: FastifyRequest): unknown {
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json' && type !== 'application/ld+json')
    throw epcisProblem('UnsupportedMediaTypeException', 415, 'the body must be JSON');
  try {
    return JSON.parse(typeof request.body === 'string' ? request.body : '');
  } catch (error) {
    throw epcisProblem('ValidationException', 400, `malformed JSON: ${(error as Error).message}`);
  }
}

function zodProblems(error: z.ZodError) {
  return error.issues.map((issue) => ({
    pointer: `/${issue.path.join('/')}`,
    message: issue.message,
  }));
}

@ApiTags('queries')
@ApiBearerAuth()
@AuthProblems('epcis')
@Controller('queries')
export class QueriesController {
  constructor(
    private readonly queries: NamedQueryRepository,
    private readonly subscriptions: SubscriptionRepository,
    private readonly service: SubscriptionsService,
    private readonly answers: QueryAnswers,
    @Inject(SERVICE_CONFIG) private readonly config: SerializationConfig,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a named query (yours alone: each party has its own names)' })
  @ApiRequestContent({
    'application/json': { schema: openApiSchema(queryDefinitionSchema), example: EXAMPLE_QUERY },
  })
  @ApiResponse({
    status: 201,
    description: 'Created, no body; Location: /queries/{name}',
    headers: { Location: { description: '/queries/{name}', schema: { type: 'string' } } },
  })
  @ApiResponse({
    status: 400,
    description: `epcisException:QueryParameterException or ValidationException (${PROBLEM}): a parameter or the body is not valid`,
  })
  @ApiResponse({
    status: 409,
    description: `epcisException:ResourceAlreadyExistsException (${PROBLEM}): you have a query of that name`,
  })
  @ApiResponse({
    status: 415,
    description: `epcisException:UnsupportedMediaTypeException (${PROBLEM}): not JSON`,
  })
  async create(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    const parsed = queryDefinitionSchema.safeParse(jsonBody(request));
    if (!parsed.success)
      throw epcisProblem(
        'ValidationException',
        400,
        'not a query definition {name, query}',
        zodProblems(parsed.error),
      );
    const paging = PAGING_PARAMETERS.filter((p) => p in parsed.data.query);
    if (paging.length > 0)
      throw epcisProblem(
        'QueryParameterException',
        400,
        `${paging.join(', ')}: pages are asked of /queries/{name}/events`,
      );
    const params = queryParameters(parsed.data.query);
    this.answers.parse(params);
    if (!(await this.queries.create(principal.party, parsed.data, params)))
      throw epcisProblem(
        'ResourceAlreadyExistsException',
        409,
        `you already have a query named ${parsed.data.name}`,
      );
    void reply.header('location', `/queries/${parsed.data.name}`);
  }

  @Get()
  @Header('content-type', 'application/json')
  @ApiOperation({ summary: 'Your named queries, by name' })
  @ApiQuery({ name: 'perPage', required: false, schema: { type: 'integer', minimum: 1 } })
  @ApiQuery({ name: 'nextPageToken', required: false, schema: { type: 'string' } })
  @ApiResponse({
    status: 200,
    description: 'the queries [{name, query}]; Link rel="next" when more pages',
    content: bodyContent(openApiSchema(definitionListSchema)),
  })
  @ApiResponse({
    status: 400,
    description: `epcisException:QueryParameterException (${PROBLEM}): perPage or nextPageToken`,
  })
  async list(
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentPrincipal() principal: Principal,
    @Query('perPage') perPage?: string,
    @Query('nextPageToken') nextPageToken?: string,
  ): Promise<QueryDefinition[]> {
    const size = collectionPageSize(perPage, this.config.QUERY_MAX_PAGE_SIZE);
    const rows = await this.queries.list(
      principal.party,
      size + 1,
      decodeCollectionToken('queries', nextPageToken),
    );
    const page = rows.slice(0, size);
    if (rows.length > size) {
      const next = new URLSearchParams({
        perPage: String(size),
        nextPageToken: encodeCollectionToken('queries', page[page.length - 1]!.name),
      });
      void reply.header('link', `</queries?${next.toString()}>; rel="next"`);
    }
    return page.map((q) => ({ name: q.name, query: q.query }));
  }

  @Get(':queryName')
  @Header('content-type', 'application/json')
  @ApiOperation({ summary: 'A named query of yours' })
  @ApiParam({ name: 'queryName', example: EXAMPLE_QUERY.name })
  @ApiResponse({
    status: 200,
    description: '{name, query}',
    content: bodyContent(openApiSchema(queryDefinitionSchema)),
  })
  @ApiResponse({
    status: 404,
    description: `epcisException:NoSuchNameException (${PROBLEM}): you have no query of that name`,
  })
  async get(
    @Param('queryName') name: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<QueryDefinition> {
    const query = await this.query(principal, name);
    return { name: query.name, query: query.query };
  }

  @Delete(':queryName')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a named query of yours and every subscription to it' })
  @ApiParam({ name: 'queryName', example: EXAMPLE_QUERY.name })
  @ApiResponse({ status: 204, description: 'Deleted' })
  @ApiResponse({
    status: 404,
    description: `epcisException:NoSuchNameException (${PROBLEM}): you have no query of that name`,
  })
  async delete(@Param('queryName') name: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    if (!(await this.queries.delete(principal.party, name)))
      throw epcisProblem('NoSuchNameException', 404, `you have no query named ${name}`);
  }

  @Get(':queryName/events')
  @ApiOperation({
    summary:
      'The events a named query selects (paged); with Upgrade: websocket and stream=true or a schedule, a WebSocket subscription',
  })
  @ApiParam({ name: 'queryName', example: EXAMPLE_QUERY.name })
  @ApiQuery({ name: 'perPage', required: false, schema: { type: 'integer', minimum: 1 } })
  @ApiQuery({ name: 'nextPageToken', required: false, schema: { type: 'string' } })
  @QUERY_DOCUMENT_ANSWER
  @EPC_FORMAT_HEADER
  @CBV_XML_FORMAT_HEADER
  @ApiResponse({
    status: 400,
    description: `epcisException:QueryParameterException or SubscriptionControlsException (${PROBLEM}): paging, or subscription controls without a WebSocket handshake`,
  })
  @ApiResponse({
    status: 404,
    description: `epcisException:NoSuchNameException (${PROBLEM}): you have no query of that name`,
  })
  @ApiResponse({
    status: 413,
    description: `epcisException:QueryTooLargeException (${PROBLEM}): more events than the query's maxEventCount`,
  })
  async events(
    @Param('queryName') name: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    const query = await this.query(principal, name);
    const asked = new URL(request.url, 'http://localhost').searchParams;
    const other = [...new Set(asked.keys())].filter((key) => !PAGING_PARAMETERS.includes(key));
    if (other.length > 0)
      throw epcisProblem(
        'SubscriptionControlsException',
        400,
        `${other.join(', ')}: a named query's events take only perPage and nextPageToken (stream and schedules need a WebSocket handshake)`,
      );
    const params = new URLSearchParams(query.params);
    for (const key of PAGING_PARAMETERS) {
      const value = asked.get(key);
      if (value !== null) params.set(key, value);
    }
    await this.answers.answer(
      request,
      reply,
      principal,
      params,
      `/queries/${encodeURIComponent(name)}/events`,
      asked,
    );
  }

  @Post(':queryName/subscriptions')
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Subscribe a webhook to a named query: stream (each matching event as it is captured) or a schedule; deliveries signed in GS1-Signature (HMAC-SHA256 of the body, hex) when signatureToken is given',
  })
  @ApiParam({ name: 'queryName', example: EXAMPLE_QUERY.name })
  @EPC_FORMAT_HEADER
  @ApiRequestContent({
    'application/json': {
      schema: openApiSchema(subscriptionRequestSchema),
      example: { dest: 'http://127.0.0.1:9999/epcis', signatureToken: 'a-secret', stream: true },
    },
  })
  @ApiResponse({
    status: 201,
    description:
      'the subscription (never its signature token); Location: /queries/{name}/subscriptions/{subscriptionID}',
    headers: { Location: { description: '/queries/{name}/subscriptions/{id}', schema: { type: 'string' } } },
    content: bodyContent(openApiSchema(subscriptionAnswerSchema)),
    links: {
      Subscription: {
        operationId: 'QueriesController_getSubscription',
        parameters: {
          queryName: '$request.path.queryName',
          subscriptionId: '$response.body#/subscriptionID',
        },
      },
      Unsubscribe: {
        operationId: 'QueriesController_unsubscribe',
        parameters: {
          queryName: '$request.path.queryName',
          subscriptionId: '$response.body#/subscriptionID',
        },
      },
    },
  })
  @ApiResponse({
    status: 400,
    description: `epcisException:SubscriptionControlsException or ValidationException (${PROBLEM}): stream and schedule (exactly one), the schedule or the body`,
  })
  @ApiResponse({
    status: 404,
    description: `epcisException:NoSuchNameException (${PROBLEM}): you have no query of that name`,
  })
  @ApiResponse({
    status: 415,
    description: `epcisException:UnsupportedMediaTypeException (${PROBLEM}): not JSON`,
  })
  async subscribe(
    @Param('queryName') name: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentPrincipal() principal: Principal,
  ): Promise<SubscriptionAnswer> {
    const query = await this.query(principal, name);
    const parsed = subscriptionRequestSchema.safeParse(jsonBody(request));
    if (!parsed.success)
      throw epcisProblem(
        'ValidationException',
        400,
        'not a subscription {dest, stream | schedule, …}',
        zodProblems(parsed.error),
      );
    const body = parsed.data;
    let subscription: Subscription;
    try {
      subscription = await this.service.subscribe(principal, query, {
        dest: body.dest,
        signatureToken: body.signatureToken ?? null,
        stream: body.stream === true,
        schedule: body.schedule ?? null,
        reportIfEmpty: body.reportIfEmpty === true,
        initialRecordTime: body.initialRecordTime ? new Date(body.initialRecordTime) : null,
        epcFormat: epcFormatOf(request),
      });
    } catch (error) {
      if (error instanceof SubscriptionControlsError)
        throw epcisProblem('SubscriptionControlsException', 400, error.message);
      throw error;
    }
    void reply.header('location', `/queries/${encodeURIComponent(name)}/subscriptions/${subscription.id}`);
    return this.answer(subscription);
  }

  @Get(':queryName/subscriptions')
  @Header('content-type', 'application/json')
  @ApiOperation({ summary: 'The webhook subscriptions to a named query of yours' })
  @ApiParam({ name: 'queryName', example: EXAMPLE_QUERY.name })
  @ApiQuery({ name: 'perPage', required: false, schema: { type: 'integer', minimum: 1 } })
  @ApiQuery({ name: 'nextPageToken', required: false, schema: { type: 'string' } })
  @ApiResponse({
    status: 200,
    description:
      'the subscriptions, with their pending events and failed deliveries; Link rel="next" when more pages',
    content: bodyContent(openApiSchema(subscriptionListSchema)),
  })
  @ApiResponse({
    status: 400,
    description: `epcisException:QueryParameterException (${PROBLEM}): perPage or nextPageToken`,
  })
  @ApiResponse({
    status: 404,
    description: `epcisException:NoSuchNameException (${PROBLEM}): you have no query of that name`,
  })
  async listSubscriptions(
    @Param('queryName') name: string,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentPrincipal() principal: Principal,
    @Query('perPage') perPage?: string,
    @Query('nextPageToken') nextPageToken?: string,
  ): Promise<SubscriptionAnswer[]> {
    await this.query(principal, name);
    const size = collectionPageSize(perPage, this.config.QUERY_MAX_PAGE_SIZE);
    const kind = `queries/${name}/subscriptions`;
    const rows = await this.subscriptions.list(
      principal.party,
      name,
      size + 1,
      decodeCollectionToken(kind, nextPageToken),
    );
    const page = rows.slice(0, size);
    if (rows.length > size) {
      const next = new URLSearchParams({
        perPage: String(size),
        nextPageToken: encodeCollectionToken(kind, page[page.length - 1]!.id),
      });
      void reply.header(
        'link',
        `</queries/${encodeURIComponent(name)}/subscriptions?${next.toString()}>; rel="next"`,
      );
    }
    return Promise.all(page.map((s) => this.answer(s)));
  }

  @Get(':queryName/subscriptions/:subscriptionId')
  @Header('content-type', 'application/json')
  @ApiOperation({ summary: 'A subscription: its state, pending events and newest failed deliveries' })
  @ApiParam({ name: 'queryName', example: EXAMPLE_QUERY.name })
  @ApiParam({ name: 'subscriptionId', example: '3f0e8f2c-5a43-4b8e-9f57-1c2d3e4f5a6b' })
  @ApiResponse({
    status: 200,
    description: 'the subscription',
    content: bodyContent(openApiSchema(subscriptionAnswerSchema)),
  })
  @ApiResponse({
    status: 404,
    description: `epcisException:NoSuchResourceException (${PROBLEM}): no such subscription of yours`,
  })
  async getSubscription(
    @Param('queryName') name: string,
    @Param('subscriptionId') id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<SubscriptionAnswer> {
    return this.answer(await this.subscription(principal, name, id));
  }

  @Delete(':queryName/subscriptions/:subscriptionId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Unsubscribe' })
  @ApiParam({ name: 'queryName', example: EXAMPLE_QUERY.name })
  @ApiParam({ name: 'subscriptionId', example: '3f0e8f2c-5a43-4b8e-9f57-1c2d3e4f5a6b' })
  @ApiResponse({ status: 204, description: 'Unsubscribed' })
  @ApiResponse({
    status: 404,
    description: `epcisException:NoSuchResourceException (${PROBLEM}): no such subscription of yours`,
  })
  async unsubscribe(
    @Param('queryName') name: string,
    @Param('subscriptionId') id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    const subscription = await this.subscription(principal, name, id);
    await this.subscriptions.delete(subscription.id);
  }

  private async query(principal: Principal, name: string): Promise<NamedQuery> {
    const query = await this.queries.find(principal.party, name);
    if (!query) throw epcisProblem('NoSuchNameException', 404, `you have no query named ${name}`);
    return query;
  }

  private async subscription(principal: Principal, name: string, id: string): Promise<Subscription> {
    const subscription = await this.subscriptions.find(principal.party, name, id);
    if (!subscription || subscription.socketOwner !== null)
      throw epcisProblem('NoSuchResourceException', 404, `no subscription ${id} to your query ${name}`);
    return subscription;
  }

  private async answer(s: Subscription): Promise<SubscriptionAnswer> {
    const [pendingEvents, failures] = await Promise.all([
      this.subscriptions.pendingCount(s),
      this.subscriptions.failures(s.id),
    ]);
    return {
      subscriptionID: s.id,
      queryName: s.queryName,
      ...(s.dest ? { dest: s.dest } : {}),
      ...(s.stream ? { stream: true } : {}),
      ...(s.schedule ? { schedule: s.schedule } : {}),
      reportIfEmpty: s.reportIfEmpty,
      createdAt: s.createdAt.toISOString(),
      ...(s.initialRecordTime ? { initialRecordTime: s.initialRecordTime.toISOString() } : {}),
      ...(s.lastNotifiedAt ? { lastNotifiedAt: s.lastNotifiedAt.toISOString() } : {}),
      epcFormat: s.epcFormat,
      pendingEvents,
      failedAttempts: s.failedAttempts,
      nextAttemptAt: s.nextAttemptAt.toISOString(),
      failures: failures.map((f) => ({
        at: f.at.toISOString(),
        status: f.status,
        error: f.error,
        events: f.events,
      })),
    };
  }
}
