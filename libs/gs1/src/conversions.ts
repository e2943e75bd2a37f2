import { CompanyPrefixOptions } from './company-prefix';
import { formatDigitalLink, parseDigitalLink } from './digital-link';
import { Gs1Error } from './errors';
import { elementsToEpcClassUri, elementsToEpcPatternUri, elementsToEpcUri, parseEpcUri } from './epc-uri';

/**
 * EPC URI → GS1 Digital Link URI (EPC TDS 2.x §7 / CBV 2.0 canonicalisation): pure identities, the class-level
 * lgtin (→ /01/{gtin}/10/{lot}) and idpat patterns whose only wildcard is the serial (sgtin → /01/{gtin}).
 * Uses `https://id.gs1.org` unless `options.domain` is given.
 */
export function epcUriToDigitalLink(uri: string, options: { domain?: string } = {}): string {
  const parsed = parseEpcUri(uri);
  if (parsed.elements.length === 0) {
    throw new Gs1Error(
      'UNSUPPORTED',
      `EPC URI "${uri}" has no GS1 Digital Link equivalent (the pattern leaves part of the key open)`,
    );
  }
  return formatDigitalLink(parsed.elements, options.domain === undefined ? {} : { domain: options.domain });
}

/**
 * GS1 Digital Link URI → EPC URI. A serialised key gives `urn:epc:id:…`; (01) with (10) and no serial
 * gives `urn:epc:class:lgtin:…`; a bare (01) gives `urn:epc:idpat:sgtin:….*`. Needs the company-prefix length.
 */
export function digitalLinkToEpcUri(uri: string, options: CompanyPrefixOptions): string {
  const { qualifiers, primaryKey } = parseDigitalLink(uri);
  const identity = [primaryKey, ...qualifiers];
  if (primaryKey.ai === '01' && !identity.some((e) => e.ai === '21' || e.ai === '235')) {
    const uriForGtin = elementsToEpcClassUri(identity, options) ?? elementsToEpcPatternUri(identity, options);
    if (uriForGtin !== undefined) return uriForGtin;
  }
  return elementsToEpcUri(identity, options);
}
