/** A JSON value as produced by `JSON.parse`. */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;

export interface JsonObject {
  [key: string]: JsonValue;
}

/**
 * Extension fields (EPCIS 2.0 §9.2, JSON-LD): a user/vendor field is always namespaced, written either as a
 * CURIE whose prefix the document's @context declares (`example:myField`) or as an absolute URI. Both forms
 * contain a colon, which standard EPCIS field names never do, so the key pattern keeps them apart.
 */
export type ExtensionFields = { [extensionKey: `${string}:${string}`]: JsonValue | undefined };

/** The JSON-LD `@context` forms allowed in an EPCIS document: a URI, an object, or an array of both. */
export type JsonLdContextEntry = string | JsonObject;
export type JsonLdContext = JsonLdContextEntry | JsonLdContextEntry[];
