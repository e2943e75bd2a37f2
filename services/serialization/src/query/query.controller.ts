import { Controller, Get, Header, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags, ApiBearerAuth } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthProblems, CurrentPrincipal, type Principal } from '@pedigree/auth';
import { canonicalIdentifier, EPCIS_CONTEXT_URI, EPCIS_EVENT_TYPES } from '@pedigree/epcis';
import { SERVICE_CONFIG } from '@pedigree/service-runtime';

import type { SerializationConfig } from '../config';
import { epcisProblem } from '../epcis-problems';
import { ApiEventQueryParameters, EVENT_QUERY_DESCRIPTION } from './event-query.openapi';
import { EventQueryRepository, type ResourceKind } from './event-query.repository';
import { epcFormatOf, formatEventIdentifiers, formatIdentifier } from './presentation';
import { answerFormatOf, queryDocument, QueryAnswers, sendDocument } from './query-answers';
import { EVENT_ANSWER, QUERY_DOCUMENT_ANSWER } from './query-openapi';
import {
  ApiCollection,
  CBV_XML_FORMAT_HEADER,
  collection,
  collectionPageSize,
  decodeCollectionToken,
  encodeCollectionToken,
  EPC_FORMAT_HEADER,
  MEMBER_ANSWER,
  SUB_RESOURCES,
  type Collection,
} from './resource-collections';

/** The query answers of every events route: 200 document, 400, 413. */
const EVENTS_ANSWERS = [
  QUERY_DOCUMENT_ANSWER,
  EPC_FORMAT_HEADER,
  CBV_XML_FORMAT_HEADER,
  ApiResponse({
    status: 400,
    description: 'epcisException:QueryParameterException: a query parameter or header is not valid',
  }),
  ApiResponse({
    status: 413,
    description: 'epcisException:QueryTooLargeException: more events than maxEventCount',
  }),
];

function EventsAnswers(): MethodDecorator {
  return (target, key, descriptor) => {
    for (const decorator of EVENTS_ANSWERS) decorator(target, key, descriptor);
  };
}

/** The query parameter a resource's `/{id}/events` route fixes, and how the path value becomes it. */
const RESOURCE_FILTERS: Record<
  ResourceKind | 'eventTypes',
  { parameter: string; value: (v: string) => string }
> = {
  eventTypes: { parameter: 'eventType', value: (v) => v },
  epcs: { parameter: 'MATCH_anyEPC', value: (v) => canonicalIdentifier(v) },
  bizSteps: { parameter: 'EQ_bizStep', value: (v) => v },
  bizLocations: { parameter: 'EQ_bizLocation', value: (v) => v },
  readPoints: { parameter: 'EQ_readPoint', value: (v) => v },
  dispositions: { parameter: 'EQ_disposition', value: (v) => v },
};

const EXAMPLES: Record<ResourceKind, string> = {
  epcs: 'urn:epc:id:sgtin:0614141.107346.2017',
  bizSteps: 'commissioning',
  bizLocations: 'urn:epc:id:sgln:0614141.00000.0',
  readPoints: 'urn:epc:id:sgln:0614141.00000.0',
  dispositions: 'active',
};

@ApiTags('query')
@ApiBearerAuth()
@AuthProblems('epcis')
@Controller()
export class QueryController {
  constructor(
    private readonly repository: EventQueryRepository,
    private readonly answers: QueryAnswers,
    @Inject(SERVICE_CONFIG) private readonly config: SerializationConfig,
  ) {}

  @Get('events')
  @ApiOperation({
    summary:
      'EPCIS SimpleEventQuery: the events you may see, as an EPCISQueryDocument (JSON-LD; XML on Accept)',
    description: EVENT_QUERY_DESCRIPTION,
  })
  @ApiEventQueryParameters()
  @EventsAnswers()
  async events(
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentPrincipal() principal: Principal,
  ) {
    const params = new URL(request.url, 'http://localhost').searchParams;
    await this.answers.answer(request, reply, principal, params, '/events');
  }

