import { z } from 'zod';

/** A named query's name: what fits in a URL path segment unescaped. */
export const QUERY_NAME = /^[A-Za-z0-9][A-Za-z0-9_.~-]{0,127}$/;

/** A query's parameters in the JSON form of GS1's query schema: a name and a value or list of values. */
const parameterValue = z.union([z.string(), z.number(), z.boolean()]);
export const queryParametersSchema = z.record(
  z.string().min(1),
  z.union([parameterValue, z.array(parameterValue).min(1)]),
);

/** The body of `POST /queries` (QueryDefinition of the REST binding). */
export const queryDefinitionSchema = z.strictObject({
  name: z.string().regex(QUERY_NAME, 'letters, digits, _ . ~ -, at most 128, not starting with a symbol'),
  query: queryParametersSchema,
});
export type QueryDefinition = z.infer<typeof queryDefinitionSchema>;

/** Parameters that page a query's answer: not part of what a named query selects. */
export const PAGING_PARAMETERS = ['perPage', 'nextPageToken'];

/** The query's parameters as URL search parameters (a list becomes the parameter repeated), as GET /events takes them. */
export function queryParameters(query: QueryDefinition['query']): URLSearchParams {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) params.append(name, String(item));
  }
  return params;
}
