import { OffsetTracker } from './offset-tracker';

describe('OffsetTracker', () => {
  it('releases nothing before a head covering the batch is anchored', () => {
    const tracker = new OffsetTracker();
    tracker.record('t', 0, '10', 5);
    expect(tracker.release(4)).toEqual([]);
    expect(tracker.pending).toBe(1);
  });

  it('releases per partition the furthest offset whose leaves are all anchored, and only once', () => {
    const tracker = new OffsetTracker();
    tracker.record('t', 0, '10', 5);
    tracker.record('t', 1, '3', 7);
    tracker.record('t', 0, '20', 9);
    tracker.record('u', 0, '1', 9);
    tracker.record('t', 0, '30', 12);
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
    const tracker = new OffsetTracker();
    tracker.record('t', 2, '100', 40);
    expect(tracker.release(40)).toEqual([{ topic: 't', partition: 2, offset: '100' }]);
  });

  it('keeps offsets beyond 2^53 exact', () => {
    const tracker = new OffsetTracker();
    tracker.record('t', 0, '9007199254740993', 1);
    expect(tracker.release(1)).toEqual([{ topic: 't', partition: 0, offset: '9007199254740993' }]);
  });

  it('forgets everything on clear (a rebalance)', () => {
    const tracker = new OffsetTracker();
    tracker.record('t', 0, '10', 1);
    tracker.clear();
    expect(tracker.release(100)).toEqual([]);
  });
});
