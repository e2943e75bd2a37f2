import { OPEN_END } from './containment';

/**
 * A logger travelling with a subject (an SSCC or other EPC): from an EPCIS AssociationEvent (`ADD` from its time,
 * `DELETE` until its time), from `sensorMetadata.deviceID` on an event about the subject (`ADD`), or from a readings
 * batch naming its subject (`SPAN`: the batch's first to last reading).
 */
export interface AssociationFact {
  loggerId: string;
  subjectKey: string;
  action: 'ADD' | 'DELETE' | 'SPAN';
  /** Epoch ms. */
  from: number;
  /** SPAN only: epoch ms of its end (inclusive). */
  to: number | null;
  recordTime: number;
}

export interface LoggerInterval {
  loggerId: string;
  subjectKey: string;
  from: number;
  /** Exclusive; OPEN_END while still associated. */
  to: number;
}

/** The periods each logger travelled with each subject, overlapping periods merged; order-independent. */
export function loggerIntervals(facts: readonly AssociationFact[]): LoggerInterval[] {
  const groups = new Map<string, AssociationFact[]>();
  for (const fact of facts) {
    const id = `${fact.loggerId}\u0000${fact.subjectKey}`;
    if (!groups.has(id)) groups.set(id, []);
    groups.get(id)!.push(fact);
  }
  const result: LoggerInterval[] = [];
  for (const group of groups.values()) {
    const { loggerId, subjectKey } = group[0]!;
    const raw: Array<{ from: number; to: number }> = [];
    const events = group
      .filter((f) => f.action !== 'SPAN')
      .sort((a, b) => a.from - b.from || a.recordTime - b.recordTime);
    let openedAt: number | undefined;
    for (const fact of events) {
      if (fact.action === 'ADD') openedAt ??= fact.from;
      else if (openedAt !== undefined) {
        raw.push({ from: openedAt, to: fact.from });
        openedAt = undefined;
      }
    }
    if (openedAt !== undefined) raw.push({ from: openedAt, to: OPEN_END });
    for (const span of group.filter((f) => f.action === 'SPAN'))
      raw.push({ from: span.from, to: (span.to ?? span.from) + 1 });
    raw.sort((a, b) => a.from - b.from);
    let current: { from: number; to: number } | undefined;
    for (const interval of raw) {
      if (current && interval.from <= current.to) current.to = Math.max(current.to, interval.to);
      else {
        if (current) result.push({ loggerId, subjectKey, ...current });
        current = { ...interval };
      }
    }
    if (current) result.push({ loggerId, subjectKey, ...current });
  }
  return result;
}
