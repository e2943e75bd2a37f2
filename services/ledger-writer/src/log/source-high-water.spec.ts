import { admitNewLeaves, type Sourced } from './source-high-water';

const leaf = (sourcePartition: number, sourceOffset: number, sourceTopic = 'epcis.events.v1'): Sourced => ({
  sourceTopic,
  sourcePartition,
  sourceOffset: String(sourceOffset),
});

describe('admitNewLeaves', () => {
  it('admits everything of partitions the log has not seen, and moves their high-water offsets past the batch', () => {
    const batch = [leaf(0, 0), leaf(0, 1), leaf(2, 7)];
    expect(admitNewLeaves([], batch)).toEqual({
      fresh: batch,
      moved: [
        { topic: 'epcis.events.v1', partition: 0, nextOffset: '2' },
        { topic: 'epcis.events.v1', partition: 2, nextOffset: '8' },
      ],
    });
  });

  it('leaves out a redelivery: the messages below their partition’s high-water offset', () => {
    const stored = [
      { topic: 'epcis.events.v1', partition: 0, nextOffset: '5' },
      { topic: 'recall.notices.v1', partition: 0, nextOffset: '1' },
    ];
    const batch = [leaf(0, 3), leaf(0, 4), leaf(0, 5), leaf(0, 6), leaf(0, 0, 'recall.notices.v1')];
    expect(admitNewLeaves(stored, batch)).toEqual({
      fresh: [leaf(0, 5), leaf(0, 6)],
      moved: [{ topic: 'epcis.events.v1', partition: 0, nextOffset: '7' }],
    });
    expect(admitNewLeaves(stored, batch.slice(0, 2))).toEqual({ fresh: [], moved: [] });
  });

  it('accepts gaps in offsets (dead-lettered messages, transaction markers) and 64-bit offsets', () => {
    const big = '9007199254740993';
    const batch = [leaf(1, 10), { ...leaf(1, 0), sourceOffset: big }];
    expect(admitNewLeaves([{ topic: 'epcis.events.v1', partition: 1, nextOffset: '4' }], batch)).toEqual({
      fresh: batch,
      moved: [{ topic: 'epcis.events.v1', partition: 1, nextOffset: '9007199254740994' }],
    });
  });

  it('refuses a batch whose offsets of one partition do not ascend', () => {
    expect(() => admitNewLeaves([], [leaf(0, 4), leaf(0, 4)])).toThrow(
      'offsets of epcis.events.v1[0] do not ascend within the batch: 4 after 4',
    );
  });
});
