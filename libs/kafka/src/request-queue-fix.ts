/**
 * kafkajs 2.2.4 (the last release; upstream issues 1704 and 1751 are open) re-arms a timer every time a broker
 * connection's request queue is checked, even when nothing is waiting in it: the delay is `throttledUntil - now`, and
 * `throttledUntil` starts at -1, so the delay is about minus the current epoch milliseconds. Node ≥ 23 warns
 * (`TimeoutNegativeWarning: -1796… is a negative number`) and runs it after 1 ms, and the check then re-arms itself:
 * a 1 ms busy loop per connection for the life of the client.
 *
 * With no pending request there is nothing to check: a request that is queued later re-arms the timer itself
 * (`push`), and a throttled queue with pending requests keeps the library's own delay. This is applied once, when
 * `@pedigree/kafka` is loaded, before any client exists.
 */
interface RequestQueuePrototype {
  pending: unknown[];
  scheduleCheckPendingRequests(this: RequestQueuePrototype): void;
}

interface RequestQueueClass {
  prototype: RequestQueuePrototype;
}

const patched = Symbol.for('pedigree.kafkajs.requestQueue.idleTimerFix');

export function fixIdleRequestQueueTimer(RequestQueue: RequestQueueClass): void {
  const prototype = RequestQueue.prototype as RequestQueuePrototype & { [patched]?: true };
  if (prototype[patched]) return;
  const schedule = prototype.scheduleCheckPendingRequests;
  prototype.scheduleCheckPendingRequests = function scheduleOnlyWhenPending(this: RequestQueuePrototype) {
    if (this.pending.length > 0) schedule.call(this);
  };
  prototype[patched] = true;
}

// kafkajs has no public export of the class; this is the module its connections construct their queues from.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- an internal CommonJS module without types
fixIdleRequestQueueTimer(require('kafkajs/src/network/requestQueue') as RequestQueueClass);
