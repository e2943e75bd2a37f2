import type { Admin } from 'kafkajs';

/** Where each partition of a topic ended at one moment: the offset its next message gets. */
export type TopicEnds = ReadonlyMap<number, number>;

/** The ends of a topic's partitions now: every message published before this call lies before them. */
export async function topicEnds(admin: Pick<Admin, 'fetchTopicOffsets'>, topic: string): Promise<TopicEnds> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return new Map(offsets.map((p) => [p.partition, Number(p.high)]));
}

/**
 * Whether a consumer group has committed every message before `ends` (its committed offset is the next message it
 * will read). A partition the group never committed has passed only what was never there (or is gone: its log starts
 * at its end).
 */
export async function groupHasPassed(
  admin: Pick<Admin, 'fetchOffsets' | 'fetchTopicOffsets'>,
  groupId: string,
  topic: string,
  ends: TopicEnds,
): Promise<boolean> {
  const [group] = await admin.fetchOffsets({ groupId, topics: [topic] });
  const committed = new Map((group?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  let starts: Map<number, number> | undefined;
  for (const [partition, end] of ends) {
    const offset = committed.get(partition) ?? -1;
    if (offset >= end) continue;
    if (offset >= 0) return false;
    starts ??= new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.low)]));
    if ((starts.get(partition) ?? 0) < end) return false;
  }
  return true;
}
