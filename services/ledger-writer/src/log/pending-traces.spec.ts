import { context, ROOT_CONTEXT, trace, TraceFlags, type SpanContext } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { PendingTraces } from './pending-traces';

const contextManager = new AsyncLocalStorageContextManager();
beforeAll(() => context.setGlobalContextManager(contextManager.enable()));
afterAll(() => context.disable());

const spanContext = (n: number): SpanContext => ({
  traceId: n.toString(16).padStart(32, '0'),
  spanId: n.toString(16).padStart(16, '0'),
  traceFlags: TraceFlags.SAMPLED,
});
const recordIn = (traces: PendingTraces, n: number, size: number) =>
  context.with(trace.setSpanContext(ROOT_CONTEXT, spanContext(n)), () => traces.recordActive(size));

describe('PendingTraces', () => {
  it('gives a head the traces of the appends it covers, oldest first, until that head is anchored', () => {
    const traces = new PendingTraces();
    recordIn(traces, 1, 10);
    recordIn(traces, 2, 25);
    recordIn(traces, 3, 40);
    expect(traces.coveredBy(25).map((c) => c.spanId)).toEqual([spanContext(1).spanId, spanContext(2).spanId]);
    traces.anchored(25);
    expect(traces.coveredBy(25)).toEqual([]);
    expect(traces.coveredBy(40).map((c) => c.spanId)).toEqual([spanContext(3).spanId]);
  });

  it('records nothing outside a trace', () => {
    const traces = new PendingTraces();
    traces.recordActive(5);
    expect(traces.coveredBy(5)).toEqual([]);
  });

  it('hands a head at most 64 traces', () => {
    const traces = new PendingTraces();
    for (let i = 1; i <= 100; i++) recordIn(traces, i, i);
    expect(traces.coveredBy(100)).toHaveLength(64);
  });
});
