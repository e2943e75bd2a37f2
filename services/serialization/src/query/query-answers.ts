import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '@pedigree/auth';
import { EPCIS_CONTEXT_URI, toEpcisXml, type AnyEpcisDocument } from '@pedigree/epcis';
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
import { EventQueryRepository, type StoredEvent } from './event-query.repository';
import {
  cbvXmlFormatOf,
  epcFormatOf,
  formatEventIdentifiers,
  xmlOptions,
  type CbvXmlFormat,
  type EpcFormat,
} from './presentation';

/** The events of a query result as delivered: the stored document and what is needed to present it. */
export type PresentableEvent = Pick<StoredEvent, 'document' | 'namespaces' | 'capturerGcps'>;

/** The @context of a query document holding events captured with these namespaces. */
export function queryContext(
  namespaces: ReadonlyArray<Record<string, string>>,
): AnyEpcisDocument['@context'] {
  const merged = Object.assign({}, ...namespaces) as Record<string, string>;
  return Object.keys(merged).length > 0 ? [EPCIS_CONTEXT_URI, merged] : EPCIS_CONTEXT_URI;
}

/** An EPCISQueryDocument of `events`, identifiers written as `epcFormat` asks. */
export function queryDocument(
  events: readonly PresentableEvent[],
  epcFormat: EpcFormat,
  results: { subscriptionID?: string } = {},
): AnyEpcisDocument {
  return {
    '@context': queryContext(events.map((e) => e.namespaces)),
    type: 'EPCISQueryDocument',
    schemaVersion: '2.0',
    creationDate: new Date().toISOString(),
    epcisBody: {
      queryResults: {
        queryName: 'SimpleEventQuery',
        ...(results.subscriptionID ? { subscriptionID: results.subscriptionID } : {}),
        resultsBody: {
          eventList: events.map((e) => formatEventIdentifiers(e.document, epcFormat, e.capturerGcps)),
        },
      },
    },
  };
}

export function wantsXml(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return /application\/xml|text\/xml/.test(accept) && !/application\/(ld\+)?json/.test(accept);
}

/** How the caller asked answers to be written (GS1-EPC-Format, GS1-CBV-XML-Format, Accept). */
export interface AnswerFormat {
  epc: EpcFormat;
  cbvXml: CbvXmlFormat;
  xml: boolean;
}

export function answerFormatOf(request: FastifyRequest): AnswerFormat {
  return { epc: epcFormatOf(request), cbvXml: cbvXmlFormatOf(request), xml: wantsXml(request) };
}

/** Sends an EPCIS document as JSON-LD, or as XML when asked. */
export function sendDocument(reply: FastifyReply, document: AnyEpcisDocument, format: AnswerFormat): void {
  if (format.xml) {
    void reply
      .header('content-type', 'application/xml')
      .send(toEpcisXml(document, xmlOptions(format.cbvXml)));
    return;
  }
  void reply.header('content-type', 'application/ld+json').send(document);
}

/** Parses query parameters and answers a page of events: the part of the query routes every resource shares. */
@Injectable()
export class QueryAnswers {
  constructor(
    private readonly repository: EventQueryRepository,
    @Inject(SERVICE_CONFIG) private readonly config: SerializationConfig,
  ) {}

  parse(params: URLSearchParams): EventQuery {
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

  /**
   * Answers one page of `params` (what the query selects), linking the next page as `path` with `shownParams` (the
   * parameters the caller wrote) and its token.
   */
  async answer(
    request: FastifyRequest,
    reply: FastifyReply,
    principal: Principal,
    params: URLSearchParams,
    path: string,
    shownParams: URLSearchParams = params,
  ): Promise<void> {
    const format = answerFormatOf(request);
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
    sendDocument(reply, queryDocument(events, format.epc), format);
  }
}
