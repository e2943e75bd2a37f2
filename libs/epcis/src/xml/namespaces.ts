/** XML namespaces of the EPCIS 1.2 and 2.0 XML bindings and the JSON-LD context they map to. */

export const EPCIS_2_NS = 'urn:epcglobal:epcis:xsd:2';
export const EPCIS_1_NS = 'urn:epcglobal:epcis:xsd:1';
export const EPCIS_QUERY_2_NS = 'urn:epcglobal:epcis-query:xsd:2';
export const EPCIS_QUERY_1_NS = 'urn:epcglobal:epcis-query:xsd:1';
export const SBDH_NS = 'http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader';
export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
export const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';
export const XML_NS = 'http://www.w3.org/XML/1998/namespace';

/** Namespaces whose elements belong to the EPCIS binding itself (never user extensions). */
export const EPCIS_BINDING_NAMESPACES: ReadonlySet<string> = new Set([
  EPCIS_2_NS,
  EPCIS_1_NS,
  EPCIS_QUERY_2_NS,
  EPCIS_QUERY_1_NS,
  'urn:epcglobal:epcis-masterdata:xsd:2',
  'urn:epcglobal:epcis-masterdata:xsd:1',
]);

/**
 * CBV 1.x documents declare the master-data namespace without its trailing colon (`urn:epcglobal:cbv:mda`);
 * CBV 2.0 / the EPCIS 2.0 context use `urn:epcglobal:cbv:mda:`. Both name the same attributes
 * (`cbvmda:lotNumber`), so the JSON-LD side always uses the 2.0 form.
 */
export function jsonLdNamespaceOf(xmlNamespace: string): string {
  return xmlNamespace === 'urn:epcglobal:cbv:mda' ? 'urn:epcglobal:cbv:mda:' : xmlNamespace;
}
