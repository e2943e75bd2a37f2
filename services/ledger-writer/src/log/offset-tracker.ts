/** A Kafka position that may be committed once the log head of `requiredSize` leaves is anchored. */
interface Marker {
  nextOffset: bigint;
  requiredSize: number;
}

export interface CommittableOffset {
  topic: string;
  partition: number;
  /** The next offset to read: one past the last message covered. */
  offset: string;
}

/**
 * Holds back Kafka offsets until the leaves of their messages are on the ledger. After appending a batch the
 * consumer records (topic, partition, next offset, log size after the batch); once a head of at least that size is
 * anchored, the offset is released for commit. Markers are per partition and arrive in offset order.
 */
export class OffsetTracker {
  private readonly markers = new Map<string, Marker[]>();

  record(topic: string, partition: number, nextOffset: string, requiredSize: number): void {
    const key = JSON.stringify([topic, partition]);
    const list = this.markers.get(key) ?? [];
    list.push({ nextOffset: BigInt(nextOffset), requiredSize });
    this.markers.set(key, list);
  }

  /** Removes and returns, per partition, the furthest offset whose leaves are all within `anchoredSize`. */
  release(anchoredSize: number): CommittableOffset[] {
    const released: CommittableOffset[] = [];
    for (const [key, list] of this.markers) {
      let furthest: bigint | undefined;
      while (list.length > 0 && list[0]!.requiredSize <= anchoredSize) {
        const marker = list.shift()!;
        if (furthest === undefined || marker.nextOffset > furthest) furthest = marker.nextOffset;
      }
      if (furthest !== undefined) {
        const [topic, partition] = JSON.parse(key) as [string, number];
        released.push({ topic, partition, offset: furthest.toString() });
      }
      if (list.length === 0) this.markers.delete(key);
    }
    return released;
  }

  /** Forgets everything, e.g. when a rebalance may have moved partitions away (their messages will be redelivered). */
  clear(): void {
    this.markers.clear();
  }

  get pending(): number {
    let count = 0;
    for (const list of this.markers.values()) count += list.length;
    return count;
  }
}
