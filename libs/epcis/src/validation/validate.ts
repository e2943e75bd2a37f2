import { EpcisException, type EpcisProblem } from '../errors';
import { Location } from '../location';
import { isObject, ProblemCollector } from './collector';
import { checkEvent } from './event-rules';
import { compileEpcisSchema, eventListOf, type SchemaCheck, type SchemaProblem } from './schema-validator';
import { checkStorageLimits } from './storage-limits';
import { dateTimeStampProblem } from './time-rules';

/**
 * The outcome of validation. `problems` are the errors: requirements of EPCIS 2.0 / CBV 2.0 (or the GS1 schema)
 * the document breaks; `valid` is true when there are none. `warnings` are data-quality findings the standard
 * does not forbid; they never make a document invalid unless validation is strict.
 */
export interface ValidationResult {
  valid: boolean;
  problems: EpcisProblem[];
  warnings: EpcisProblem[];
}

export interface ValidationOptions {
  /** Report every warning as an error (the document is then invalid when it has any). Default false. */
  strict?: boolean;
}

export interface EpcisValidatorOptions extends ValidationOptions {
  /** The GS1 EPCIS JSON schema to compile; default the copy in standards/gs1-epcis. */
  schemaPath?: string;
}

export interface EpcisValidator {
  /** Validates `document`; `options.strict` overrides the validator's own setting. */
  validate(document: unknown, options?: ValidationOptions): ValidationResult;
}

/** The business-rule findings for a document: errors and warnings. */
export interface BusinessRuleFindings {
  problems: EpcisProblem[];
  warnings: EpcisProblem[];
}

/** The EPCIS 2.0 / CBV 2.0 rules beyond the JSON schema, for a document or a single event. */
export function checkBusinessRules(document: unknown): BusinessRuleFindings {
  const collector = new ProblemCollector();
  if (!isObject(document)) return collector;
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
  return collector;
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

/** At most this many errors (and as many warnings) are reported; then one more problem says how many were left out. */
export const MAX_REPORTED_PROBLEMS = 100;

/** The first MAX_REPORTED_PROBLEMS of `problems`, and a last one counting the rest (`total` in all). */
function bounded(problems: EpcisProblem[], total = problems.length): EpcisProblem[] {
  if (total <= MAX_REPORTED_PROBLEMS) return problems;
  return [
    ...problems.slice(0, MAX_REPORTED_PROBLEMS),
    { pointer: '', message: `…and ${total - MAX_REPORTED_PROBLEMS} more` },
  ];
}

/** Strict validation: every warning becomes an error. */
function strictResult({ problems, warnings }: Omit<ValidationResult, 'valid'>): ValidationResult {
  const errors = [...problems, ...warnings];
  return { valid: errors.length === 0, problems: bounded(errors), warnings: [] };
}

/**
 * Creates a validator from the GS1 EPCIS JSON schema (compiled once), the business rules and the limits of the event
 * store. With `strict`, warnings are reported as errors. A document whose shape is beyond the store's limits (nesting,
 * members per object) is reported with those problems only, so that validation work stays bounded; at most
 * MAX_REPORTED_PROBLEMS errors are listed.
 */
export function createEpcisValidator(options: EpcisValidatorOptions = {}): EpcisValidator {
  const schemaCheck: SchemaCheck = compileEpcisSchema(options.schemaPath);
  return {
    validate(
      document: unknown,
      { strict = options.strict ?? false }: ValidationOptions = {},
    ): ValidationResult {
      const limits = checkStorageLimits(document);
      if (limits.shapeExceeded) {
        return { valid: false, problems: bounded(limits.problems, limits.count), warnings: [] };
      }
      const rules = checkBusinessRules(document);
      const problems = [...mergeProblems(schemaCheck(document), rules.problems), ...limits.problems];
      const total = problems.length + limits.count - limits.problems.length;
      const warnings = bounded(rules.warnings);
      if (strict) return strictResult({ problems, warnings });
      return { valid: problems.length === 0, problems: bounded(problems, total), warnings };
    },
  };
}

let defaultValidator: EpcisValidator | undefined;

function getDefaultValidator(): EpcisValidator {
  defaultValidator ??= createEpcisValidator();
  return defaultValidator;
}

/**
 * Validates an EPCISDocument or EPCISQueryDocument against the GS1 schema and the EPCIS 2.0 / CBV 2.0 rules;
 * with `strict`, warnings count as errors.
 */
export function validateEpcisDocument(document: unknown, options: ValidationOptions = {}): ValidationResult {
  return getDefaultValidator().validate(document, options);
}

/** Like validateEpcisDocument, but throws EpcisException ValidationException listing every error. */
export function assertValidEpcisDocument(document: unknown, options: ValidationOptions = {}): void {
  const { valid, problems } = validateEpcisDocument(document, options);
  if (!valid) throw new EpcisException('ValidationException', problems);
}
