import { HealthIndicatorService, type HealthIndicatorFunction } from '@nestjs/terminus';
import type { ServiceConfig } from '@pedigree/config';
import { createLogger } from '@pedigree/observability';
import type { ReadinessChecks } from './health/readiness-checks';
import { WarmUp, type WarmUpHttp } from './warm-up';

const http: WarmUpHttp = {
  inject: (() => Promise.reject(new Error('no HTTP here'))) as WarmUpHttp['inject'],
};

function warmUp(
  settings: Partial<Pick<ServiceConfig, 'WARMUP_ENABLED' | 'WARMUP_ROUNDS' | 'WARMUP_MAX_SECONDS'>>,
) {
  const checks: HealthIndicatorFunction[] = [];
  const readiness = { register: (check: HealthIndicatorFunction) => checks.push(check) };
  const config = {
    WARMUP_ENABLED: true,
    WARMUP_ROUNDS: 10,
    WARMUP_MAX_SECONDS: 30,
    ...settings,
  } as ServiceConfig;
  const service = new WarmUp(
    config,
    createLogger('test', 'silent'),
    new HealthIndicatorService(),
    readiness as unknown as ReadinessChecks,
  );
  return { service, check: async () => checks[0]!() };
}

describe('WarmUp', () => {
  it('is not ready before and while it runs, naming the tasks and the round; ready after its rounds', async () => {
    const { service, check } = warmUp({ WARMUP_ROUNDS: 5 });
    await expect(check()).resolves.toEqual({
      'warm-up': { status: 'down', message: 'the warm-up has not started yet' },
    });
    const seen: string[] = [];
    let during: unknown;
    service.register('vrs', async () => {
      seen.push('vrs');
      if (seen.length === 3) during = await check();
    });
    service.register('query', async () => seen.push('query'));
    const summary = await service.run(http);
    expect(seen).toHaveLength(10);
    expect(during).toEqual({
      'warm-up': {
        status: 'down',
        message: expect.stringMatching(/^warming up vrs, query: round 1 of 5, [\d.]+ s of at most 30 s$/),
      },
    });
    expect(summary).toMatchObject({ rounds: 5, failed: {} });
    await expect(check()).resolves.toEqual({ 'warm-up': { status: 'up', ...summary } });
    // It runs once.
    await expect(service.run(http)).resolves.toBeUndefined();
    expect(seen).toHaveLength(10);
  });

  it('stops at WARMUP_MAX_SECONDS whatever the rounds', async () => {
    const { service } = warmUp({ WARMUP_ROUNDS: 1_000_000, WARMUP_MAX_SECONDS: 0.2 });
    service.register('slow', () => new Promise((resolve) => setTimeout(resolve, 20)));
    const summary = await service.run(http);
    expect(summary!.rounds).toBeLessThan(20);
    expect(summary!.seconds).toBeGreaterThanOrEqual(0.2);
  });

  it('drops a task that throws and goes on with the others', async () => {
    const { service, check } = warmUp({ WARMUP_ROUNDS: 3 });
    let runs = 0;
    service.register('broken', () => Promise.reject(new Error('no such table')));
    service.register('fine', async () => (runs += 1));
    const summary = await service.run(http);
    expect(runs).toBe(3);
    expect(summary).toMatchObject({ rounds: 3, failed: { broken: 'no such table' } });
    await expect(check()).resolves.toMatchObject({ 'warm-up': { status: 'up' } });
  });

  it('is ready at once when WARMUP_ENABLED is false, and runs nothing', async () => {
    const { service, check } = warmUp({ WARMUP_ENABLED: false });
    let runs = 0;
    service.register('vrs', async () => (runs += 1));
    await expect(check()).resolves.toEqual({ 'warm-up': { status: 'up', enabled: false } });
    await expect(service.run(http)).resolves.toBeUndefined();
    expect(runs).toBe(0);
  });
});
