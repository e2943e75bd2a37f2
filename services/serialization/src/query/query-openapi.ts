import { applyDecorators } from '@nestjs/common';
import { ApiProduces, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { z } from 'zod';
import { EPCIS_ACTIONS, EPCIS_EVENT_TYPES } from '@pedigree/epcis';
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

const list = (description: string, example?: string) => ({
  required: false,
  schema: { type: 'string' as const, minLength: 1 },
  description: `${description}; several values separated by |`,
  ...(example !== undefined ? { example } : {}),
});
const time = (description: string) => ({
  required: false,
  schema: { type: 'string' as const, format: 'date-time' },
  description,
});

/** The SimpleEventQuery parameters of `GET /events` and `GET /epcs/{epc}/events` (MATCH_anyEPC only on the first). */
export function simpleEventQueryParameters(options: { anyEpc: boolean }) {
  return applyDecorators(
    ApiQuery({
      name: 'eventType',
      required: false,
      description: `EPCIS event types, separated by |: ${EPCIS_EVENT_TYPES.join(', ')}`,
      schema: { type: 'string', minLength: 1, example: 'ObjectEvent' },
    }),
    ApiQuery({ name: 'GE_eventTime', ...time('events at or after this time') }),
    ApiQuery({ name: 'LT_eventTime', ...time('events before this time') }),
    ApiQuery({ name: 'GE_recordTime', ...time('events recorded at or after this time') }),
    ApiQuery({ name: 'LT_recordTime', ...time('events recorded before this time') }),
    ApiQuery({
      name: 'EQ_action',
      required: false,
      description: `actions, separated by |: ${EPCIS_ACTIONS.join(', ')}`,
      schema: { type: 'string', minLength: 1, example: 'ADD' },
    }),
    ApiQuery({ name: 'EQ_bizStep', ...list('CBV business steps (bare words or URIs)', 'commissioning') }),
    ApiQuery({ name: 'EQ_disposition', ...list('CBV dispositions (bare words or URIs)', 'active') }),
    ApiQuery({ name: 'EQ_readPoint', ...list('read points (SGLN)', 'urn:epc:id:sgln:0614141.00000.0') }),
    ApiQuery({
      name: 'EQ_bizLocation',
      ...list('business locations (SGLN)', 'urn:epc:id:sgln:0614141.00000.0'),
    }),
    ApiQuery({ name: 'EQ_eventID', ...list('eventIDs or GS1 event hashes') }),
    ApiQuery({
      name: 'MATCH_epc',
      ...list('EPCs in epcList or childEPCs', 'urn:epc:id:sgtin:0614141.107346.2017'),
    }),
    ApiQuery({ name: 'MATCH_parentID', ...list('parent identifiers') }),
    ApiQuery({ name: 'MATCH_inputEPC', ...list('transformation inputs') }),
    ApiQuery({ name: 'MATCH_outputEPC', ...list('transformation outputs') }),
    ...(options.anyEpc
      ? [
          ApiQuery({
            name: 'MATCH_anyEPC',
            ...list('EPCs in any role', 'urn:epc:id:sgtin:0614141.107346.2017'),
          }),
        ]
      : []),
    ApiQuery({ name: 'MATCH_epcClass', ...list('EPC classes of quantity lists') }),
    ApiQuery({
      name: 'perPage',
      required: false,
      description:
        'events per page, from 1 to QUERY_MAX_PAGE_SIZE (1000 unless set: a smaller setting answers 400 above it); default 100 or that maximum',
      schema: { type: 'integer', minimum: 1, maximum: 1000, example: 50 },
    }),
    ApiQuery({
      name: 'nextPageToken',
      required: false,
      description: 'the token of the Link rel="next" of the previous page (only with the same filters)',
      schema: { type: 'string' },
    }),
  );
}
