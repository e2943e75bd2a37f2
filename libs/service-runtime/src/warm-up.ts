import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { FastifyInstance } from 'fastify';
import type { ServiceConfig } from '@pedigree/config';
import type { Logger } from '@pedigree/observability';
import { ReadinessChecks } from './health/readiness-checks';
import { LOGGER, SERVICE_CONFIG } from './tokens';

/** The process's own HTTP server, without a socket (Fastify's `inject`): a task may send requests through it. */
export type WarmUpHttp = Pick<FastifyInstance, 'inject'>;

/**
 * One hot path run on synthetic input. A task reads at most: it never writes to the database nor publishes to Kafka.
 * A task that throws is reported and dropped from the warm-up; the others go on.
 */
export type WarmUpTask = (http: WarmUpHttp) => Promise<unknown>;

export interface WarmUpSummary {
  rounds: number;
  seconds: number;
  /** Tasks dropped because they threw, with the error's message. */
  failed: Record<string, string>;
}

type Phase =
  | { name: 'waiting' }
  | { name: 'running'; startedAt: number; round: number }
  | { name: 'done'; summary: WarmUpSummary }
  | { name: 'off' };

/**
 * Runs the service's hot paths in-process before it takes traffic, so that V8 has compiled and optimised them (a cold
 * process answers its first seconds of load tens of times slower, bench/RESULTS.md "A new process under load").
 * Services register tasks while their modules initialise; `runService` starts the warm-up once the server listens,
 * and until it ends `/health/ready` answers 503 naming it. Bounded by WARMUP_ROUNDS and WARMUP_MAX_SECONDS;
 * WARMUP_ENABLED=false skips it.
 */
@Injectable()
export class WarmUp {
  private readonly tasks = new Map<string, WarmUpTask>();
  private phase: Phase;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly health: HealthIndicatorService,
    readiness: ReadinessChecks,
  ) {
    this.phase = config.WARMUP_ENABLED ? { name: 'waiting' } : { name: 'off' };
    readiness.register(() => this.check());
  }

  register(name: string, task: WarmUpTask): void {
    this.tasks.set(name, task);
  }

  /** Runs every task once per round until WARMUP_ROUNDS or WARMUP_MAX_SECONDS; undefined when the warm-up is off. */
  async run(http: WarmUpHttp): Promise<WarmUpSummary | undefined> {
    if (this.phase.name !== 'waiting') return undefined;
    const startedAt = performance.now();
    const deadline = startedAt + this.config.WARMUP_MAX_SECONDS * 1000;
    const running: Phase & { name: 'running' } = { name: 'running', startedAt, round: 0 };
    this.phase = running;
    const tasks = new Map(this.tasks);
    const failed: Record<string, string> = {};
    while (running.round < this.config.WARMUP_ROUNDS && tasks.size > 0 && performance.now() < deadline) {
      for (const [name, task] of tasks) {
        try {
          await task(http);
        } catch (error) {
          failed[name] = (error as Error).message;
          tasks.delete(name);
          this.logger.warn(
            { err: error, task: name },
            'a warm-up task failed; the warm-up goes on without it',
          );
        }
      }
      running.round += 1;
      // Lets the readiness probe and other I/O in between rounds.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const summary = {
      rounds: running.round,
      seconds: Number(((performance.now() - startedAt) / 1000).toFixed(2)),
      failed,
    };
    this.phase = { name: 'done', summary };
    this.logger.info(
      { warmUp: { ...summary, tasks: [...this.tasks.keys()] } },
      'warm-up done; ready for traffic',
    );
    return summary;
  }

  private check() {
    const indicator = this.health.check('warm-up');
    switch (this.phase.name) {
      case 'off':
        return indicator.up({ enabled: false });
      case 'done':
        return indicator.up({ ...this.phase.summary });
      case 'waiting':
        return indicator.down({ message: 'the warm-up has not started yet' });
      case 'running': {
        const seconds = ((performance.now() - this.phase.startedAt) / 1000).toFixed(1);
        return indicator.down({
          message:
            `warming up ${[...this.tasks.keys()].join(', ')}: round ${this.phase.round} of ` +
            `${this.config.WARMUP_ROUNDS}, ${seconds} s of at most ${this.config.WARMUP_MAX_SECONDS} s`,
        });
      }
    }
  }
}
