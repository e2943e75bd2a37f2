import { applyDecorators } from '@nestjs/common';
import { ApiHeader, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { z } from 'zod';
import { EPCIS_CONTEXT_URI } from '@pedigree/epcis';
import { bodyContent, openApiSchema } from '@pedigree/service-runtime';
import { epcisProblem } from '../epcis-problems';
import { CBV_XML_FORMATS, EPC_FORMATS } from './presentation';

/** `Collection` of the REST binding (UriCollection, EventTypeCollection, ResourceCollection). */
export const collectionSchema = z.strictObject({
  '@context': z.string(),
  type: z.literal('Collection'),
  member: z.array(z.string()),
});
export type Collection = z.infer<typeof collectionSchema>;

export function collection(member: string[]): Collection {
  return { '@context': EPCIS_CONTEXT_URI, type: 'Collection', member };
}

/** The sub-resources of a collection's member (HATEOAS): its events. */
export const SUB_RESOURCES = collection(['events']);

/** Where a collection page continues: after the last value served (byte order). */
export function encodeCollectionToken(kind: string, after: string): string {
  return Buffer.from(JSON.stringify({ kind, after })).toString('base64url');
}

export function decodeCollectionToken(kind: string, token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  try {
    const decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      kind?: unknown;
      after?: unknown;
    };
    if (decoded.kind === kind && typeof decoded.after === 'string') return decoded.after;
  } catch {
    // Refused below.
  }
  throw epcisProblem('QueryParameterException', 400, `nextPageToken: not a page token of /${kind}`);
}

/** perPage of a collection: 30 unless asked (the REST binding's default), at most `max`. */
export function collectionPageSize(perPage: string | undefined, max: number): number {
  if (perPage === undefined) return Math.min(30, max);
  const n = Number(perPage);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw epcisProblem('QueryParameterException', 400, `perPage: an integer from 1 to ${max}`);
  return n;
}

export const EPC_FORMAT_HEADER = ApiHeader({
  name: 'GS1-EPC-Format',
  required: false,
  enum: [...EPC_FORMATS],
  description:
    'identifiers in the answer: Always_GS1_Digital_Link (the default when absent, as GS1 says), Always_EPC_URN (Digital Links whose company prefix length is known from the capturer), or as stored (No_Preference and Never_Translates)',
});

export const CBV_XML_FORMAT_HEADER = ApiHeader({
  name: 'GS1-CBV-XML-Format',
  required: false,
  enum: [...CBV_XML_FORMATS],
  description:
    'vocabulary values of an XML answer: Always_Web_URI, Always_URN (the default, as No_Preference), Never_Translates (as stored)',
});

const PROBLEM = 'application/problem+json';

/** The OpenAPI description of a collection route (`GET /bizSteps`, …). */
export function ApiCollection(what: string) {
  return applyDecorators(
    ApiQuery({ name: 'perPage', required: false, schema: { type: 'integer', minimum: 1 } }),
    ApiQuery({ name: 'nextPageToken', required: false, schema: { type: 'string' } }),
    EPC_FORMAT_HEADER,
    ApiResponse({
      status: 200,
      description: `${what} in events you may see (Collection, byte order); Link rel="next" when more pages`,
      content: bodyContent(openApiSchema(collectionSchema), ['application/json']),
    }),
    ApiResponse({
      status: 400,
      description: `epcisException:QueryParameterException (${PROBLEM}): perPage, nextPageToken or a header is not valid`,
    }),
  );
}

/** The OpenAPI description of a member route (`GET /bizSteps/{bizStep}`): its sub-resources. */
export const MEMBER_ANSWER = ApiResponse({
  status: 200,
  description: 'the sub-resources of the member (Collection: events)',
  content: bodyContent(openApiSchema(collectionSchema), ['application/json']),
});
