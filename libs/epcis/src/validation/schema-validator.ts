import { readFileSync } from 'node:fs';
import { gs1StandardsPath } from '@pedigree/gs1';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { EpcisProblem } from '../errors';
import { jsonPointer } from '../errors';
import { isObject } from './collector';

/**
 * The GS1 EPCIS 2.0 JSON schema (draft-07), compiled once: the repository's copy in `standards/gs1-epcis`, or the
 * file `EPCIS_JSON_SCHEMA` names (an override, for a deployment that ships its own copy).
 */
export function defaultEpcisSchemaPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.EPCIS_JSON_SCHEMA || gs1StandardsPath('gs1-epcis/EPCIS-JSON-Schema.json');
}

export interface SchemaProblem extends EpcisProblem {
  /** True when the problem summarises failed alternatives (anyOf) rather than one definite rule. */
  alternatives: boolean;
}

export type SchemaCheck = (document: unknown) => SchemaProblem[];

/**
 * The usual forms of the schema's `uri` and `date-time` values, each accepting only values that the full check of
 * ajv-formats (RFC 3986 URI, RFC 3339 date-time) accepts too: `scheme:path` URNs and `scheme://host/path` URLs
 * without %-escapes, and date-times with an upper-case `T`, a time zone and a day that every month has. Anything
 * else gets the full check.
 */
