import {
  ApiExtension,
  type ContentObject,
  type OpenAPIObject,
  type OperationObject,
  type RequestBodyObject,
  type SchemaObject,
} from '@nestjs/swagger';
import { z } from 'zod';

/** The OpenAPI 3.0 schema of a zod schema (the shape the code produces), for an answer's or a request's body. */
export function openApiSchema(schema: z.ZodType): SchemaObject {
  return z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'output' }) as SchemaObject;
}

/** The `content` of an answer whose body is `schema` in each of `mediaTypes` (JSON by default). */
export function bodyContent(
  schema: z.ZodType | SchemaObject,
  mediaTypes: readonly string[] = ['application/json'],
): ContentObject {
  const openApi = schema instanceof z.ZodType ? openApiSchema(schema) : schema;
  return Object.fromEntries(mediaTypes.map((type) => [type, { schema: openApi }]));
}

const REQUEST_CONTENT_EXTENSION = 'x-request-content';

/**
 * Declares an operation's request body media type by media type (each with its own schema and example), which
 * `@ApiBody` cannot: it gives every consumed media type the same schema. `openApiDocument` puts it in place.
 */
export const ApiRequestContent = (content: ContentObject, required = true) =>
  ApiExtension(REQUEST_CONTENT_EXTENSION, { required, content });

/** Puts the request bodies declared with `ApiRequestContent` in place (`requestBody`). */
export function withRequestContents(document: OpenAPIObject): OpenAPIObject {
  for (const pathItem of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = pathItem[method] as (OperationObject & Record<string, unknown>) | undefined;
      const declared = operation?.[REQUEST_CONTENT_EXTENSION] as RequestBodyObject | undefined;
      if (!operation || !declared) continue;
      operation.requestBody = declared;
      delete operation[REQUEST_CONTENT_EXTENSION];
    }
  }
  return document;
}
