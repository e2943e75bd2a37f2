import type { EpcisProblem } from '../errors';
import { Location } from '../location';
import { isObject } from './collector';

/**
 * What Pedigree's event store can hold. These are limits of the store (PostgreSQL text, jsonb, b-tree indexes and
 * timestamptz) and of bounded validation work, not requirements of EPCIS 2.0: a document beyond them is refused at
 * capture, because the projector could not store it (docs/epcis-validation-rules.md, rules S1–S7).
 */
export const STORAGE_LIMITS = {
  /** Nesting depth of a document (the document itself is depth 0, an event of its eventList depth 3). */
  maxDepth: 32,
  /** Members of one JSON object (fields of an event or of any structure in it). */
  maxMembers: 1000,
  /**
   * Characters of an identifier or vocabulary value (EPCs, class and location identifiers, bizStep, disposition,
   * business transactions, sources and destinations, event IDs, types) and of a field name: PostgreSQL refuses a
   * b-tree index entry above about 2,700 bytes, and 2,048 characters is the usual URL length limit.
   */
  maxIdentifierLength: 2048,
  /** Characters of any other string. */
  maxStringLength: 65_536,
  /** Magnitude of a number: larger numbers (and Infinity, which JSON.parse makes of 1e400) do not survive JSON. */
  maxNumberMagnitude: Number.MAX_SAFE_INTEGER,
} as const;

/** Fields whose string values are identifiers or vocabulary values, wherever they occur. */
const IDENTIFIER_FIELDS = new Set([
  'eventID',
  'parentID',
  'epcClass',
  'bizStep',
  'disposition',
  'action',
  'id',
  'type',
  'bizTransaction',
  'source',
  'destination',
  'transformationID',
  'reason',
  'uom',
  'deviceID',
  'deviceMetadata',
  'rawData',
  'dataProcessingMethod',
  'bizRules',
  'microorganism',
  'chemicalSubstance',
  'component',
  'exception',
  'uriValue',
]);

/** Arrays whose members are identifiers or vocabulary values. */
const IDENTIFIER_LISTS = new Set([
  'epcList',
  'childEPCs',
  'inputEPCList',
  'outputEPCList',
  'set',
  'unset',
  'correctiveEventIDs',
]);

/** Stops collecting after this many problems: the walk still ends, but reports only these and a count. */
const MAX_COLLECTED = 100;

export interface StorageLimitFindings {
  /** Problems found (at most MAX_COLLECTED). */
  problems: EpcisProblem[];
  /** How many problems there were in all. */
  count: number;
  /**
   * True when the document's shape is beyond the limits (too deep, or an object with too many members): the other
   * checks are then skipped, so that validation work stays bounded.
   */
  shapeExceeded: boolean;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function stringProblem(value: string, identifier: boolean): string | undefined {
  if (value.includes('\u0000'))
    return 'must not contain the NUL character (U+0000), which the store cannot hold';
  if (LONE_SURROGATE.test(value)) {
    return 'must be well-formed Unicode (it has a lone surrogate), which the store cannot hold unchanged';
  }
  const limit = identifier ? STORAGE_LIMITS.maxIdentifierLength : STORAGE_LIMITS.maxStringLength;
  if (value.length > limit) {
    return `has ${value.length} characters; the store holds at most ${limit} in ${identifier ? 'an identifier or vocabulary value' : 'a string'}`;
  }
  return undefined;
}

function numberProblem(value: number): string | undefined {
  if (!Number.isFinite(value)) return 'must be a finite number (the store cannot hold Infinity or NaN)';
  if (Math.abs(value) > STORAGE_LIMITS.maxNumberMagnitude) {
    return `${value} is out of range: the store holds numbers of magnitude at most ${STORAGE_LIMITS.maxNumberMagnitude}`;
  }
  return undefined;
}

class LimitWalker {
  readonly problems: EpcisProblem[] = [];
  count = 0;
  shapeExceeded = false;

  private add(location: Location, message: string | undefined): void {
    if (message === undefined) return;
    this.count++;
    if (this.problems.length < MAX_COLLECTED) this.problems.push({ pointer: location.pointer(), message });
  }

  walk(value: unknown, location: Location, depth: number, identifier: boolean): void {
    if (typeof value === 'string') this.add(location, stringProblem(value, identifier));
    else if (typeof value === 'number') this.add(location, numberProblem(value));
    else if (Array.isArray(value)) this.walkArray(value, location, depth, identifier);
    else if (isObject(value)) this.walkObject(value, location, depth);
  }

  private deeper(location: Location, depth: number): boolean {
    if (depth < STORAGE_LIMITS.maxDepth) return true;
    this.shapeExceeded = true;
    this.add(location, `nests deeper than ${STORAGE_LIMITS.maxDepth} levels, the most the store accepts`);
    return false;
  }

  private walkArray(list: unknown[], location: Location, depth: number, identifiers: boolean): void {
    if (!this.deeper(location, depth)) return;
    list.forEach((item, index) => this.walk(item, location.at(index), depth + 1, identifiers));
  }

  private walkObject(object: Record<string, unknown>, location: Location, depth: number): void {
    if (!this.deeper(location, depth)) return;
    const keys = Object.keys(object);
    if (keys.length > STORAGE_LIMITS.maxMembers) {
      this.shapeExceeded = true;
      this.add(
        location,
        `has ${keys.length} fields; the store accepts at most ${STORAGE_LIMITS.maxMembers} in one object`,
      );
      return;
    }
    for (const key of keys) {
      const at = location.at(key);
      const keyProblem = stringProblem(key, true);
      if (keyProblem !== undefined) this.add(at, `the field name ${keyProblem}`);
      const member = object[key];
      this.walk(
        member,
        at,
        depth + 1,
        Array.isArray(member) ? IDENTIFIER_LISTS.has(key) : IDENTIFIER_FIELDS.has(key),
      );
    }
  }
}

/**
 * Checks a whole document (or event) against the limits of the event store, in one linear walk: no NUL characters
 * or lone surrogates, identifiers and strings within their lengths, finite numbers of bounded magnitude, bounded
 * nesting and members per object. Date-times are checked by the time rules.
 */
export function checkStorageLimits(document: unknown): StorageLimitFindings {
  const walker = new LimitWalker();
  walker.walk(document, Location.of(''), 0, false);
  return { problems: walker.problems, count: walker.count, shapeExceeded: walker.shapeExceeded };
}
