import type { OpenAPIObject } from '@nestjs/swagger';
import { withRuntimeProblems } from './bootstrap';

function document(): OpenAPIObject {
  return {
    openapi: '3.0.0',
    info: { title: 't', version: '1' },
    paths: {
      '/open': { get: { responses: { '200': { description: 'ok' } } } },
      '/guarded': {
        post: {
          security: [{ bearer: [] }],
          requestBody: { content: { 'application/json': { schema: { type: 'object' } } } },
          responses: {
            '201': { description: 'made' },
            '409': { description: 'conflict' },
            '503': {
              description: 'own body',
              content: { 'application/json': { schema: { type: 'object' } } },
            },
          },
        },
      },
    },
  };
}

describe('withRuntimeProblems', () => {
  it('adds the runtime’s problem+json answers to every operation, and 413/415/401/403 where they can happen', () => {
    const completed = withRuntimeProblems(document());
    expect(Object.keys(completed.paths['/open']!.get!.responses).sort()).toEqual(['200', '400', '414']);
    expect(Object.keys(completed.paths['/guarded']!.post!.responses).sort()).toEqual([
      '201',
      '400',
      '401',
      '403',
      '409',
      '413',
      '414',
      '415',
      '503',
    ]);
    expect(completed.components?.schemas?.Problem).toMatchObject({ required: ['title', 'status'] });
  });

  it('gives error answers declared without a body the problem+json body, and leaves declared bodies alone', () => {
    const responses = withRuntimeProblems(document()).paths['/guarded']!.post!.responses;
    expect(responses['409']).toEqual({
      description: 'conflict',
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    });
    expect(responses['503']).toMatchObject({
      content: { 'application/json': { schema: { type: 'object' } } },
    });
    expect(responses['201']).toEqual({ description: 'made' });
  });
});
