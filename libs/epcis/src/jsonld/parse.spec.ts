import { gs1StandardsPath } from '@pedigree/gs1';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { EpcisException } from '../errors';
import { documentEvents, documentVocabularies, eventListPointer } from './documents';
import { parseEpcisJson } from './parse';

const examples = gs1StandardsPath('gs1-epcis/examples');
const readExample = (name: string): string => readFileSync(path.join(examples, name), 'utf8');

function parseError(text: string): EpcisException {
  try {
    parseEpcisJson(text);
  } catch (error) {
    if (error instanceof EpcisException) return error;
    throw error;
  }
  throw new Error('expected a ValidationException');
}

describe('parseEpcisJson', () => {
  it('parses an EPCISDocument and lists its events', () => {
    const doc = parseEpcisJson(readExample('Example_9.6.1-ObjectEvent.jsonld'));
    expect(doc.type).toBe('EPCISDocument');
    expect(eventListPointer(doc)).toBe('/epcisBody/eventList');
    expect(documentEvents(doc).map((e) => e.type)).toEqual(['ObjectEvent', 'ObjectEvent']);
    expect(documentEvents(doc)[1]).toMatchObject({
      bizStep: 'receiving',
      'example:myField': 'Example of a vendor/user extension',
    });
  });

  it('parses an EPCISQueryDocument and lists the events of its query results', () => {
    const doc = parseEpcisJson(readExample('EPCISQueryDocument.jsonld'));
    expect(doc.type).toBe('EPCISQueryDocument');
    expect(eventListPointer(doc)).toBe('/epcisBody/queryResults/resultsBody/eventList');
    expect(documentEvents(doc)).toHaveLength(2);
    expect(documentVocabularies(doc)).toEqual([]);
  });

  it('reports malformed JSON as a ValidationException with line and column', () => {
    const error = parseError('{\n  "type": "EPCISDocument",\n  "epcisBody": {,}\n}');
    expect(error.exceptionType).toBe('ValidationException');
    expect(error.problemType).toBe('epcisException:ValidationException');
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0].pointer).toBe('');
    expect(error.problems[0].message).toMatch(/^malformed JSON: .*line 3 column 17/);
  });

  it('rejects JSON that is not an object', () => {
    expect(parseError('[1, 2]').problems).toEqual([
      { pointer: '', message: 'an EPCIS document must be a JSON object' },
    ]);
  });

  it('rejects an unknown document type at /type', () => {
    const error = parseError('{"type": "ObjectEvent"}');
    expect(error.problems[0].pointer).toBe('/type');
    expect(error.problems[0].message).toContain('"ObjectEvent"');
  });
});