  @Get('events/:eventId')
  @ApiOperation({ summary: 'One event by its eventID or GS1 event hash' })
  @ApiParam({
    name: 'eventId',
    description: 'the eventID, or the GS1 event hash ID (ni:///sha-256;…?ver=CBV2.0)',
    example: 'ni:///sha-256;df7bb3c352fef055578554f09f5e2aa41782150ced7bd0b8af24dd3ccb30ba69?ver=CBV2.0',
  })
  @EVENT_ANSWER
  @EPC_FORMAT_HEADER
  @CBV_XML_FORMAT_HEADER
  @ApiResponse({ status: 400, description: 'epcisException:QueryParameterException: a header is not valid' })
  @ApiResponse({
    status: 404,
    description: 'epcisException:NoSuchResourceException: no such event that you may see',
  })
  async event(
    @Param('eventId') eventId: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentPrincipal() principal: Principal,
  ) {
    const format = answerFormatOf(request);
    const { events } = await this.repository.find(
      this.answers.parse(new URLSearchParams({ EQ_eventID: eventId })),
      principal,
    );
    if (events.length === 0)
      throw epcisProblem('NoSuchResourceException', 404, `no event ${eventId} that you may see`);
    if (format.xml) {
      sendDocument(reply, queryDocument(events, format.epc), format);
      return;
    }
    const [event] = events;
    void reply.header('content-type', 'application/ld+json').send({
      '@context': [EPCIS_CONTEXT_URI, event!.namespaces],
      ...formatEventIdentifiers(event!.document, format.epc, event!.capturerGcps),
    });
  }

  @Get('eventTypes')
  @Header('content-type', 'application/json')
  @ApiOperation({ summary: 'The EPCIS event types (the five of the standard; no custom types are captured)' })
  @ApiCollection('event types')
  eventTypes(): Collection {
    return collection([...EPCIS_EVENT_TYPES].sort());
  }

  @Get('eventTypes/:eventType')
  @Header('content-type', 'application/json')
  @ApiOperation({ summary: 'The sub-resources of an event type: its events' })
  @ApiParam({ name: 'eventType', example: 'ObjectEvent' })
  @MEMBER_ANSWER
  @ApiResponse({ status: 404, description: 'epcisException:NoSuchResourceException: no such event type' })
  eventType(@Param('eventType') eventType: string): Collection {
    if (!(EPCIS_EVENT_TYPES as readonly string[]).includes(eventType))
      throw epcisProblem('NoSuchResourceException', 404, `no event type ${eventType}`);
    return SUB_RESOURCES;
  }

  @Get('eventTypes/:eventType/events')
  @ApiOperation({ summary: 'Events of an event type; takes the filters of /events' })
  @ApiParam({ name: 'eventType', example: 'ObjectEvent' })
  @ApiEventQueryParameters(['eventType'])
  @EventsAnswers()
  async eventTypeEvents(
    @Param('eventType') eventType: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentPrincipal() principal: Principal,
  ) {
    await this.resourceEvents('eventTypes', eventType, request, reply, principal);
  }

  @Get('epcs')
  @Header('content-type', 'application/json')
  @ApiOperation({ summary: 'The EPCs (instances, any role) of the events you may see' })
  @ApiCollection('EPCs (canonical GS1 Digital Links unless GS1-EPC-Format asks URNs)')
  epcs(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentPrincipal() principal: Principal,
    @Query('perPage') perPage?: string,
    @Query('nextPageToken') nextPageToken?: string,
  ): Promise<Collection> {
    return this.collection('epcs', request, reply, principal, perPage, nextPageToken);
  }

  @Get('epcs/:epc')
  @Header('content-type', 'application/json')
  @ApiOperation({ summary: 'The sub-resources of an EPC: its events' })
  @ApiParam({ name: 'epc', example: EXAMPLES.epcs })
  @MEMBER_ANSWER
  epc(): Collection {
    return SUB_RESOURCES;
  }

