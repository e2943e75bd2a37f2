/** A packing or unpacking, as the aggregation events said it (libs/registry's event facts, one row per child). */
export interface AggregationFact {
  parentKey: string;
  /** Null: an unpacking that names no children (everything the parent holds). */
  childKey: string | null;
  action: 'ADD' | 'DELETE';
  /** Epoch ms of the event. */
  time: number;
  recordTime: number;
  eventHash: string;
}

/** `key` was inside `container` (directly or through other containers) from `from` until `to` (epoch ms). */
export interface Containment {
  key: string;
  container: string;
  /** 1: `container` held `key` directly; 2: it held the container that held `key`; … */
  level: number;
  from: number;
  to: number;
}

const FOREVER = 8.64e15;

function ordered(a: AggregationFact, b: AggregationFact): number {
  return (
    a.time - b.time ||
    a.recordTime - b.recordTime ||
    (a.eventHash < b.eventHash ? -1 : a.eventHash > b.eventHash ? 1 : 0) ||
    (a.action === b.action ? 0 : a.action === 'DELETE' ? -1 : 1)
  );
}

/**
 * What was in what, and when, from the packing and unpacking events — in event-time order (the order
 * libs/registry's fold applies them), so late and out-of-order events give what in-order ones would.
 */
export class ContainmentHistory {
  private readonly parentsOf = new Map<string, Array<{ parent: string; from: number; to: number }>>();
  private readonly childrenOf = new Map<string, Array<{ child: string; from: number; to: number }>>();

  constructor(facts: readonly AggregationFact[]) {
    const sorted = [...facts].sort(ordered);
    const wholeUnpacks = new Map<string, number[]>();
    for (const fact of sorted)
      if (fact.action === 'DELETE' && fact.childKey === null) {
        if (!wholeUnpacks.has(fact.parentKey)) wholeUnpacks.set(fact.parentKey, []);
        wholeUnpacks.get(fact.parentKey)!.push(fact.time);
      }
    const byChild = new Map<string, AggregationFact[]>();
    for (const fact of sorted) {
      if (fact.childKey === null) continue;
      if (!byChild.has(fact.childKey)) byChild.set(fact.childKey, []);
      byChild.get(fact.childKey)!.push(fact);
    }
    for (const [child, own] of byChild) {
      const intervals: Array<{ parent: string; from: number; to: number }> = [];
      let current: { parent: string; from: number } | undefined;
      const closeAt = (time: number) => {
        if (current) intervals.push({ ...current, to: time });
        current = undefined;
      };
      for (const fact of own) {
        // An unpacking of the whole current parent between the previous fact and this one ends the interval.
        if (current) {
          const unpacked = (wholeUnpacks.get(current.parent) ?? []).find(
            (t) => t >= current!.from && t <= fact.time,
          );
          if (unpacked !== undefined) closeAt(unpacked);
        }
        if (fact.action === 'ADD') {
          if (current?.parent === fact.parentKey) continue;
          closeAt(fact.time);
          current = { parent: fact.parentKey, from: fact.time };
        } else if (current?.parent === fact.parentKey) closeAt(fact.time);
      }
      if (current) {
        const unpacked = (wholeUnpacks.get(current.parent) ?? []).find((t) => t >= current!.from);
        closeAt(unpacked ?? FOREVER);
      }
      this.parentsOf.set(child, intervals);
      for (const interval of intervals) {
        if (!this.childrenOf.has(interval.parent)) this.childrenOf.set(interval.parent, []);
        this.childrenOf.get(interval.parent)!.push({ child, from: interval.from, to: interval.to });
      }
    }
  }

  /** Every container `key` was in, directly or not, with the periods (bounded by `from`–`to`). */
  ancestors(key: string, from = -FOREVER, to = FOREVER, depth = 0): Containment[] {
    if (depth > 16) return [];
    const found: Containment[] = [];
    for (const interval of this.parentsOf.get(key) ?? []) {
      const start = Math.max(from, interval.from);
      const end = Math.min(to, interval.to);
      if (start >= end) continue;
      found.push({ key, container: interval.parent, level: depth + 1, from: start, to: end });
      for (const above of this.ancestors(interval.parent, start, end, depth + 1))
        found.push({ ...above, key });
    }
    return found;
  }

  /** Everything that was inside `container`, directly or not, with the periods. */
  descendants(container: string, from = -FOREVER, to = FOREVER, depth = 0): Containment[] {
    if (depth > 16) return [];
    const found: Containment[] = [];
    for (const interval of this.childrenOf.get(container) ?? []) {
      const start = Math.max(from, interval.from);
      const end = Math.min(to, interval.to);
      if (start >= end) continue;
      found.push({ key: interval.child, container, level: depth + 1, from: start, to: end });
      for (const below of this.descendants(interval.child, start, end, depth + 1))
        found.push({ ...below, container });
    }
    return found;
  }

  /** The parents `key` ever had (to load their facts too). */
  parents(key: string): string[] {
    return [...new Set((this.parentsOf.get(key) ?? []).map((i) => i.parent))];
  }
}

export const OPEN_END = FOREVER;
