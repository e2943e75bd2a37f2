import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { Logger } from '@pedigree/observability';

export interface SupervisedWorkerOptions<M> {
  /** The worker's script (a path), or its code with `options.eval`. */
  script: string;
  options?: WorkerOptions;
  /** What the worker is for, in log lines. */
  name: string;
  logger: Logger;
  /** Called with each message the worker posts. */
  onMessage: (message: M) => void;
  /** Called each time a worker starts (the first time and after every restart). */
  onStart?: () => void;
  restartDelayMs?: number;
  /** How long a stopping worker may take before it is terminated. */
  stopTimeoutMs?: number;
}

/**
 * A worker thread kept running: restarted (after a delay) whenever it exits unasked, whatever the reason. `stop()`
 * posts `stopMessage` and waits for the worker to exit by itself, terminating it once the timeout has passed.
 */
export class SupervisedWorker<M> {
  private worker?: Worker;
  private stopping = false;

  constructor(private readonly options: SupervisedWorkerOptions<M>) {}

  get running(): boolean {
    return this.worker !== undefined;
  }

  start(): void {
    if (this.stopping) return;
    const { script, options, name, logger } = this.options;
    const worker = new Worker(script, options);
    this.worker = worker;
    this.options.onStart?.();
    worker.on('message', (message: M) => this.options.onMessage(message));
    worker.on('error', (err) => logger.error({ err, worker: name }, 'worker failed'));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      if (this.stopping) return;
      logger.error({ code, worker: name }, 'worker exited; restarting it');
      setTimeout(() => this.start(), this.options.restartDelayMs ?? 1000).unref();
    });
  }

  async stop(stopMessage: unknown): Promise<void> {
    this.stopping = true;
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage(stopMessage);
    const deadline = setTimeout(() => {
      this.options.logger.warn({ worker: this.options.name }, 'worker did not stop in time; terminating it');
      void worker.terminate();
    }, this.options.stopTimeoutMs ?? 20_000);
    await exited;
    clearTimeout(deadline);
  }
}
