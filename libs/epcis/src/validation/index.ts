export { type IdentifierRole, identifierProblem } from './identifier-rules';
export { compileEpcisSchema, defaultEpcisSchemaPath } from './schema-validator';
export { dateTimeStampProblem, timeZoneOffsetProblem } from './time-rules';
export {
  assertValidEpcisDocument,
  checkBusinessRules,
  createEpcisValidator,
  type EpcisValidator,
  type ValidationResult,
  validateEpcisDocument,
} from './validate';
export { vocabularyValueProblem } from './vocabulary-rules';
