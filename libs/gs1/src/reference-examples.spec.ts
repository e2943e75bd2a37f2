import { gs1StandardsPath } from './standards';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { digitalLinkToEpcUri, epcUriToDigitalLink } from './conversions';
import { parseDigitalLink } from './digital-link';
import { parseEpcUri } from './epc-uri';
import { parseAnyIdentifier } from './identifier';

/** Every EPC URI and GS1 Digital Link URI in the GS1 EPCIS reference examples must parse and convert. */
const referenceRoot = gs1StandardsPath();
const folders = ['gs1-epcis/examples', 'event-hash'].map((folder) => path.join(referenceRoot, folder));

function stringsIn(value: unknown, found: Set<string>): Set<string> {
  if (typeof value === 'string') found.add(value);
  else if (Array.isArray(value)) value.forEach((item) => stringsIn(item, found));
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      found.add(key);
      stringsIn(item, found);
    }
  }
  return found;
}

const allStrings = new Set<string>();
for (const folder of folders) {
  for (const file of fs.readdirSync(folder).filter((name) => name.endsWith('.jsonld'))) {
    stringsIn(JSON.parse(fs.readFileSync(path.join(folder, file), 'utf8')), allStrings);
  }
}
const epcUris = [...allStrings].filter((s) => /^urn:epc:(id|class|idpat):/.test(s)).sort();
// GS1 keys start with a digit, which tells e.g. http://www.w3.org/2000/01/rdf-schema# apart.
const digitalLinkPrimaryKeyInPath =
  /^https?:\/\/[^/]+(\/[^?#]*)?\/(00|01|253|255|401|402|414|415|417|8003|8004|8006|8010|8013|8017|8018)\/[0-9][^/?#]*/;
const digitalLinks = [...allStrings].filter((s) => digitalLinkPrimaryKeyInPath.test(s)).sort();

describe('GS1 EPCIS reference examples', () => {
  it('contain identifiers to check', () => {
    expect(epcUris.length).toBeGreaterThan(80);
    expect(digitalLinks.length).toBeGreaterThan(10);
    expect(digitalLinks).toContain('https://example.org/8004/4000001111-20190402T150000000');
  });

  it.each(epcUris)('EPC URI %s parses and converts to Digital Link and back', (uri) => {
    const parsed = parseEpcUri(uri);
    expect(parsed.elements.length).toBeGreaterThan(0);
    const digitalLink = epcUriToDigitalLink(uri);
    expect(digitalLink.startsWith('https://id.gs1.org/')).toBe(true);
    expect(digitalLinkToEpcUri(digitalLink, { gcpLength: parsed.companyPrefix.length })).toBe(uri);
    const description = parseAnyIdentifier(uri);
    expect(description.epcUri ?? description.epcClassUri ?? description.epcPatternUri).toBe(uri);
  });

  it.each(digitalLinks)('Digital Link %s parses', (uri) => {
    const parsed = parseDigitalLink(uri);
    expect(parsed.elements.length).toBeGreaterThan(0);
    expect(parseAnyIdentifier(uri).digitalLinkKey?.startsWith('https://id.gs1.org/')).toBe(true);
  });
});
