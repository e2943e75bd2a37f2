import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthProblems, CurrentPrincipal, type Principal } from '@pedigree/auth';
import { canonicalIdentifier, EPCIS_CONTEXT_URI, toEpcisXml, type AnyEpcisDocument } from '@pedigree/epcis';
import { SERVICE_CONFIG } from '@pedigree/service-runtime';

import type { SerializationConfig } from '../config';
import { epcisProblem } from '../epcis-problems';
import {
  encodePageToken,
  parseEventQuery,
  QueryParameterError,
  QueryTooLargeError,
  type EventQuery,
} from './event-query';
import { ApiEventQueryParameters, EVENT_QUERY_DESCRIPTION } from './event-query.openapi';
import { EventQueryRepository, type StoredEvent } from './event-query.repository';
import { EVENT_ANSWER, QUERY_DOCUMENT_ANSWER } from './query-openapi';

function queryDocument(events: StoredEvent[]): AnyEpcisDocument {
  const namespaces = Object.assign({}, ...events.map((e) => e.namespaces)) as Record<string, string>;
  return {
    '@context': Object.keys(namespaces).length > 0 ? [EPCIS_CONTEXT_URI, namespaces] : EPCIS_CONTEXT_URI,
    type: 'EPCISQueryDocument',
    schemaVersion: '2.0',
    creationDate: new Date().toISOString(),
    epcisBody: {
      queryResults: {
        queryName: 'SimpleEventQuery',
        resultsBody: { eventList: events.map((e) => e.document) },
      },
    },
  };
}

function wantsXml(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return /application\/xml|text\/xml/.test(accept) && !/application\/(ld\+)?json/.test(accept);
}

@ApiTags('query')
@ApiBearerAuth()
@AuthProblems('epcis')
@Controller()
export class QueryController {
  constructor(
    private readonly repository: EventQueryRepository,
    @Inject(SERVICE_CONFIG) private readonly config: SerializationConfig,
  ) {}

  @Get('events')
  @ApiOperation({
    summary:
      'EPCIS SimpleEventQuery: the events you may see, as an EPCISQueryDocument (JSON-LD; XML on Accept)',
    description: EVENT_QUERY_DESCRIPTION,
  })
  @ApiEventQueryParameters()
  @QUERY_DOCUMENT_ANSWER
  @ApiResponse({
    status: 400,
    description: 'epcisException:QueryParameterException: a query parameter is not valid',
  })
  @ApiResponse({
    status: 413,
    description: 'epcisException:QueryTooLargeException: more events than maxEventCount',
  })
  async events(
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentPrincipal() principal: Principal,
  ) {
    const params = new URL(request.url, 'http://localhost').searchParams;
    await this.answer(request, reply, principal, params, '/events');
  }

  @Get('events/:eventId')
  @ApiOperation({ summary: 'One event by its eventID or GS1 event hash' })
  @ApiParam({
    name: 'eventId',
    description: 'the eventID, or the GS1 event hash ID (ni:///sha-256;…?ver=CBV2.0)',
    example: 'ni:///sha-256;df7bb3c352fef055578554f09f5e2aa41782150ced7bd0b8af24dd3ccb30ba69?ver=CBV2.0',
  })
  @EVENT_ANSWER
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
    const { events } = await this.repository.find(
      this.parse(new URLSearchParams({ EQ_eventID: eventId })),
      principal,
    );
    if (events.length === 0)
      throw epcisProblem('NoSuchResourceException', 404, `no event ${eventId} that you may see`);
    const [event] = events;
    if (wantsXml(request)) {
      void reply.header('content-type', 'application/xml').send(toEpcisXml(queryDocument(events)));
      return;
    }
    void reply
      .header('content-type', 'application/ld+json')
      .send({ '@context': [EPCIS_CONTEXT_URI, event!.namespaces], ...event!.document });
  }

  @Get('epcs/:epc/events')
  @ApiOperation({
    summary:
      'Events naming an EPC (EPC URI or GS1 Digital Link) in any role; takes the same filters as /events',
  })
  @ApiParam({
    name: 'epc',
    description: 'EPC URI or GS1 Digital Link URI',
    example: 'urn:epc:id:sgtin:0614141.107346.2017',
  })
  @ApiEventQueryParameters(['MATCH_anyEPC'])
  @QUERY_DOCUMENT_ANSWER
  @ApiResponse({
    status: 400,
    description: 'epcisException:QueryParameterException: a query parameter is not valid',
  })
  @ApiResponse({
    status: 413,
    description: 'epcisException:QueryTooLargeException: more events than maxEventCount',
  })
  async epcEvents(
    @Param('epc') epc: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentPrincipal() principal: Principal,
  ) {
    const params = new URL(request.url, 'http://localhost').searchParams;
    if (params.has('MATCH_anyEPC'))
      throw epcisProblem('QueryParameterException', 400, 'MATCH_anyEPC: the EPC is in the path');
    const filtered = new URLSearchParams(params);
    filtered.set('MATCH_anyEPC', canonicalIdentifier(epc));
    await this.answer(request, reply, principal, filtered, `/epcs/${encodeURIComponent(epc)}/events`, params);
  }

  private parse(params: URLSearchParams): EventQuery {
    try {
      return parseEventQuery(params, {
        defaultPerPage: Math.min(100, this.config.QUERY_MAX_PAGE_SIZE),
        maxPerPage: this.config.QUERY_MAX_PAGE_SIZE,
      });
    } catch (error) {
      if (error instanceof QueryParameterError) {
        throw epcisProblem('QueryParameterException', 400, error.message, error.problems);
      }
      throw error;
    }
  }

  private async answer(
    request: FastifyRequest,
    reply: FastifyReply,
    principal: Principal,
    params: URLSearchParams,
    path: string,
    shownParams: URLSearchParams = params,
  ): Promise<void> {
    const query = this.parse(params);
    const { events, next } = await this.repository.find(query, principal).catch((error: unknown) => {
      if (error instanceof QueryTooLargeError)
        throw epcisProblem('QueryTooLargeException', 413, error.message);
      throw error;
    });
    if (next) {
      const nextParams = new URLSearchParams(shownParams);
      nextParams.set('nextPageToken', encodePageToken({ ...next, fingerprint: query.fingerprint }));
      void reply.header('link', `<${path}?${nextParams.toString()}>; rel="next"`);
    }
    const document = queryDocument(events);
    if (wantsXml(request)) {
      void reply.header('content-type', 'application/xml').send(toEpcisXml(document));
      return;
    }
    void reply.header('content-type', 'application/ld+json').send(document);
  }
}
