/**
 * Resolves after `ms`, or at once when `signal` aborts (meanwhile or before). The abort listener is removed when the
 * timer fires, so waiting many times on one long-lived signal (a consumer retrying through a long outage) leaves no
 * listener behind.
 */
export function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