export const PLAIN_URI =
  /^[a-z][a-z0-9+.-]*:(?:\/\/[a-z0-9._~-]*(?:\/[a-z0-9._~!$&'()*+,;=:@/-]*)?|[a-z0-9._~!$&'()*+,;=:@-][a-z0-9._~!$&'()*+,;=:@/-]*)$/i;
export const PLAIN_DATE_TIME =
  /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

type StringCheck = (value: string) => boolean;

/** Lets the values of format `name` that match `plain` skip the full check. */
function addPlainForm(ajv: Ajv, name: string, plain: RegExp): void {
  const format = ajv.formats[name];
  const shortcut = (full: StringCheck) => (value: string) => plain.test(value) || full(value);
  if (typeof format === 'function') {
    ajv.addFormat(name, shortcut(format));
  } else if (
    typeof format === 'object' &&
    !(format instanceof RegExp) &&
    isStringValidator(format.validate)
  ) {
    ajv.addFormat(name, { ...format, validate: shortcut(format.validate) } as typeof format);
  } else {
    throw new Error(`ajv-formats defines no validating function for format ${name}`);
  }
}

function isStringValidator(validate: unknown): validate is StringCheck {
  return typeof validate === 'function';
}

/** The event list of a document and its JSON pointer, or undefined when it has none. */
export function eventListOf(
  document: Record<string, unknown>,
): { events: unknown[]; pointer: string } | undefined {
  const body = document['epcisBody'];
  if (!isObject(body)) return undefined;
  if (document['type'] === 'EPCISQueryDocument') {
    const results = isObject(body['queryResults']) ? body['queryResults']['resultsBody'] : undefined;
    const events = isObject(results) ? results['eventList'] : undefined;
    return Array.isArray(events)
      ? { events, pointer: '/epcisBody/queryResults/resultsBody/eventList' }
      : undefined;
  }
  const events = body['eventList'];
  return Array.isArray(events) ? { events, pointer: '/epcisBody/eventList' } : undefined;
}

/** `document` with `events` as its event list (a shallow copy: the rest is shared). */
function withEvents(document: Record<string, unknown>, events: unknown[]): Record<string, unknown> {
  const body = document['epcisBody'] as Record<string, unknown>;
  if (document['type'] !== 'EPCISQueryDocument')
    return { ...document, epcisBody: { ...body, eventList: events } };
  const results = body['queryResults'] as Record<string, unknown>;
  const resultsBody = results['resultsBody'] as Record<string, unknown>;
  return {
    ...document,
    epcisBody: { ...body, queryResults: { ...results, resultsBody: { ...resultsBody, eventList: events } } },
  };
}

type SchemaNode = Record<string, unknown>;

/** Whether `node` (resolving `#/definitions/…` references) admits strings only. */
function admitsStringsOnly(node: unknown, definitions: SchemaNode, seen = new Set<string>()): boolean {
  if (!isObject(node)) return false;
  if (node['type'] === 'string') return true;
  const ref = node['$ref'];
  if (typeof ref === 'string' && ref.startsWith('#/definitions/') && !seen.has(ref)) {
    seen.add(ref);
    return admitsStringsOnly(definitions[ref.slice('#/definitions/'.length)], definitions, seen);
  }
  const anyOf = node['anyOf'];
  return (
    Array.isArray(anyOf) && anyOf.length > 0 && anyOf.every((b) => admitsStringsOnly(b, definitions, seen))
  );
}

/**
 * Ajv checks `uniqueItems` with a hash (linear) only when the `items` schema states its type, and otherwise compares
 * every pair of items (quadratic: 16,000 EPCs took about a second). The GS1 schema's `epcList` and disposition lists
 * name their items by `$ref` to string-only definitions, so this states `type: string` beside each such reference.
 * Validity is unchanged.
 */
export function withTypedUniqueItems(schema: SchemaNode): SchemaNode {
  const definitions = isObject(schema['definitions']) ? schema['definitions'] : {};
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    if (!isObject(node)) return;
    const items = node['items'];
    if (node['uniqueItems'] === true && isObject(items) && items['type'] === undefined) {
      if (admitsStringsOnly(items, definitions)) node['items'] = { type: 'string', allOf: [items] };
    }
    Object.values(node).forEach(visit);
  };
  visit(schema);
  return schema;
}

/** Stop listing schema problems of further events once this many are listed. */
export const MAX_SCHEMA_PROBLEMS = 100;

/**
 * Loads and compiles the schema file. The GS1 schema declares draft-07, which Ajv's default class supports.
 *
 * Ajv's code for `allErrors` copies the errors found so far each time a nested check fails (`vErrors.concat`), so its
 * time grows with the square of the problems in one object or list. The check therefore runs a fast pass that stops
 * at the first error; only when that fails does it list all problems, the document header first, then one event at a
 * time (each as a one-event document, its pointers renumbered), and it stops listing events after
 * MAX_SCHEMA_PROBLEMS problems.
 */
export function compileEpcisSchema(schemaPath: string = defaultEpcisSchemaPath()): SchemaCheck {
  const schema = withTypedUniqueItems(JSON.parse(readFileSync(schemaPath, 'utf8')) as SchemaNode);
  const compile = (allErrors: boolean): ValidateFunction => {
    const ajv = new Ajv({ allErrors, strict: false });
    addFormats(ajv);
    addPlainForm(ajv, 'uri', PLAIN_URI);
    addPlainForm(ajv, 'date-time', PLAIN_DATE_TIME);
    return ajv.compile(schema);
  };
  const firstError = compile(false);
  const everyError = compile(true);
  const problemsOf = (document: unknown): SchemaProblem[] =>
    everyError(document) ? [] : toProblems(everyError.errors ?? []);
  return (document) => {
    if (firstError(document)) return [];
    const list = isObject(document) ? eventListOf(document) : undefined;
    if (!isObject(document) || list === undefined || list.events.length <= 1) return problemsOf(document);
    const inList = (pointer: string) => pointer === list.pointer || pointer.startsWith(`${list.pointer}/`);
    const problems = problemsOf(withEvents(document, [])).filter((p) => !inList(p.pointer));
    const firstEvent = `${list.pointer}/0`;
    for (const [index, event] of list.events.entries()) {
      if (problems.length >= MAX_SCHEMA_PROBLEMS) break;
      const single = withEvents(document, [event]);
      if (firstError(single)) continue;
      for (const problem of problemsOf(single)) {
        if (problem.pointer === firstEvent || problem.pointer.startsWith(`${firstEvent}/`)) {
          problems.push({
            ...problem,
            pointer: `${list.pointer}/${index}${problem.pointer.slice(firstEvent.length)}`,
          });
        } else if (inList(problem.pointer) && !problems.some((p) => p.pointer === problem.pointer)) {
          problems.push(problem);
        }
      }
    }
    return problems;
  };
}

const MAX_LISTED_VALUES = 8;

function describeAllowedValues(values: unknown[]): string {
  const listed = values.slice(0, MAX_LISTED_VALUES).map((v) => JSON.stringify(v));
  return values.length > MAX_LISTED_VALUES
    ? `${listed.join(', ')}, … (${values.length} values)`
    : listed.join(', ');
}

function leafProblem(error: ErrorObject): SchemaProblem {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return {
        pointer: jsonPointer(error.instancePath, String(params['missingProperty'])),
        message: `${String(params['missingProperty'])} is required`,
        alternatives: false,
      };
    case 'additionalProperties':
      return {
        pointer: jsonPointer(error.instancePath, String(params['additionalProperty'])),
        message: `${String(params['additionalProperty'])} is not allowed here`,
        alternatives: false,
      };
    case 'enum':
      return {
        pointer: error.instancePath,
        message: `must be one of ${describeAllowedValues(params['allowedValues'] as unknown[])}`,
        alternatives: false,
      };
    case 'format':
      return {
        pointer: error.instancePath,
        message: `must be a valid ${String(params['format'])}`,
        alternatives: false,
      };
    default:
      return { pointer: error.instancePath, message: error.message ?? error.keyword, alternatives: false };
  }
}

const PROPERTY_NAME_DETAIL_KEYWORDS = new Set(['enum', 'format', 'anyOf']);

/**
 * Marks the inner errors of each `propertyNames` failure: Ajv reports them at the object itself, just before
 * the `propertyNames` error, and they only repeat which names are allowed.
 */
function markPropertyNameDetails(errors: readonly ErrorObject[], consumed: Set<number>): void {
  errors.forEach((error, index) => {
    if (error.keyword !== 'propertyNames') return;
    for (let i = index - 1; i >= 0; i--) {
      const candidate = errors[i];
      if (
        candidate.instancePath !== error.instancePath ||
        !PROPERTY_NAME_DETAIL_KEYWORDS.has(candidate.keyword)
      )
        break;
      consumed.add(i);
    }
  });
}

/**
 * Converts Ajv errors to problems: `if` bookkeeping errors are dropped, `propertyNames` failures point at the
 * offending member, and an `anyOf` failure is reported once, listing what each alternative required.
 */
export function toProblems(errors: readonly ErrorObject[]): SchemaProblem[] {
  const consumed = new Set<number>();
  markPropertyNameDetails(errors, consumed);
  const problems: SchemaProblem[] = [];
  errors.forEach((error, index) => {
    if (error.keyword !== 'anyOf' || consumed.has(index)) return;
    const branchMessages: string[] = [];
    for (let i = index - 1; i >= 0 && !consumed.has(i); i--) {
      const candidate = errors[i];
      const isBranch =
        candidate.schemaPath.startsWith(`${error.schemaPath}/`) ||
        (candidate.instancePath === error.instancePath && candidate.schemaPath.startsWith('#/definitions/'));
      if (!isBranch) break;
      consumed.add(i);
      if (candidate.keyword !== 'anyOf' && candidate.keyword !== 'if') {
        const leaf = leafProblem(candidate);
        const relative = leaf.pointer.slice(error.instancePath.length);
        branchMessages.unshift(relative ? `${relative.slice(1)}: ${leaf.message}` : leaf.message);
      }
    }
    consumed.add(index);
    const unique = [...new Set(branchMessages)];
    problems.push({
      pointer: error.instancePath,
      message:
        unique.length > 0
          ? `must satisfy one of: ${unique.join('; or ')}`
          : 'must match one of the allowed forms',
      alternatives: true,
    });
  });
  errors.forEach((error, index) => {
    if (consumed.has(index) || error.keyword === 'if') return;
    if (error.keyword === 'propertyNames') {
      const name = String((error.params as Record<string, unknown>)['propertyName']);
      problems.push({
        pointer: jsonPointer(error.instancePath, name),
        message: `${name} is not a field of this EPCIS structure; extension fields must be namespaced (a prefixed name declared in @context, or an absolute URI)`,
        alternatives: false,
      });
      return;
    }
    problems.push(leafProblem(error));
  });
  return problems;
}
