export { type RuleFinding, type Severity } from './collector';
export { type IdentifierRole, identifierProblem } from './identifier-rules';
export { compileEpcisSchema, defaultEpcisSchemaPath } from './schema-validator';
export { checkStorageLimits, STORAGE_LIMITS, type StorageLimitFindings } from './storage-limits';
export {
  dateTimeStampProblem,
  EARLIEST_STORED_TIME,
  LATEST_STORED_TIME,
  timeZoneOffsetProblem,
} from './time-rules';
export {
  assertValidEpcisDocument,
  type BusinessRuleFindings,
  checkBusinessRules,
  createEpcisValidator,
  MAX_REPORTED_PROBLEMS,
  type EpcisValidator,
  type EpcisValidatorOptions,
  type ValidationOptions,
  type ValidationResult,
  validateEpcisDocument,
} from './validate';
export { vocabularyValueProblem } from './vocabulary-rules';
