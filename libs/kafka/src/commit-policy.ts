/** A partition's position: the next offset to read (one past the last message a batch covered). */
export interface PartitionPosition {
  topic: string;
  partition: number;
  offset: string;
}

/**
 * When BatchConsumer commits a batch's position, once the handler's effect is durable. `afterBatch` gets the batch's
 * position and what the handler returned (undefined when no call succeeded, e.g. every message was dead-lettered):
 * 'commit' commits it at once; 'hold' leaves it to the policy, which hands positions to `BatchConsumer.commit` when
 * its condition holds. Positions of a partition arrive in offset order.
 */
export interface CommitPolicy<R> {
  afterBatch(position: PartitionPosition, result: R | undefined): 'commit' | 'hold';
  /** The consumer (re)joined its group: partitions may have moved and what was held will be redelivered. */
  reset(): void;
}

/** Commits each batch as soon as its effect is durable (the handler resolved). */
export const commitWhenDurable: CommitPolicy<unknown> = {
  afterBatch: () => 'commit',
  reset: () => undefined,
};

interface Marker {
  nextOffset: bigint;
  required: number;
}

/**
 * Holds each batch's position until a watermark reaches the value its handler returned. The ledger-writer's handler
 * returns the log size after appending the batch, and the watermark is the anchored size: a message's offset is
 * committed only once the head holding its leaf is anchored. A batch with no result needs nothing (0) but is still
 * released after the positions before it on its partition.
 */
export class HoldUntilWatermark implements CommitPolicy<number> {
  private readonly markers = new Map<string, Marker[]>();

  afterBatch(position: PartitionPosition, required: number | undefined): 'hold' {
    const key = JSON.stringify([position.topic, position.partition]);
    const list = this.markers.get(key) ?? [];
    list.push({ nextOffset: BigInt(position.offset), required: required ?? 0 });
    this.markers.set(key, list);
    return 'hold';
  }

  /** Removes and returns, per partition, the furthest position whose batches all need at most `watermark`. */
  release(watermark: number): PartitionPosition[] {
    const released: PartitionPosition[] = [];
    for (const [key, list] of this.markers) {
      let furthest: bigint | undefined;
      while (list.length > 0 && list[0]!.required <= watermark) {
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

  reset(): void {
    this.markers.clear();
  }

  /** Positions held, over all partitions. */
  get pending(): number {
    let count = 0;
    for (const list of this.markers.values()) count += list.length;
    return count;
  }
}
