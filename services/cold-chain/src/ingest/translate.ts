import type { EpcisEventMessage } from '@pedigree/contracts';
import { canonicalIdentifier, type SensorElement } from '@pedigree/epcis';
import { eventFacts, isReceiving, isShipping, itemOfKey } from '@pedigree/registry';
import { emptyIngestBatch, type IngestBatch, type StoredReading } from '../store/ingest-store';
import {
  isTemperatureType,
  isTemperatureUnit,
  largestOf,
  smallestOf,
  toCelsius,
  type ReadingBatch,
} from '@pedigree/temperature';

/** A logger's id as stored: the canonical form of a GS1 key (EPC URI and Digital Link alike), any other string as is. */
export function loggerKey(id: string): string {
  return canonicalIdentifier(id);
}

/** A subject's key: the canonical Digital Link of a GS1 key (as libs/registry keys objects), any other EPC as is. */
export function subjectKey(epc: string): string {
  return canonicalIdentifier(epc);
}

function isLogisticUnit(key: string): boolean {
  return key.startsWith('https://id.gs1.org/00/');
}

/** Readings batches (coldchain.readings.v1) → stored readings in °C, and the batch's subject for its span. */
export function translateReadingBatches(batches: readonly ReadingBatch[], notAfter: number): IngestBatch {
  const out = emptyIngestBatch();
  for (const batch of batches) {
    const logger = loggerKey(batch.loggerId);
    const kept: StoredReading[] = [];
    for (const reading of batch.readings) {
      const time = Date.parse(reading.time);
      if (!isTemperatureType(reading.type) || !isTemperatureUnit(reading.uom) || time > notAfter) continue;
      kept.push({
        loggerId: logger,
        time: new Date(time),
        celsius: toCelsius(reading.value, reading.uom),
        minCelsius: null,
        maxCelsius: null,
        uom: reading.uom,
      });
    }
    out.readings.push(...kept);
    if (batch.subject !== undefined && kept.length > 0) {
      const subject = subjectKey(batch.subject);
      const times = kept.map((r) => r.time.getTime());
      out.associations.push({
        loggerId: logger,
        subjectKey: subject,
        action: 'SPAN',
        from: smallestOf(times),
        to: largestOf(times),
        recordTime: Date.now(),
      });
      if (batch.sentBy !== undefined) out.parties.push({ key: subject, party: batch.sentBy });
    }
  }
  return out;
}

function sensorReadings(
  elements: readonly SensorElement[],
  eventTime: number,
  notAfter: number,
): Array<{ loggerId: string; reading: StoredReading }> {
  const found: Array<{ loggerId: string; reading: StoredReading }> = [];
  for (const element of elements) {
    const metadata = element.sensorMetadata;
    for (const report of element.sensorReport) {
      const deviceId = report.deviceID ?? metadata?.deviceID;
      const uom = report.uom;
      if (deviceId === undefined || report.type === undefined || !isTemperatureType(report.type)) continue;
      if (uom === undefined || !isTemperatureUnit(uom)) continue;
      const start = Date.parse(metadata?.startTime ?? '');
      const end = Date.parse(metadata?.endTime ?? '');
      let time = Date.parse(report.time ?? metadata?.time ?? '');
      let value = report.value;
      let min: number | null = null;
      let max: number | null = null;
      if (value === undefined) {
        // A summary over startTime–endTime: its mean at the span's middle, its extremes kept beside it.
        value =
          report.meanValue ??
          (report.minValue !== undefined && report.maxValue !== undefined
            ? (report.minValue + report.maxValue) / 2
            : undefined);
        if (value === undefined) continue;
        if (Number.isNaN(time))
          time = !Number.isNaN(start) && !Number.isNaN(end) ? (start + end) / 2 : eventTime;
        min = report.minValue === undefined ? null : toCelsius(report.minValue, uom);
        max = report.maxValue === undefined ? null : toCelsius(report.maxValue, uom);
      }
      if (Number.isNaN(time)) time = eventTime;
      if (time > notAfter) continue;
      found.push({
        loggerId: loggerKey(deviceId),
        reading: {
          loggerId: loggerKey(deviceId),
          time: new Date(time),
          celsius: toCelsius(value, uom),
          minCelsius: min,
          maxCelsius: max,
          uom,
        },
      });
    }
  }
  return found;
}

