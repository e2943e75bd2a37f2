import type { OpenAPIObject } from '@nestjs/swagger';
import { z } from 'zod';
import { bodyContent, openApiSchema, withRequestContents } from './openapi-bodies';

describe('OpenAPI bodies', () => {
  it('describes a zod schema as the OpenAPI 3.0 schema of what the code produces', () => {
    const schema = openApiSchema(
      z.strictObject({ id: z.string(), note: z.string().nullable(), size: z.number().int().optional() }),
    );
    expect(schema).toMatchObject({
      type: 'object',
      required: ['id', 'note'],
      additionalProperties: false,
      properties: { note: { type: 'string', nullable: true }, size: { type: 'integer' } },
    });
  });

  it('gives each media type the body schema', () => {
    expect(bodyContent({ type: 'string' }, ['application/xml', 'text/xml'])).toEqual({
      'application/xml': { schema: { type: 'string' } },
      'text/xml': { schema: { type: 'string' } },
    });
  });

  it('puts request bodies declared media type by media type in place', () => {
    const content = { 'application/xml': { schema: { type: 'string' as const }, example: '<a/>' } };
    const document = {
      openapi: '3.0.0',
      info: { title: 't', version: '1' },
      paths: {
        '/capture': {
          post: {
            requestBody: { content: { 'application/json': { schema: { type: 'object' } } } },
            responses: {},
            'x-request-content': { required: true, content },
          },
        },
      },
    } as unknown as OpenAPIObject;
    const post = withRequestContents(document).paths['/capture']!.post!;
    expect(post.requestBody).toEqual({ required: true, content });
    expect(post).not.toHaveProperty('x-request-content');
  });
});
