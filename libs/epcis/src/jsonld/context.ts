import { EpcisException, type EpcisProblem, jsonPointer } from '../errors';
import { EPCIS_CONTEXT_URI } from '../model/documents';
import type { JsonLdContext, JsonLdContextEntry, JsonObject, JsonValue } from '../model/json';

/** URIs under which GS1 publishes the EPCIS 2.0 JSON-LD context. */
export const EPCIS_CONTEXT_URIS: readonly string[] = [
  EPCIS_CONTEXT_URI,
  'https://ref.gs1.org/standards/epcis/epcis-context.jsonld',
  'https://gs1.github.io/EPCIS/epcis-context.jsonld',
];

/** Prefixes that the EPCIS 2.0 context itself declares. */
export const EPCIS_CONTEXT_PREFIXES: Readonly<Record<string, string>> = {
  epcis: 'https://ref.gs1.org/epcis/',
  cbv: 'https://ref.gs1.org/cbv/',
  cbvmda: 'urn:epcglobal:cbv:mda:',
  gs1: 'https://gs1.org/voc/',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
  owl: 'http://www.w3.org/2002/07/owl#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  dcterms: 'http://purl.org/dc/terms/',
};

export interface ResolvedContext {
  /** Whether the EPCIS 2.0 context is referenced (by one of its URIs). */
  hasEpcisContext: boolean;
  /** Namespace prefixes in force: the EPCIS context's own and those the document declares. */
  namespaces: Record<string, string>;
  /** The document's own prefix declarations, in order (without the EPCIS context's). */
  declaredNamespaces: Record<string, string>;
  /** Remote contexts other than the EPCIS context (cannot be resolved offline). */
  otherContextUris: string[];
  /** Inline term definitions that are not simple prefixes (e.g. `"ext:count": {"@type": "xsd:integer"}`). */
  termDefinitions: Record<string, JsonValue>;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Resolves the `@context` forms EPCIS 2.0 JSON-LD allows: the EPCIS context URI alone, an object, or an array
 * mixing the URI with objects that declare namespace prefixes for extensions. Throws a ValidationException
 * for any other shape. No I/O: remote contexts other than the EPCIS context are only listed.
 */
export function resolveEpcisContext(context: unknown, pointer = '/@context'): ResolvedContext {
  const entries: unknown[] = Array.isArray(context) ? context : [context];
  const problems: EpcisProblem[] = [];
  const resolved: ResolvedContext = {
    hasEpcisContext: false,
    namespaces: {},
    declaredNamespaces: {},
    otherContextUris: [],
    termDefinitions: {},
  };
  entries.forEach((entry, index) => {
    const entryPointer = Array.isArray(context) ? jsonPointer(pointer, index) : pointer;
    if (typeof entry === 'string') {
      if (EPCIS_CONTEXT_URIS.includes(entry)) resolved.hasEpcisContext = true;
      else resolved.otherContextUris.push(entry);
    } else if (isPlainObject(entry)) {
      for (const [term, definition] of Object.entries(entry)) {
        if (term.startsWith('@')) continue;
        if (typeof definition === 'string' && !term.includes(':') && !definition.startsWith('@')) {
          resolved.declaredNamespaces[term] = definition;
        } else {
          resolved.termDefinitions[term] = definition as JsonValue;
        }
      }
    } else {
      problems.push({
        pointer: entryPointer,
        message: 'a JSON-LD @context entry must be a context URI or an object of term definitions',
      });
    }
  });
  if (problems.length > 0) throw new EpcisException('ValidationException', problems);
  resolved.namespaces = {
    ...(resolved.hasEpcisContext ? EPCIS_CONTEXT_PREFIXES : {}),
    ...resolved.declaredNamespaces,
  };
  return resolved;
}

/** `example:myField` → `http://ns.example.com/epcis/myField` when `example` is a declared prefix. */
export function expandTerm(term: string, namespaces: Readonly<Record<string, string>>): string {
  const colon = term.indexOf(':');
  if (colon <= 0) return term;
  const prefix = term.slice(0, colon);
  const suffix = term.slice(colon + 1);
  const namespace = namespaces[prefix];
  return namespace === undefined || suffix.startsWith('//') ? term : namespace + suffix;
}

/** The inverse of expandTerm: the CURIE for an absolute IRI under the longest matching declared namespace. */
export function compactIri(iri: string, namespaces: Readonly<Record<string, string>>): string {
  let best: [string, string] | undefined;
  for (const [prefix, namespace] of Object.entries(namespaces)) {
    if (
      iri.startsWith(namespace) &&
      iri.length > namespace.length &&
      (!best || namespace.length > best[1].length)
    ) {
      best = [prefix, namespace];
    }
  }
  return best ? `${best[0]}:${iri.slice(best[1].length)}` : iri;
}

/**
 * The canonical @context of a normalised document: the EPCIS context URI first, then the other remote
 * contexts, then one object with all prefix and term declarations.
 */
export function canonicalContext(resolved: ResolvedContext): JsonLdContext {
  const declarations: JsonObject = { ...resolved.declaredNamespaces, ...resolved.termDefinitions };
  const entries: JsonLdContextEntry[] = [EPCIS_CONTEXT_URI, ...resolved.otherContextUris];
  if (Object.keys(declarations).length > 0) entries.push(declarations);
  return entries.length === 1 ? entries[0] : entries;
}
