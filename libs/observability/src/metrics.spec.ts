import { metrics } from '@opentelemetry/api';
import { MeterProvider, MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { pedigreeMetrics, timed } from './metrics';

/** A reader collected on demand. */
class OnDemandReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

const reader = new OnDemandReader();
beforeAll(() => metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] })));
afterAll(() => metrics.disable());

async function collected(): Promise<Map<string, ResourceMetrics['scopeMetrics'][number]['metrics'][number]>> {
  const { resourceMetrics } = await reader.collect();
  return new Map(resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).map((m) => [m.descriptor.name, m]));
}

describe('pedigreeMetrics', () => {
  it('records the named instruments with their units', async () => {
    const m = pedigreeMetrics();
    m.capturedEvents.add(3);
    m.deadLettered.add(1, { 'messaging.destination.name': 'epcis.events.v1' });
    m.projectionLag.record(0.2);
    const all = await collected();
    expect(all.get('pedigree.capture.events')?.dataPoints[0]?.value).toBe(3);
    expect(all.get('pedigree.kafka.dead_lettered')?.dataPoints[0]?.attributes).toEqual({
      'messaging.destination.name': 'epcis.events.v1',
    });
    expect(all.get('pedigree.projection.lag')?.descriptor.unit).toBe('s');
  });

  it('times work, with attributes from its result, also when it fails', async () => {
    const m = pedigreeMetrics();
    await expect(
      timed(
        m.verificationDuration,
        async () => ({ verified: true }),
        (r) => ({ verified: r?.verified === true }),
      ),
    ).resolves.toEqual({ verified: true });
    await expect(
      timed(
        m.verificationDuration,
        async () => Promise.reject(new Error('down')),
        () => ({ verified: false }),
      ),
    ).rejects.toThrow('down');
    const points = (await collected()).get('pedigree.verification.duration')!.dataPoints as Array<{
      attributes: Record<string, unknown>;
      value: { count: number; sum: number };
    }>;
    expect(points.map((p) => [p.attributes.verified, p.value.count]).sort()).toEqual([
      [false, 1],
      [true, 1],
    ]);
  });
});
