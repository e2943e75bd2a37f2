export {
  documentEventHashes,
  errorDeclarationHash,
  errorDeclarationPreHashString,
  eventHash,
  eventPreHashString,
  EVENT_HASH_VERSION,
} from './event-hash';
export { EPCIS_CONTEXT_NAMESPACES, namespacesFromJsonLdContext } from './namespaces';
export type { JsonLdNamespaces } from './namespaces';
export { canonicalIdentifier } from './canonical-value';
