/**
 * JSON-LD namespace prefixes as they matter for the event hash: compact IRIs (CURIEs) in keys and values
 * are expanded with them, and extension field names are written `{namespace}localName`.
 */

import { EPCIS_CONTEXT_PREFIXES } from '../jsonld/context';

/** Prefix → namespace IRI, e.g. `{ example: 'https://ns.example.com/epcis/' }`. */
export type JsonLdNamespaces = Readonly<Record<string, string>>;

/** The prefixes that the standard EPCIS 2.0 JSON-LD context (epcis-context.jsonld) declares. */
export const EPCIS_CONTEXT_NAMESPACES: JsonLdNamespaces = Object.freeze({ ...EPCIS_CONTEXT_PREFIXES });

/**
 * The prefixes declared by a document's `@context` (a string, an object or an array of both). Remote
 * contexts given by URL contribute nothing here; the standard EPCIS context is always assumed
 * (see {@link EPCIS_CONTEXT_NAMESPACES}). A term whose definition is an object contributes its `@id`.
 */
export function namespacesFromJsonLdContext(context: unknown): Record<string, string> {
  const namespaces: Record<string, string> = {};
  const entries = Array.isArray(context) ? context : [context];
  for (const entry of entries) {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) continue;
    for (const [term, definition] of Object.entries(entry as Record<string, unknown>)) {
      if (term.startsWith('@')) continue;
      const iri = typeof definition === 'string' ? definition : idOf(definition);
      if (iri !== undefined && !iri.startsWith('@')) namespaces[term] = iri;
    }
  }
  return namespaces;
}

function idOf(definition: unknown): string | undefined {
  if (definition === null || typeof definition !== 'object') return undefined;
  const id = (definition as Record<string, unknown>)['@id'];
  return typeof id === 'string' ? id : undefined;
}

/**
 * Splits a compact IRI `prefix:suffix` whose prefix is declared. Absolute IRIs (`https://…`, a suffix
 * starting with `//`) and undeclared prefixes are not compact IRIs.
 */
export function splitCompactIri(
  value: string,
  namespaces: JsonLdNamespaces,
): { namespace: string; localName: string } | undefined {
  const colon = value.indexOf(':');
  if (colon <= 0 || value.startsWith('//', colon + 1)) return undefined;
  const prefix = value.slice(0, colon);
  if (!Object.hasOwn(namespaces, prefix)) return undefined;
  return { namespace: namespaces[prefix], localName: value.slice(colon + 1) };
}

/** Expands a compact IRI value (`cbv:BizStep-shipping`); anything else is returned unchanged. */
export function expandCompactIri(value: string, namespaces: JsonLdNamespaces): string {
  const parts = splitCompactIri(value, namespaces);
  return parts ? parts.namespace + parts.localName : value;
}
