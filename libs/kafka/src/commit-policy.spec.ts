import { commitWhenDurable, HoldUntilWatermark } from './commit-policy';

describe('HoldUntilWatermark', () => {
  it('holds every batch and releases nothing before the watermark reaches what it needs', () => {
    const tracker = new HoldUntilWatermark();
    tracker.afterBatch({ topic: 't', partition: 0, offset: '10' }, 5);
    expect(tracker.release(4)).toEqual([]);
    expect(tracker.pending).toBe(1);
  });

  it('releases per partition the furthest offset whose leaves are all anchored, and only once', () => {
    const tracker = new HoldUntilWatermark();
    tracker.afterBatch({ topic: 't', partition: 0, offset: '10' }, 5);
    tracker.afterBatch({ topic: 't', partition: 1, offset: '3' }, 7);
    tracker.afterBatch({ topic: 't', partition: 0, offset: '20' }, 9);
    tracker.afterBatch({ topic: 'u', partition: 0, offset: '1' }, 9);
    tracker.afterBatch({ topic: 't', partition: 0, offset: '30' }, 12);
    expect(tracker.release(9)).toEqual([
      { topic: 't', partition: 0, offset: '20' },
      { topic: 't', partition: 1, offset: '3' },
      { topic: 'u', partition: 0, offset: '1' },
    ]);
    expect(tracker.release(9)).toEqual([]);
    expect(tracker.release(12)).toEqual([{ topic: 't', partition: 0, offset: '30' }]);
    expect(tracker.pending).toBe(0);
  });

  it('releases a redelivered batch that appended nothing as soon as the anchored size covers the log', () => {
    const tracker = new HoldUntilWatermark();
    tracker.afterBatch({ topic: 't', partition: 2, offset: '100' }, 40);
    expect(tracker.release(40)).toEqual([{ topic: 't', partition: 2, offset: '100' }]);
  });

  it('keeps offsets beyond 2^53 exact', () => {
    const tracker = new HoldUntilWatermark();
    tracker.afterBatch({ topic: 't', partition: 0, offset: '9007199254740993' }, 1);
    expect(tracker.release(1)).toEqual([{ topic: 't', partition: 0, offset: '9007199254740993' }]);
  });

  it('forgets everything on reset (a rebalance)', () => {
    const tracker = new HoldUntilWatermark();
    tracker.afterBatch({ topic: 't', partition: 0, offset: '10' }, 1);
    tracker.reset();
    expect(tracker.release(100)).toEqual([]);
  });

  it('releases a batch without a result after the batches before it on its partition', () => {
    const tracker = new HoldUntilWatermark();
    tracker.afterBatch({ topic: 't', partition: 0, offset: '10' }, 5);
    tracker.afterBatch({ topic: 't', partition: 0, offset: '11' }, undefined);
    expect(tracker.release(4)).toEqual([]);
    expect(tracker.release(5)).toEqual([{ topic: 't', partition: 0, offset: '11' }]);
  });
});

describe('commitWhenDurable', () => {
  it('commits every batch at once', () => {
    expect(commitWhenDurable.afterBatch({ topic: 't', partition: 0, offset: '1' }, undefined)).toBe('commit');
  });
});
