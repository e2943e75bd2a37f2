import { getEventListeners } from 'node:events';
import { abortableDelay } from './abortable-delay';

describe('abortableDelay', () => {
  it('leaves no abort listener behind, however many times it waited on the same signal', async () => {
    const stop = new AbortController();
    for (let i = 0; i < 200; i++) {
      const waiting = abortableDelay(0, stop.signal);
      expect(getEventListeners(stop.signal, 'abort')).toHaveLength(1);
      await waiting;
    }
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
  });

  it('resolves at once when the signal aborts, and removes its listener', async () => {
    const stop = new AbortController();
    const started = Date.now();
    const waiting = abortableDelay(60_000, stop.signal);
    stop.abort();
    await waiting;
    expect(Date.now() - started).toBeLessThan(1000);
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
  });

  it('does not wait on a signal that is already aborted', async () => {
    const stop = new AbortController();
    stop.abort();
    await abortableDelay(60_000, stop.signal);
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
  });
});