/**
 * Captured EPCIS events → what the cold chain keeps of them: packs as commissioned (GTIN, serial, lot), packing and
 * unpacking, loggers travelling with logistic units (AssociationEvent: the logger as parentID, the units as childEPCs;
 * a sensor's deviceID on an event about a unit), temperature readings of sensorElementList, and who may see each object.
 * Error-declared events are left out.
 */
export function translateEpcisEvents(messages: readonly EpcisEventMessage[], notAfter: number): IngestBatch {
  const out = emptyIngestBatch();
  for (const message of messages) {
    const { event } = message;
    const facts = eventFacts(event);
    if (facts.errorDeclared) continue;
    const eventTime = facts.eventTime.getTime();
    const recordTime = Date.parse(message.recordTime);
    const seers = [...new Set([message.capturedBy, ...facts.sourceParties, ...facts.destinationParties])];
    const objects = facts.identifiers.filter((i) =>
      ['epc', 'parent', 'child', 'input', 'output'].includes(i.role),
    );
    for (const object of objects) for (const party of seers) out.parties.push({ key: object.key, party });

    const commissions =
      (facts.type === 'ObjectEvent' && facts.action === 'ADD') || facts.type === 'TransformationEvent';
    if (commissions) {
      for (const object of objects.filter((o) => o.role === 'epc' || o.role === 'output')) {
        const item = itemOfKey(object.key);
        if (item.gtin && item.serial)
          out.items.push({ key: object.key, gtin: item.gtin, serial: item.serial, lot: facts.lot ?? null });
      }
    }

    const parent = objects.find((o) => o.role === 'parent');
    const children = objects.filter((o) => o.role === 'child');
    if (
      facts.type === 'AggregationEvent' &&
      parent &&
      (facts.action === 'ADD' || facts.action === 'DELETE')
    ) {
      const action = facts.action;
      const rows = children.length > 0 ? children.map((c) => c.key) : action === 'DELETE' ? [null] : [];
      for (const child of rows)
        out.aggregations.push({
          parentKey: parent.key,
          childKey: child,
          action,
          time: eventTime,
          recordTime,
          eventHash: message.eventHash,
        });
    }
    if (
      facts.type === 'AssociationEvent' &&
      parent &&
      (facts.action === 'ADD' || facts.action === 'DELETE')
    ) {
      // The logger as parentID and the units as childEPCs; GS1's own examples attach sensors the other way round (the
      // unit as parentID, its sensors as children), which is read so when the parent is a logistic unit and no child is.
      const reversed = isLogisticUnit(parent.key) && !children.some((c) => isLogisticUnit(c.key));
      const pairs = reversed
        ? children.map((c) => ({ logger: c.value, subject: parent.key }))
        : children.map((c) => ({ logger: parent.value, subject: c.key }));
      for (const pair of pairs)
        out.associations.push({
          loggerId: loggerKey(pair.logger),
          subjectKey: pair.subject,
          action: facts.action,
          from: eventTime,
          to: null,
          recordTime,
        });
    }

    const readings = sensorReadings(event.sensorElementList ?? [], eventTime, notAfter);
    if (readings.length === 0) continue;
    const loggers = [...new Set(readings.map((r) => r.loggerId))];
    for (const loggerId of loggers) out.loggerOwners.push({ loggerId, owner: message.capturedBy });
    out.readings.push(...readings.map((r) => ({ ...r.reading, claimedBy: message.capturedBy })));
    // The loggers travel with the objects the event is about: for the span of the event's readings, from a shipping on,
    // until a receiving.
    const units = objects.filter((o) => o.role === 'epc' || o.role === 'parent');
    for (const loggerId of loggers) {
      const times = [
        eventTime,
        ...readings.filter((r) => r.loggerId === loggerId).map((r) => r.reading.time.getTime()),
      ];
      for (const unit of units) {
        out.associations.push({
          loggerId,
          subjectKey: unit.key,
          action: 'SPAN',
          from: smallestOf(times),
          to: largestOf(times),
          recordTime,
        });
        if (isShipping(facts))
          out.associations.push({
            loggerId,
            subjectKey: unit.key,
            action: 'ADD',
            from: eventTime,
            to: null,
            recordTime,
          });
        if (isReceiving(facts))
          out.associations.push({
            loggerId,
            subjectKey: unit.key,
            action: 'DELETE',
            from: eventTime,
            to: null,
            recordTime,
          });
      }
    }
  }
  return out;
}
