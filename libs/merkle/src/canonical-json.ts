import { MerkleError } from './errors';

/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): the one serialisation of a JSON value that two parties hashing the
 * same data agree on. Object members sorted by the UTF-16 code units of their names, no whitespace, numbers in the
 * ECMAScript Number-to-String form (what JSON.stringify writes), strings with the minimal JSON escapes.
 * Only I-JSON values are accepted: finite numbers, strings without lone surrogates, plain objects and arrays.
 * Object members whose value is `undefined` are left out, as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  return serialise(value, '');
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function serialise(value: unknown, pointer: string): string {
  switch (typeof value) {
    case 'string':
      return serialiseString(value, pointer);
    case 'number':
      if (!Number.isFinite(value)) throw invalid(pointer, `${String(value)} is not a JSON number`);
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        return `[${value.map((element, i) => serialise(element, `${pointer}/${i}`)).join(',')}]`;
      }
      return serialiseObject(value as Record<string, unknown>, pointer);
    default:
      throw invalid(pointer, `a ${typeof value} is not a JSON value`);
  }
}

function serialiseString(text: string, pointer: string): string {
  if (LONE_SURROGATE.test(text)) throw invalid(pointer, 'a string with a lone surrogate is not I-JSON');
  return JSON.stringify(text);
}

function serialiseObject(object: Record<string, unknown>, pointer: string): string {
  const prototype = Object.getPrototypeOf(object) as unknown;
  if (prototype !== Object.prototype && prototype !== null) {
    throw invalid(pointer, 'only plain objects are JSON objects');
  }
  const members: string[] = [];
  // Default sort compares UTF-16 code units, exactly the order RFC 8785 §3.2.3 prescribes.
  for (const name of Object.keys(object).sort()) {
    const member = object[name];
    if (member === undefined) continue;
    const memberPointer = `${pointer}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    members.push(`${serialiseString(name, memberPointer)}:${serialise(member, memberPointer)}`);
  }
  return `{${members.join(',')}}`;
}

function invalid(pointer: string, message: string): MerkleError {
  return new MerkleError('INVALID_JSON', `${pointer || '(root)'}: ${message}`);
}
