import { Location } from '../location';
import { isObject, nonEmptyArray, ProblemCollector, UOM_PATTERN } from './collector';
import { EPCIS_ACTIONS, EPCIS_EVENT_TYPES } from '../model/events';
import type { CbvVocabularyKind } from '../model/vocabulary';
import { type IdentifierRole, identifierProblem } from './identifier-rules';
import { checkSensorElements } from './sensor-rules';
import { checkDateTimeStamp, dateTimeStampProblem, timeZoneOffsetProblem } from './time-rules';
import { vocabularyValueProblem } from './vocabulary-rules';

type Json = Record<string, unknown>;

function checkVocabulary(
  c: ProblemCollector,
  holder: Json,
  field: string,
  kind: CbvVocabularyKind,
  base: Location,
): void {
  if (holder[field] !== undefined)
    c.report(base.at(field), vocabularyValueProblem(kind, field, holder[field]));
}

function checkIdentifierList(
  c: ProblemCollector,
  event: Json,
  field: string,
  role: IdentifierRole,
  base: Location,
): void {
  const list = event[field];
  if (!Array.isArray(list)) return;
  const listAt = base.at(field);
  list.forEach((item, index) => c.report(listAt.at(index), identifierProblem(item, role)));
}

function checkQuantityList(c: ProblemCollector, event: Json, field: string, base: Location): void {
  const list = event[field];
  if (!Array.isArray(list)) return;
  list.forEach((element, index) => {
    if (!isObject(element)) return;
    const at = base.at(field).at(index);
    c.report(at.at('epcClass'), identifierProblem(element['epcClass'], 'class'));
    const { quantity, uom } = element;
    if (uom !== undefined) {
      if (typeof uom !== 'string' || !UOM_PATTERN.test(uom)) {
        c.add(
          at.at('uom'),
          `uom ${JSON.stringify(uom)} must be a UN/ECE Recommendation 20 code (2-3 upper-case letters or digits)`,
        );
      }
      if (quantity === undefined) c.warn(at.at('uom'), 'uom is only allowed together with quantity');
    }
    if (typeof quantity === 'number') {
      if (quantity < 0) c.warn(at.at('quantity'), 'quantity must not be negative');
      else if (uom === undefined && !Number.isInteger(quantity)) {
        c.warn(at.at('quantity'), 'a quantity without uom is a count and must be an integer');
      }
    }
  });
}

/** Checks the times of an event; returns the instant of its eventTime when that is valid. */
function checkTimes(c: ProblemCollector, event: Json, base: Location): number | undefined {
  const eventTime = checkDateTimeStamp(event['eventTime'], 'eventTime');
  c.add(base.at('eventTime'), eventTime.problem);
  c.add(base.at('eventTimeZoneOffset'), timeZoneOffsetProblem(event['eventTimeZoneOffset']));
  if (event['recordTime'] !== undefined) {
    c.add(base.at('recordTime'), dateTimeStampProblem(event['recordTime'], 'recordTime'));
  }
  checkErrorDeclaration(c, event, base);
  return eventTime.time;
}

function checkErrorDeclaration(c: ProblemCollector, event: Json, base: Location): void {
  const declaration = event['errorDeclaration'];
  if (declaration === undefined) return;
  const at = base.at('errorDeclaration');
  if (!isObject(declaration)) {
    c.add(at, 'errorDeclaration must be an object');
    return;
  }
  if (declaration['declarationTime'] === undefined) {
    c.add(at.at('declarationTime'), 'an errorDeclaration requires declarationTime');
  } else {
    c.add(at.at('declarationTime'), dateTimeStampProblem(declaration['declarationTime'], 'declarationTime'));
  }
  checkVocabulary(c, declaration, 'reason', 'errorReason', at);
}

function checkAction(c: ProblemCollector, event: Json, type: string, base: Location): void {
  const at = base.at('action');
  if (type === 'TransformationEvent') {
    if (event['action'] !== undefined) c.add(at, 'a TransformationEvent has no action');
    return;
  }
  if (event['action'] === undefined) c.add(at, `a ${type} requires action (ADD, OBSERVE or DELETE)`);
  else if (!EPCIS_ACTIONS.includes(event['action'] as never)) {
    c.add(at, `action ${JSON.stringify(event['action'])} must be ADD, OBSERVE or DELETE`);
  }
}

