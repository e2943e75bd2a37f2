import { gs1StandardsPath } from '@pedigree/gs1';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { EpcisException } from '../errors';
import { EPCIS_CONTEXT_URI, type EpcisDocument } from '../model/documents';
import type { ObjectEvent } from '../model/events';
import { compactIri, expandTerm, resolveEpcisContext } from './context';
import { documentEvents } from './documents';
import { normaliseEpcisDocument } from './normalise';
import { parseEpcisJson } from './parse';

const examples = gs1StandardsPath('gs1-epcis/examples');
const load = (name: string): EpcisDocument =>
  parseEpcisJson(readFileSync(path.join(examples, name), 'utf8')) as EpcisDocument;

function documentWith(
  event: Partial<ObjectEvent> & Record<string, unknown>,
  context: unknown = EPCIS_CONTEXT_URI,
): EpcisDocument {
  return {
    '@context': context,
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2024-01-01T00:00:00Z',
    epcisBody: {
      eventList: [
        {
          type: 'ObjectEvent',
          action: 'OBSERVE',
          eventTime: '2024-01-01T00:00:00Z',
          eventTimeZoneOffset: '+00:00',
          epcList: ['urn:epc:id:sgtin:0614141.107346.2017'],
          ...event,
        },
      ],
    },
  } as EpcisDocument;
}

describe('resolveEpcisContext', () => {
  it('accepts the bare context URI', () => {
    const resolved = resolveEpcisContext(EPCIS_CONTEXT_URI);
    expect(resolved.hasEpcisContext).toBe(true);
    expect(resolved.namespaces['cbv']).toBe('https://ref.gs1.org/cbv/');
    expect(resolved.declaredNamespaces).toEqual({});
  });

  it('collects prefixes and term definitions from an array context', () => {
    const resolved = resolveEpcisContext(load('Example-TransactionEvents-2020_07_03y.jsonld')['@context']);
    expect(resolved.hasEpcisContext).toBe(true);
    expect(resolved.declaredNamespaces['rail']).toBe('urn:gs1:epcisapp:rail:');
    expect(resolved.termDefinitions['rail:vehicleMasterGIAI']).toEqual({ '@type': '@id' });
    expect(resolved.otherContextUris).toEqual([]);
  });

  it('lists unknown remote contexts and rejects entries that are neither URI nor object', () => {
    expect(resolveEpcisContext(['https://example.com/ctx.jsonld']).otherContextUris).toEqual([
      'https://example.com/ctx.jsonld',
    ]);
    expect(() => resolveEpcisContext([EPCIS_CONTEXT_URI, 42])).toThrow(EpcisException);
    try {
      resolveEpcisContext([EPCIS_CONTEXT_URI, 42]);
    } catch (error) {
      expect((error as EpcisException).problems[0].pointer).toBe('/@context/1');
    }
  });

  it('expands and compacts prefixed names', () => {
    const ns = { example: 'http://ns.example.com/epcis/' };
    expect(expandTerm('example:myField', ns)).toBe('http://ns.example.com/epcis/myField');
    expect(expandTerm('urn:example:x', ns)).toBe('urn:example:x');
    expect(expandTerm('http://other.org/x', { http: 'nope' })).toBe('http://other.org/x');
    expect(compactIri('http://ns.example.com/epcis/myField', ns)).toBe('example:myField');
  });
});

describe('normaliseEpcisDocument', () => {
  it('converts every vocabulary form to bare words without touching the input', () => {
    const doc = documentWith({
      bizStep: 'urn:epcglobal:cbv:bizstep:shipping',
      disposition: 'https://ref.gs1.org/cbv/Disp-in_transit',
      persistentDisposition: { set: ['cbv:Disp-completeness_verified'] },
      bizTransactionList: [
        { type: 'urn:epcglobal:cbv:btt:po', bizTransaction: 'urn:epcglobal:cbv:bt:0614141073467:1' },
      ],
      sourceList: [{ type: 'urn:epcglobal:cbv:sdt:owning_party', source: 'urn:epc:id:pgln:0614141.00000' }],
      errorDeclaration: {
        declarationTime: '2024-01-02T00:00:00Z',
        reason: 'urn:epcglobal:cbv:er:incorrect_data',
      },
      sensorElementList: [
        { sensorReport: [{ type: 'gs1:Temperature', value: 3, uom: 'CEL', component: 'cbv:Comp-x' }] },
      ],
    });
    const before = JSON.stringify(doc);
    const event = documentEvents(normaliseEpcisDocument(doc))[0] as ObjectEvent;
    expect(JSON.stringify(doc)).toBe(before);
    expect(event.bizStep).toBe('shipping');
    expect(event.disposition).toBe('in_transit');
    expect(event.persistentDisposition?.set).toEqual(['completeness_verified']);
    expect(event.bizTransactionList?.[0].type).toBe('po');
    expect(event.sourceList?.[0].type).toBe('owning_party');
    expect(event.errorDeclaration?.reason).toBe('incorrect_data');
    expect(event.sensorElementList?.[0].sensorReport[0]).toMatchObject({
      type: 'Temperature',
      component: 'x',
    });
  });

  it('converts to full URIs on request and round-trips back to the original', () => {
    const original = load('Example_9.6.1-ObjectEvent.jsonld');
    const asUris = normaliseEpcisDocument(original, { vocabulary: 'uri' });
    const first = documentEvents(asUris)[0];
    expect(first.bizStep).toBe('https://ref.gs1.org/cbv/BizStep-shipping');
    expect(first.bizTransactionList?.[0].type).toBe('https://ref.gs1.org/cbv/BTT-po');
    expect(documentEvents(normaliseEpcisDocument(asUris))).toEqual(documentEvents(original));
  });

  it('writes the context canonically and can expand or compact extension keys', () => {
    const doc = documentWith(
      { 'example:myField': { 'example:nested': 1 }, ilmd: { 'http://ns.example.com/epcis/lot': 'L1' } },
      [{ example: 'http://ns.example.com/epcis/' }, EPCIS_CONTEXT_URI],
    );
    const expanded = normaliseEpcisDocument(doc, { extensionKeys: 'expanded' });
    expect(expanded['@context']).toEqual([EPCIS_CONTEXT_URI, { example: 'http://ns.example.com/epcis/' }]);
    expect(documentEvents(expanded)[0]).toMatchObject({
      'http://ns.example.com/epcis/myField': { 'http://ns.example.com/epcis/nested': 1 },
    });
    const compacted = normaliseEpcisDocument(expanded, { extensionKeys: 'compact' });
    expect(documentEvents(compacted)[0]).toMatchObject({
      'example:myField': { 'example:nested': 1 },
      ilmd: { 'example:lot': 'L1' },
    });
  });

  it('honours an event-level @context when expanding keys', () => {
    const doc = documentWith({ '@context': [{ ev: 'https://ev.example/' }], 'ev:x': 1 });
    expect(documentEvents(normaliseEpcisDocument(doc, { extensionKeys: 'expanded' }))[0]).toMatchObject({
      'https://ev.example/x': 1,
    });
  });
});
