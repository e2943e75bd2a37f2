import { applyDecorators } from '@nestjs/common';
import { ApiProduces, ApiResponse } from '@nestjs/swagger';
import { z } from 'zod';
import { EPCIS_EVENT_TYPES } from '@pedigree/epcis';
import { bodyContent, openApiSchema } from '@pedigree/service-runtime';

/**
 * The bodies the query routes answer, as their OpenAPI description declares them: the EPCIS 2.0 JSON-LD forms the
 * routes build (query.controller.ts), checked loosely (an event is validated whole by libs/epcis at capture).
 */
const epcisEventSchema = z.looseObject({
  type: z.enum(EPCIS_EVENT_TYPES),
  eventTime: z.string(),
  eventTimeZoneOffset: z.string(),
});
const contextSchema = z.union([z.string(), z.array(z.union([z.string(), z.record(z.string(), z.string())]))]);

export const epcisQueryDocumentSchema = z.looseObject({
  '@context': contextSchema,
  type: z.literal('EPCISQueryDocument'),
  schemaVersion: z.string(),
  creationDate: z.string(),
  epcisBody: z.strictObject({
    queryResults: z.strictObject({
      queryName: z.literal('SimpleEventQuery'),
      resultsBody: z.strictObject({ eventList: z.array(epcisEventSchema) }),
    }),
  }),
});

const storedEventSchema = epcisEventSchema.extend({ '@context': contextSchema });

const XML = { 'application/xml': { schema: { type: 'string' as const } } };

/** 200 of a query: the EPCISQueryDocument as JSON-LD, or as XML on `Accept: application/xml`. */
export const QUERY_DOCUMENT_ANSWER = applyDecorators(
  ApiProduces('application/ld+json', 'application/xml'),
  ApiResponse({
    status: 200,
    description:
      'EPCISQueryDocument (JSON-LD; XML on Accept: application/xml); Link rel="next" when more pages',
    content: { ...bodyContent(openApiSchema(epcisQueryDocumentSchema), ['application/ld+json']), ...XML },
    links: {
      FirstEvent: {
        operationId: 'QueryController_event',
        description: 'the first event of the page, by its eventID',
        parameters: { eventId: '$response.body#/epcisBody/queryResults/resultsBody/eventList/0/eventID' },
      },
    },
  }),
);

/** 200 of one event: the event as JSON-LD (with its @context), or an EPCISQueryDocument of it as XML. */
export const EVENT_ANSWER = applyDecorators(
  ApiProduces('application/ld+json', 'application/xml'),
  ApiResponse({
    status: 200,
    description: 'the event (JSON-LD; an EPCISQueryDocument holding it as XML on Accept: application/xml)',
    content: { ...bodyContent(openApiSchema(storedEventSchema), ['application/ld+json']), ...XML },
  }),
);