function checkWhat(c: ProblemCollector, event: Json, type: string, base: Location): void {
  const action = event['action'];
  switch (type) {
    case 'ObjectEvent':
      if (
        event['epcList'] === undefined &&
        !nonEmptyArray(event['quantityList']) &&
        !(nonEmptyArray(event['sensorElementList']) && event['readPoint'] !== undefined)
      ) {
        c.add(base, 'an ObjectEvent requires epcList or quantityList (or sensorElementList with readPoint)');
      }
      if (event['ilmd'] !== undefined && action !== 'ADD') {
        c.add(
          base.at('ilmd'),
          `ilmd is only allowed in an ObjectEvent with action ADD, not ${String(action)}`,
        );
      }
      break;
    case 'AggregationEvent':
    case 'AssociationEvent':
      if (
        event['parentID'] === undefined &&
        (type === 'AssociationEvent' || action === 'ADD' || action === 'DELETE')
      ) {
        c.add(
          base.at('parentID'),
          type === 'AssociationEvent'
            ? 'an AssociationEvent requires parentID'
            : `an AggregationEvent with action ${String(action)} requires parentID`,
        );
      }
      if (
        action !== 'DELETE' &&
        !nonEmptyArray(event['childEPCs']) &&
        !nonEmptyArray(event['childQuantityList'])
      ) {
        c.add(
          base.at('childEPCs'),
          `a ${type} with action ${String(action)} requires childEPCs or childQuantityList`,
        );
      }
      break;
    case 'TransactionEvent':
      if (!nonEmptyArray(event['bizTransactionList'])) {
        c.add(base.at('bizTransactionList'), 'a TransactionEvent requires at least one bizTransaction');
      }
      if (action !== 'DELETE' && event['epcList'] === undefined && !nonEmptyArray(event['quantityList'])) {
        c.add(
          base.at('epcList'),
          `a TransactionEvent with action ${String(action)} requires epcList or quantityList`,
        );
      }
      break;
    case 'TransformationEvent': {
      const hasInput = nonEmptyArray(event['inputEPCList']) || nonEmptyArray(event['inputQuantityList']);
      const hasOutput = nonEmptyArray(event['outputEPCList']) || nonEmptyArray(event['outputQuantityList']);
      if (event['transformationID'] === undefined ? !(hasInput && hasOutput) : !(hasInput || hasOutput)) {
        c.add(
          base,
          event['transformationID'] === undefined
            ? 'a TransformationEvent without transformationID requires at least one input and one output'
            : 'a TransformationEvent requires at least one input or output',
        );
      }
      break;
    }
  }
}

function checkPersistentDisposition(c: ProblemCollector, event: Json, base: Location): void {
  const persistent = event['persistentDisposition'];
  if (!isObject(persistent)) return;
  const at = base.at('persistentDisposition');
  for (const list of ['set', 'unset']) {
    const values = persistent[list];
    if (Array.isArray(values)) {
      values.forEach((value, index) =>
        c.report(
          at.at(list).at(index),
          vocabularyValueProblem('disposition', `persistentDisposition.${list}`, value),
        ),
      );
    }
  }
  if (Array.isArray(persistent['set']) && Array.isArray(persistent['unset'])) {
    const set = new Set(persistent['set']);
    persistent['unset'].forEach((value, index) => {
      if (set.has(value)) c.warn(at.at('unset').at(index), `${JSON.stringify(value)} is both set and unset`);
    });
  }
}

function checkWhyLists(c: ProblemCollector, event: Json, base: Location): void {
  const lists: Array<[string, string, CbvVocabularyKind, IdentifierRole]> = [
    ['bizTransactionList', 'bizTransaction', 'bizTransactionType', 'any'],
    ['sourceList', 'source', 'sourceDestType', 'party'],
    ['destinationList', 'destination', 'sourceDestType', 'party'],
  ];
  for (const [listField, idField, kind, role] of lists) {
    const list = event[listField];
    if (!Array.isArray(list)) continue;
    list.forEach((item, index) => {
      if (!isObject(item)) return;
      const at = base.at(listField).at(index);
      checkVocabulary(c, item, 'type', kind, at);
      c.report(at.at(idField), identifierProblem(item[idField], role));
    });
  }
}

/** The rules of EPCIS 2.0 / CBV 2.0 for one event that the JSON schema cannot express. */
export function checkEvent(c: ProblemCollector, event: unknown, base: Location): void {
  if (!isObject(event)) return;
  const type = event['type'];
  if (typeof type !== 'string' || !EPCIS_EVENT_TYPES.includes(type as never)) return;
  const eventTime = checkTimes(c, event, base);
  checkAction(c, event, type, base);
  checkWhat(c, event, type, base);
  checkVocabulary(c, event, 'bizStep', 'bizStep', base);
  checkVocabulary(c, event, 'disposition', 'disposition', base);
  checkPersistentDisposition(c, event, base);
  checkWhyLists(c, event, base);
  for (const field of ['epcList', 'childEPCs', 'inputEPCList', 'outputEPCList']) {
    checkIdentifierList(c, event, field, 'instance', base);
  }
  if (event['parentID'] !== undefined) {
    c.report(base.at('parentID'), identifierProblem(event['parentID'], 'instance'));
  }
  for (const field of ['quantityList', 'childQuantityList', 'inputQuantityList', 'outputQuantityList']) {
    checkQuantityList(c, event, field, base);
  }
  for (const field of ['readPoint', 'bizLocation']) {
    const location = event[field];
    if (isObject(location)) c.report(base.at(field).at('id'), identifierProblem(location['id'], 'location'));
  }
  checkSensorElements(c, event, eventTime, base);
}