  @Get('epcs/:epc/events')
  @ApiOperation({
    summary:
      'Events naming an EPC (EPC URI or GS1 Digital Link) in any role; takes the same filters as /events',
  })
  @ApiParam({ name: 'epc', description: 'EPC URI or GS1 Digital Link URI', example: EXAMPLES.epcs })
  @ApiEventQueryParameters(['MATCH_anyEPC'])
  @EventsAnswers()
  async epcEvents(
    @Param('epc') epc: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentPrincipal() principal: Principal,
  ) {
    await this.resourceEvents('epcs', epc, request, reply, principal);
  }

  @Get('bizSteps')
  @Header('content-type', 'application/json')
  @ApiOperation({ summary: 'The business steps of the events you may see' })
  @ApiCollection('business steps (as captured)')
  bizSteps(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentPrincipal() principal: Principal,
    @Query('perPage') perPage?: string,
    @Query('nextPageToken') nextPageToken?: string,
  ): Promise<Collection> {
    return this.collection('bizSteps', request, reply, principal, perPage, nextPageToken);
  }

  @Get('bizSteps/:bizStep')
  @Header('content-type', 'application/json')
  @ApiOperation({ summary: 'The sub-resources of a business step: its events' })
  @ApiParam({ name: 'bizStep', example: EXAMPLES.bizSteps })
  @MEMBER_ANSWER
  bizStep(): Collection {
    return SUB_RESOURCES;
  }

  @Get('bizSteps/:bizStep/events')
  @ApiOperation({ summary: 'Events of a business step; takes the filters of /events' })
  @ApiParam({ name: 'bizStep', example: EXAMPLES.bizSteps })
  @ApiEventQueryParameters(['EQ_bizStep'])
  @EventsAnswers()
  async bizStepEvents(
    @Param('bizStep') bizStep: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentPrincipal() principal: Principal,
  ) {
    await this.resourceEvents('bizSteps', bizStep, request, reply, principal);
  }

  @Get('bizLocations')
  @Header('content-type', 'application/json')
  @ApiOperation({ summary: 'The business locations of the events you may see' })
  @ApiCollection('business locations (canonical GS1 Digital Links unless GS1-EPC-Format asks URNs)')
  bizLocations(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentPrincipal() principal: Principal,
    @Query('perPage') perPage?: string,
    @Query('nextPageToken') nextPageToken?: string,
  ): Promise<Collection> {
    return this.collection('bizLocations', request, reply, principal, perPage, nextPageToken);
  }

  @Get('bizLocations/:bizLocation')
  @Header('content-type', 'application/json')
  @ApiOperation({ summary: 'The sub-resources of a business location: its events' })
  @ApiParam({ name: 'bizLocation', example: EXAMPLES.bizLocations })
  @MEMBER_ANSWER
  bizLocation(): Collection {
    return SUB_RESOURCES;
  }

  @Get('bizLocations/:bizLocation/events')
  @ApiOperation({ summary: 'Events at a business location; takes the filters of /events' })
  @ApiParam({ name: 'bizLocation', example: EXAMPLES.bizLocations })
  @ApiEventQueryParameters(['EQ_bizLocation'])
  @EventsAnswers()
  async bizLocationEvents(
    @Param('bizLocation') bizLocation: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentPrincipal() principal: Principal,
  ) {
    await this.resourceEvents('bizLocations', bizLocation, request, reply, principal);
  }

  @Get('readPoints')
  @Header('content-type', 'application/json')
  @ApiOperation({ summary: 'The read points of the events you may see' })
  @ApiCollection('read points (canonical GS1 Digital Links unless GS1-EPC-Format asks URNs)')
  readPoints(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentPrincipal() principal: Principal,
    @Query('perPage') perPage?: string,
    @Query('nextPageToken') nextPageToken?: string,
  ): Promise<Collection> {
    return this.collection('readPoints', request, reply, principal, perPage, nextPageToken);
  }

