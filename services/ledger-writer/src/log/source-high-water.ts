/** A source partition and its high-water offset: the offset after the last of its messages in the log. */
export interface SourcePosition {
  topic: string;
  partition: number;
  /** Kafka offsets are 64-bit: decimal strings, compared as bigint. */
  nextOffset: string;
}

/** Where a leaf came from. */
export interface Sourced {
  sourceTopic: string;
  sourcePartition: number;
  sourceOffset: string;
}

/**
 * The leaves of a batch whose messages are not in the log yet, and the partitions' high-water offsets after them.
 * Kafka hands a partition's messages over in offset order and redelivers from the last committed offset, so a message
 * below its partition's high-water offset is in the log already (a redelivery) and is left out. Offsets of one
 * partition must ascend within the batch: anything else is a bug upstream, and is refused rather than guessed at.
 */
export function admitNewLeaves<L extends Sourced>(
  highWater: readonly SourcePosition[],
  leaves: readonly L[],
): { fresh: L[]; moved: SourcePosition[] } {
  const stored = new Map(highWater.map((p) => [key(p.topic, p.partition), BigInt(p.nextOffset)]));
  const moved = new Map<string, SourcePosition>();
  const fresh: L[] = [];
  for (const leaf of leaves) {
    const source = key(leaf.sourceTopic, leaf.sourcePartition);
    const offset = BigInt(leaf.sourceOffset);
    if (offset < (stored.get(source) ?? 0n)) continue;
    const previous = moved.get(source);
    if (previous && offset < BigInt(previous.nextOffset))
      throw new Error(
        `offsets of ${leaf.sourceTopic}[${leaf.sourcePartition}] do not ascend within the batch: ${leaf.sourceOffset} after ${BigInt(previous.nextOffset) - 1n}`,
      );
    moved.set(source, {
      topic: leaf.sourceTopic,
      partition: leaf.sourcePartition,
      nextOffset: (offset + 1n).toString(),
    });
    fresh.push(leaf);
  }
  return { fresh, moved: [...moved.values()] };
}

function key(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
