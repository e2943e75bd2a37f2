import type { Admin } from 'kafkajs';
import { groupHasPassed, topicEnds } from './group-progress';

/** An admin client answering fixed offsets: partition → [low, high] of the topic, partition → committed of the group. */
function admin(log: Record<number, [number, number]>, committed: Record<number, number>) {
  const fake: Pick<Admin, 'fetchOffsets' | 'fetchTopicOffsets'> = {
    fetchTopicOffsets: () =>
      Promise.resolve(
        Object.entries(log).map(([partition, [low, high]]) => ({
          partition: Number(partition),
          offset: String(high),
          high: String(high),
          low: String(low),
        })),
      ),
    fetchOffsets: () =>
      Promise.resolve([
        {
          topic: 't',
          partitions: Object.entries(committed).map(([partition, offset]) => ({
            partition: Number(partition),
            offset: String(offset),
            metadata: null,
          })),
        },
      ]),
  };
  return fake;
}

describe('groupHasPassed', () => {
  it('is true only when the group committed up to the end of every partition', async () => {
    const ends = await topicEnds(admin({ 0: [0, 5], 1: [0, 3] }, {}), 't');
    expect([...ends]).toEqual([
      [0, 5],
      [1, 3],
    ]);
    expect(await groupHasPassed(admin({ 0: [0, 5], 1: [0, 3] }, { 0: 5, 1: 3 }), 'g', 't', ends)).toBe(true);
    expect(await groupHasPassed(admin({ 0: [0, 9], 1: [0, 3] }, { 0: 7, 1: 3 }), 'g', 't', ends)).toBe(true);
    expect(await groupHasPassed(admin({ 0: [0, 5], 1: [0, 3] }, { 0: 5, 1: 2 }), 'g', 't', ends)).toBe(false);
  });

  it('counts a partition the group never committed as passed only where nothing was ever kept before the end', async () => {
    const ends = new Map([
      [0, 0],
      [1, 4],
    ]);
    expect(await groupHasPassed(admin({ 0: [0, 0], 1: [0, 4] }, { 0: -1, 1: 4 }), 'g', 't', ends)).toBe(true);
    expect(await groupHasPassed(admin({ 0: [0, 0], 1: [0, 4] }, { 0: -1, 1: -1 }), 'g', 't', ends)).toBe(
      false,
    );
    // Retention removed everything before the end: nothing is left for the group to pass.
    expect(await groupHasPassed(admin({ 0: [0, 0], 1: [4, 4] }, {}), 'g', 't', ends)).toBe(true);
  });
});
