import './request-queue-fix';

interface RequestQueue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  destroy(): void;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the kafkajs module the fix patches
const RequestQueueClass = require('kafkajs/src/network/requestQueue') as new (
  options: object,
) => RequestQueue;

function newQueue(): RequestQueue {
  const logger = {
    debug: () => undefined,
    warn: () => undefined,
    error: () => undefined,
    info: () => undefined,
  };
  return new RequestQueueClass({
    maxInFlightRequests: 1,
    requestTimeout: 30000,
    enforceRequestTimeout: true,
    clientId: 'test',
    broker: 'localhost:9092',
    logger,
  });
}

describe('kafkajs request queue timer', () => {
  let setTimeoutSpy: jest.SpyInstance;
  beforeEach(() => {
    setTimeoutSpy = jest.spyOn(global, 'setTimeout');
  });
  afterEach(() => setTimeoutSpy.mockRestore());

  it('arms no timer when a check finds nothing pending (kafkajs armed one of about -Date.now() ms)', () => {
    const queue = newQueue();
    queue.checkPendingRequests();
    expect(setTimeoutSpy).not.toHaveBeenCalled();
    expect(queue.throttleCheckTimeoutId).toBeNull();
    queue.destroy();
  });

  it('still schedules a check, after the throttle, when requests are pending', () => {
    const queue = newQueue();
    queue.pending.push({});
    queue.throttledUntil = Date.now() + 5000;
    queue.checkPendingRequests();
    expect(setTimeoutSpy).toHaveBeenCalledTimes(1);
    const delay = setTimeoutSpy.mock.calls[0]![1] as number;
    expect(delay).toBeGreaterThan(4000);
    expect(delay).toBeLessThanOrEqual(5000);
    queue.destroy();
  });
});
