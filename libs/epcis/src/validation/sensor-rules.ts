import { Location } from '../location';
import { isObject, type ProblemCollector, UOM_PATTERN } from './collector';
import { checkDateTimeStamp } from './time-rules';
import { vocabularyValueProblem } from './vocabulary-rules';

type Json = Record<string, unknown>;

/** Fields of a sensorReport that carry a numeric measurement expressed in `uom`. */
const NUMERIC_MEASUREMENTS = ['value', 'minValue', 'maxValue', 'meanValue', 'sDev', 'percValue'];

/**
 * The attributes a sensorElement may give in its sensorMetadata (for every report) or in each sensorReport, but not in
 * both: the EPCIS 2.0 draft of 2021 ("they SHALL either be specified in the sensorMetadata element or in the
 * sensorReport element(s)", quoted in gs1/EPCIS issue #250) and GS1's draft conformance TCR-53 step 29.
 */
const INLINE_ATTRIBUTES = ['deviceID', 'deviceMetadata', 'rawData', 'dataProcessingMethod', 'time'];

/** The startTime and endTime of a sensorMetadata, where they are valid timestamps. */
interface Interval {
  start: number | undefined;
  end: number | undefined;
}

/** Checks a timestamp field that must not postdate the event; returns its instant when it is valid. */
function checkNotAfterEvent(
  c: ProblemCollector,
  holder: Json,
  field: string,
  eventTime: number | undefined,
  base: Location,
): number | undefined {
  const value = holder[field];
  if (value === undefined) return undefined;
  const { time, problem } = checkDateTimeStamp(value, field);
  if (problem !== undefined) {
    c.add(base.at(field), problem);
    return undefined;
  }
  if (eventTime !== undefined && time > eventTime) {
    c.warn(
      base.at(field),
      `${field} ${String(value)} is after the eventTime; sensor data must not postdate the event`,
    );
  }
  return time;
}

function checkMetadata(
  c: ProblemCollector,
  metadata: Json,
  eventTime: number | undefined,
  at: Location,
): Interval {
  checkNotAfterEvent(c, metadata, 'time', eventTime, at);
  const start = checkNotAfterEvent(c, metadata, 'startTime', eventTime, at);
  const end = checkNotAfterEvent(c, metadata, 'endTime', eventTime, at);
  if (start !== undefined && end !== undefined && start > end) {
    c.add(at.at('startTime'), 'startTime must not be after endTime');
  }
  return { start, end };
}

function checkReport(
  c: ProblemCollector,
  report: Json,
  metadata: Json | undefined,
  interval: Interval | undefined,
  eventTime: number | undefined,
  at: Location,
): void {
  if (report['type'] === undefined && report['exception'] === undefined) {
    c.add(at.at('type'), 'a sensorReport requires a type (measurement type) or an exception (alert type)');
  }
  if (report['type'] !== undefined)
    c.report(at.at('type'), vocabularyValueProblem('measurementType', 'type', report['type']));
  if (report['exception'] !== undefined) {
    c.report(at.at('exception'), vocabularyValueProblem('sensorAlertType', 'exception', report['exception']));
  }
  if (report['component'] !== undefined) {
    c.report(at.at('component'), vocabularyValueProblem('component', 'component', report['component']));
    if (report['value'] === undefined)
      c.add(at.at('component'), 'a sensorReport with a component requires a value');
  }
  const uom = report['uom'];
  if (uom !== undefined) {
    if (typeof uom !== 'string' || !UOM_PATTERN.test(uom)) {
      c.add(
        at.at('uom'),
        `uom ${JSON.stringify(uom)} must be a UN/ECE Recommendation 20 code (2-3 upper-case letters or digits)`,
      );
    } else if (
      !NUMERIC_MEASUREMENTS.some((field) => report[field] !== undefined) &&
      report['rawData'] === undefined
    ) {
      // A unit needs something measured in it: a value field here, or the raw data the report points to
      // (GS1's SensorDataExample8 gives uom with rawData only).
      c.add(
        at.at('uom'),
        `uom is only allowed with a numeric measurement (${NUMERIC_MEASUREMENTS.join(', ')}) or rawData`,
      );
    }
  }
  if (report['sDev'] !== undefined && report['meanValue'] === undefined) {
    c.add(at.at('sDev'), 'sDev is only allowed together with meanValue');
  }
  if ((report['percRank'] === undefined) !== (report['percValue'] === undefined)) {
    const present = report['percRank'] === undefined ? 'percValue' : 'percRank';
    c.add(at.at(present), 'percRank and percValue must be given together');
  }
  if (report['microorganism'] !== undefined && report['chemicalSubstance'] !== undefined) {
    c.warn(
      at.at('chemicalSubstance'),
      'a sensorReport names either a microorganism or a chemicalSubstance, not both',
    );
  }
  checkValueOrder(c, report, at);
  const time = checkNotAfterEvent(c, report, 'time', eventTime, at);
  if (time !== undefined && interval) {
    const { start, end } = interval;
    if ((start !== undefined && time < start) || (end !== undefined && time > end)) {
      c.warn(at.at('time'), 'time lies outside the startTime–endTime interval of its sensorMetadata');
    }
  }
  for (const field of INLINE_ATTRIBUTES) {
    if (report[field] !== undefined && metadata?.[field] !== undefined) {
      c.warn(
        at.at(field),
        `${field} is also in the sensorMetadata; give it in the sensorMetadata or in the sensorReports, not both`,
      );
    }
  }
}

function checkValueOrder(c: ProblemCollector, report: Json, at: Location): void {
  const number = (field: string): number | undefined =>
    typeof report[field] === 'number' ? (report[field] as number) : undefined;
  const min = number('minValue');
  const max = number('maxValue');
  if (min !== undefined && max !== undefined && min > max) {
    c.warn(at.at('minValue'), `minValue ${min} is greater than maxValue ${max}`);
  }
  for (const field of ['meanValue', 'value']) {
    const v = number(field);
    if (v === undefined) continue;
    if (min !== undefined && v < min) c.warn(at.at(field), `${field} ${v} is below minValue ${min}`);
    if (max !== undefined && v > max) c.warn(at.at(field), `${field} ${v} is above maxValue ${max}`);
  }
  const sDev = number('sDev');
  if (sDev !== undefined && sDev < 0) c.warn(at.at('sDev'), 'sDev must not be negative');
  const percRank = number('percRank');
  if (percRank !== undefined && (percRank < 0 || percRank > 100)) {
    c.warn(at.at('percRank'), 'percRank must be between 0 and 100');
  }
}

/** EPCIS 2.0 §7.3.8 sensor element rules. */
export function checkSensorElements(
  c: ProblemCollector,
  event: Json,
  eventTime: number | undefined,
  base: Location,
): void {
  const elements = event['sensorElementList'];
  if (!Array.isArray(elements)) return;
  elements.forEach((element, index) => {
    if (!isObject(element)) return;
    const at = base.at('sensorElementList').at(index);
    const metadata = isObject(element['sensorMetadata']) ? element['sensorMetadata'] : undefined;
    const interval = metadata ? checkMetadata(c, metadata, eventTime, at.at('sensorMetadata')) : undefined;
    const reports = element['sensorReport'];
    if (!Array.isArray(reports) || reports.length === 0) {
      c.add(at.at('sensorReport'), 'a sensorElement requires at least one sensorReport');
      return;
    }
    reports.forEach((report, reportIndex) => {
      if (isObject(report))
        checkReport(c, report, metadata, interval, eventTime, at.at('sensorReport').at(reportIndex));
    });
  });
}