  @Get('readPoints/:readPoint')
  @Header('content-type', 'application/json')
  @ApiOperation({ summary: 'The sub-resources of a read point: its events' })
  @ApiParam({ name: 'readPoint', example: EXAMPLES.readPoints })
  @MEMBER_ANSWER
  readPoint(): Collection {
    return SUB_RESOURCES;
  }

  @Get('readPoints/:readPoint/events')
  @ApiOperation({ summary: 'Events at a read point; takes the filters of /events' })
  @ApiParam({ name: 'readPoint', example: EXAMPLES.readPoints })
  @ApiEventQueryParameters(['EQ_readPoint'])
  @EventsAnswers()
  async readPointEvents(
    @Param('readPoint') readPoint: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentPrincipal() principal: Principal,
  ) {
    await this.resourceEvents('readPoints', readPoint, request, reply, principal);
  }

  @Get('dispositions')
  @Header('content-type', 'application/json')
  @ApiOperation({ summary: 'The dispositions of the events you may see' })
  @ApiCollection('dispositions (as captured)')
  dispositions(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentPrincipal() principal: Principal,
    @Query('perPage') perPage?: string,
    @Query('nextPageToken') nextPageToken?: string,
  ): Promise<Collection> {
    return this.collection('dispositions', request, reply, principal, perPage, nextPageToken);
  }

  @Get('dispositions/:disposition')
  @Header('content-type', 'application/json')
  @ApiOperation({ summary: 'The sub-resources of a disposition: its events' })
  @ApiParam({ name: 'disposition', example: EXAMPLES.dispositions })
  @MEMBER_ANSWER
  disposition(): Collection {
    return SUB_RESOURCES;
  }

  @Get('dispositions/:disposition/events')
  @ApiOperation({ summary: 'Events with a disposition; takes the filters of /events' })
  @ApiParam({ name: 'disposition', example: EXAMPLES.dispositions })
  @ApiEventQueryParameters(['EQ_disposition'])
  @EventsAnswers()
  async dispositionEvents(
    @Param('disposition') disposition: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentPrincipal() principal: Principal,
  ) {
    await this.resourceEvents('dispositions', disposition, request, reply, principal);
  }

  /** A page of a collection, its identifiers in the asked format, the next page linked. */
  private async collection(
    kind: ResourceKind,
    request: FastifyRequest,
    reply: FastifyReply,
    principal: Principal,
    perPage: string | undefined,
    nextPageToken: string | undefined,
  ): Promise<Collection> {
    const epcFormat = epcFormatOf(request);
    const size = collectionPageSize(perPage, this.config.QUERY_MAX_PAGE_SIZE);
    const after = decodeCollectionToken(kind, nextPageToken);
    const rows = await this.repository.resourceValues(kind, principal, size + 1, after);
    const page = rows.slice(0, size);
    if (rows.length > size) {
      const next = new URLSearchParams({
        perPage: String(size),
        nextPageToken: encodeCollectionToken(kind, page[page.length - 1]!.value),
      });
      void reply.header('link', `</${kind}?${next.toString()}>; rel="next"`);
    }
    const identifiers = kind === 'epcs' || kind === 'bizLocations' || kind === 'readPoints';
    return collection(
      page.map((r) => (identifiers ? formatIdentifier(r.value, epcFormat, r.gcps) : r.value)),
    );
  }

  /** `/{kind}/{value}/events`: the /events query with the resource's own filter fixed. */
  private async resourceEvents(
    kind: ResourceKind | 'eventTypes',
    value: string,
    request: FastifyRequest,
    reply: FastifyReply,
    principal: Principal,
  ): Promise<void> {
    const { parameter, value: filterValue } = RESOURCE_FILTERS[kind];
    const params = new URL(request.url, 'http://localhost').searchParams;
    if (params.has(parameter))
      throw epcisProblem('QueryParameterException', 400, `${parameter}: the ${kind} value is in the path`);
    const filtered = new URLSearchParams(params);
    filtered.set(parameter, filterValue(value));
    await this.answers.answer(
      request,
      reply,
      principal,
      filtered,
      `/${kind}/${encodeURIComponent(value)}/events`,
      params,
    );
  }
}
