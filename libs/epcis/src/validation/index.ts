export { type RuleFinding, type Severity } from './collector';
export { type IdentifierRole, identifierProblem } from './identifier-rules';
export { compileEpcisSchema, defaultEpcisSchemaPath } from './schema-validator';
export { dateTimeStampProblem, timeZoneOffsetProblem } from './time-rules';
export {
  assertValidEpcisDocument,
  type BusinessRuleFindings,
  checkBusinessRules,
  createEpcisValidator,
  type EpcisValidator,
  type EpcisValidatorOptions,
  type ValidationOptions,
  type ValidationResult,
  validateEpcisDocument,
} from './validate';
export { vocabularyValueProblem } from './vocabulary-rules';
