import { queryDefinitionSchema, queryParameters } from './query-definition';

describe('named query definitions', () => {
  it('turns the JSON form into the URL parameters of GET /events', () => {
    const definition = queryDefinitionSchema.parse({
      name: 'shipped-or-received',
      query: {
        eventType: ['ObjectEvent'],
        EQ_bizStep: ['shipping', 'receiving'],
        GE_value_CEL: 8,
        EXISTS_ilmd: true,
      },
    });
    expect(queryParameters(definition.query).toString()).toBe(
      'eventType=ObjectEvent&EQ_bizStep=shipping&EQ_bizStep=receiving&GE_value_CEL=8&EXISTS_ilmd=true',
    );
  });

  it('refuses names that are no URL path segment and values that are objects', () => {
    expect(queryDefinitionSchema.safeParse({ name: 'a/b', query: {} }).success).toBe(false);
    expect(queryDefinitionSchema.safeParse({ name: '', query: {} }).success).toBe(false);
    expect(queryDefinitionSchema.safeParse({ name: 'q', query: { EQ_bizStep: { a: 1 } } }).success).toBe(
      false,
    );
    expect(queryDefinitionSchema.safeParse({ name: 'q', query: { EQ_bizStep: [] } }).success).toBe(false);
  });
});
