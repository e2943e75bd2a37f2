import type { JsonObject } from '../model/json';
import { EPCIS_CONTEXT_PREFIXES } from '../jsonld/context';
import { jsonLdNamespaceOf } from './namespaces';

const NCNAME = /^[A-Za-z_][\w.-]*$/;

/**
 * The JSON-LD prefixes of the user-extension namespaces met while reading an XML document. The XML prefix is
 * kept where possible; a namespace bound to several XML prefixes gets one JSON-LD prefix (the first seen), and a
 * prefix that would clash (bound to another namespace here or in the protected EPCIS context, which
 * forbids redefining its own prefixes) is renumbered.
 *
 * A prefix in `reserved` is renumbered too. XML expands prefixes in element and attribute names only: a value such
 * as `example:someSensorProperty` (an anyURI, or the text of an extension) is a URI with the scheme `example`,
 * whatever `xmlns:example` says. In JSON-LD the same string would be a compact IRI, expanded through an `example`
 * prefix in the `@context` (and so would the event hash); the reader reserves the schemes of the document's values
 * so that the JSON-LD document keeps them as written, as the XML does and as GS1's reference hash generator reads them.
 */
export class ExtensionPrefixes {
  private readonly byPrefix = new Map<string, string>();
  private readonly byNamespace = new Map<string, string>();

  constructor(private readonly reserved: ReadonlySet<string> = new Set()) {}

  prefixFor(xmlNamespace: string, xmlPrefix: string | null): string {
    const namespace = jsonLdNamespaceOf(xmlNamespace);
    const known = this.byNamespace.get(namespace);
    if (known !== undefined) return known;
    const base = xmlPrefix && NCNAME.test(xmlPrefix) ? xmlPrefix : 'ns';
    let prefix = base;
    for (let n = 1; !this.isFree(prefix, namespace); n++) prefix = `${base}${n}`;
    this.byPrefix.set(prefix, namespace);
    this.byNamespace.set(namespace, prefix);
    return prefix;
  }

  /** One `@context` entry per prefix, in the order the namespaces were met. */
  contextEntries(): JsonObject[] {
    return [...this.byPrefix].map(([prefix, namespace]) => ({ [prefix]: namespace }));
  }

  private isFree(prefix: string, namespace: string): boolean {
    if (this.reserved.has(prefix)) return false;
    const bound =
      this.byPrefix.get(prefix) ??
      (Object.hasOwn(EPCIS_CONTEXT_PREFIXES, prefix) ? EPCIS_CONTEXT_PREFIXES[prefix] : undefined);
    return bound === undefined || bound === namespace;
  }
}
