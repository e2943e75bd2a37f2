import pino from 'pino';
import { SupervisedWorker } from './supervised-worker';

const silent = pino({ level: 'silent' });

/** Runs `code` as the worker's script; `parentPort` is in scope. */
function supervise(code: string, extra: { stopTimeoutMs?: number } = {}) {
  const messages: unknown[] = [];
  let starts = 0;
  const worker = new SupervisedWorker<unknown>({
    script: `const { parentPort } = require('node:worker_threads');\n${code}`,
    options: { eval: true },
    name: 'test',
    logger: silent,
    onMessage: (message) => messages.push(message),
    onStart: () => (starts += 1),
    restartDelayMs: 10,
    ...extra,
  });
  return { worker, messages, starts: () => starts };
}

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('SupervisedWorker', () => {
  it('restarts a worker that throws, and one that exits unasked', async () => {
    const crashing = supervise(
      `parentPort.postMessage('up'); setTimeout(() => { throw new Error('boom'); }, 5);`,
    );
    crashing.worker.start();
    await until(() => crashing.messages.length >= 3);
    await crashing.worker.stop('stop');
    expect(crashing.starts()).toBeGreaterThanOrEqual(3);

    const exiting = supervise(`parentPort.postMessage('up'); setTimeout(() => process.exit(0), 5);`);
    exiting.worker.start();
    await until(() => exiting.messages.length >= 2);
    await exiting.worker.stop('stop');
    expect(exiting.starts()).toBeGreaterThanOrEqual(2);
  });

  it('stops a worker by message and does not restart it', async () => {
    const { worker, messages, starts } = supervise(
      `parentPort.postMessage('up');
       parentPort.on('message', (m) => { parentPort.postMessage('got ' + m); process.exit(0); });`,
    );
    worker.start();
    await until(() => messages.length === 1);
    await worker.stop('stop');
    expect(messages).toEqual(['up', 'got stop']);
    expect(worker.running).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(starts()).toBe(1);
  });

  it('terminates a worker that ignores the stop message once the timeout has passed', async () => {
    const { worker, messages } = supervise(
      `parentPort.postMessage('up'); setInterval(() => undefined, 1000);`,
      {
        stopTimeoutMs: 100,
      },
    );
    worker.start();
    await until(() => messages.length === 1);
    // The worker keeps itself alive: stop() resolves only because the worker was terminated.
    await worker.stop('stop');
    expect(worker.running).toBe(false);
  });
});
