import { EpcisException, type EpcisProblem } from '../errors';
import { Location } from '../location';
import { isObject, ProblemCollector } from './collector';
import { checkEvent } from './event-rules';
import { compileEpcisSchema, type SchemaCheck, type SchemaProblem } from './schema-validator';
import { dateTimeStampProblem } from './time-rules';

export interface ValidationResult {
  valid: boolean;
  problems: EpcisProblem[];
}

export interface EpcisValidator {
  validate(document: unknown): ValidationResult;
}

function eventListOf(document: Record<string, unknown>): { events: unknown[]; pointer: string } | undefined {
  const body = document['epcisBody'];
  if (!isObject(body)) return undefined;
  if (document['type'] === 'EPCISQueryDocument') {
    const results = isObject(body['queryResults']) ? body['queryResults']['resultsBody'] : undefined;
    const events = isObject(results) ? results['eventList'] : undefined;
    return Array.isArray(events)
      ? { events, pointer: '/epcisBody/queryResults/resultsBody/eventList' }
      : undefined;
  }
  const events = body['eventList'];
  return Array.isArray(events) ? { events, pointer: '/epcisBody/eventList' } : undefined;
}

/** The EPCIS 2.0 / CBV 2.0 rules beyond the JSON schema, for a document or a single event. */
export function checkBusinessRules(document: unknown): EpcisProblem[] {
  const collector = new ProblemCollector();
  if (!isObject(document)) return collector.problems;
  if (document['type'] === 'EPCISDocument' || document['type'] === 'EPCISQueryDocument') {
    if (document['creationDate'] !== undefined) {
      collector.add(
        Location.of('/creationDate'),
        dateTimeStampProblem(document['creationDate'], 'creationDate'),
      );
    }
    const list = eventListOf(document);
    list?.events.forEach((event, index) => checkEvent(collector, event, Location.of(list.pointer).at(index)));
  } else {
    checkEvent(collector, document, Location.of(''));
  }
  return collector.problems;
}

/** Depth of a pointer: `/epcisBody/eventList/0` has depth 3. */
function depth(pointer: string): number {
  return pointer === '' ? 0 : pointer.split('/').length - 1;
}

/**
 * Merges schema and business-rule problems. The business rules restate the schema's requirements with precise
 * messages, so a schema problem is dropped when a business rule reports the same location, and an anyOf summary
 * inside an event is dropped when a business rule reports that event or one of its members.
 */
function mergeProblems(schemaProblems: SchemaProblem[], ruleProblems: EpcisProblem[]): EpcisProblem[] {
  const rulePointers = new Set(ruleProblems.map((p) => p.pointer));
  const ruleParents = new Set(ruleProblems.map((p) => p.pointer.slice(0, p.pointer.lastIndexOf('/'))));
  const kept = schemaProblems.filter((problem) => {
    if (rulePointers.has(problem.pointer)) return false;
    return !(problem.alternatives && depth(problem.pointer) >= 1 && ruleParents.has(problem.pointer));
  });
  const seen = new Set<string>();
  return [...kept.map(({ pointer, message }) => ({ pointer, message })), ...ruleProblems].filter((p) => {
    const key = `${p.pointer}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Creates a validator from the GS1 EPCIS JSON schema at `schemaPath` (compiled once) and the business rules. */
export function createEpcisValidator(schemaPath?: string): EpcisValidator {
  const schemaCheck: SchemaCheck = compileEpcisSchema(schemaPath);
  return {
    validate(document: unknown): ValidationResult {
      const problems = mergeProblems(schemaCheck(document), checkBusinessRules(document));
      return { valid: problems.length === 0, problems };
    },
  };
}

let defaultValidator: EpcisValidator | undefined;

function getDefaultValidator(): EpcisValidator {
  defaultValidator ??= createEpcisValidator();
  return defaultValidator;
}

/** Validates an EPCISDocument or EPCISQueryDocument against the GS1 schema and the EPCIS 2.0 / CBV 2.0 rules. */
export function validateEpcisDocument(document: unknown): ValidationResult {
  return getDefaultValidator().validate(document);
}

/** Like validateEpcisDocument, but throws EpcisException ValidationException listing every problem. */
export function assertValidEpcisDocument(document: unknown): void {
  const { valid, problems } = validateEpcisDocument(document);
  if (!valid) throw new EpcisException('ValidationException', problems);
}
