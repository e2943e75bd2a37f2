import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { ConsumedMessage } from './batch-consumer';
import { inProducerSpan, messageSpanContext, traceMessageBatches, withTraceHeaders } from './trace-context';

// The W3C trace context in Kafka headers, with a real OpenTelemetry tracer (spans kept in memory).

const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
const contextManager = new AsyncLocalStorageContextManager();

beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
});
afterAll(() => {
  trace.disable();
  propagation.disable();
  context.disable();
});
beforeEach(() => exporter.reset());

/** The spans ended so far (the processor hands them to the exporter asynchronously). */
async function finished() {
  await provider.forceFlush();
  return exporter.getFinishedSpans();
}

const message = (headers: ConsumedMessage<unknown>['headers']): ConsumedMessage<unknown> => ({
  topic: 'epcis.events.v1',
  partition: 2,
  offset: '7',
  key: 'k',
  headers,
  envelope: {} as ConsumedMessage<unknown>['envelope'],
});

describe('Kafka trace context', () => {
  it('puts the producer span into the headers, and the consumer span continues that trace as its child', async () => {
    let headers = {};
    await inProducerSpan('epcis.events.v1', 1, async () => {
      headers = withTraceHeaders({ 'x-other': 'kept' });
    });
    const [produced] = await finished();
    expect(produced?.name).toBe('epcis.events.v1 publish');
    expect(produced?.kind).toBe(SpanKind.PRODUCER);
    expect(headers).toEqual({
      'x-other': 'kept',
      traceparent: `00-${produced!.spanContext().traceId}-${produced!.spanContext().spanId}-01`,
    });

    let insideTrace: string | undefined;
    const result = await traceMessageBatches('group-a')([message(headers)], async () => {
      insideTrace = trace.getActiveSpan()?.spanContext().traceId;
      return 42;
    });
    expect(result).toBe(42);
    const consumed = (await finished())[1]!;
    expect(consumed.name).toBe('epcis.events.v1 process');
    expect(consumed.kind).toBe(SpanKind.CONSUMER);
    expect(consumed.spanContext().traceId).toBe(produced!.spanContext().traceId);
    expect(consumed.parentSpanContext?.spanId).toBe(produced!.spanContext().spanId);
    expect(consumed.attributes['messaging.consumer.group.name']).toBe('group-a');
    expect(insideTrace).toBe(produced!.spanContext().traceId);
  });

  it("continues the first message's trace and links the batch's other traces", async () => {
    const traced = async () => {
      let headers = {};
      await inProducerSpan('t', 1, async () => (headers = withTraceHeaders(undefined)));
      return headers;
    };
    const [first, second] = [await traced(), await traced()];
    exporter.reset();
    await traceMessageBatches('g')(
      [message({}), message(first), message(second), message(first)],
      async () => 0,
    );
    const consumed = (await finished())[0]!;
    expect(consumed.parentSpanContext?.spanId).toBe(messageSpanContext(first)!.spanId);
    expect(consumed.links.map((l) => l.context.spanId)).toEqual([messageSpanContext(second)!.spanId]);
  });

  it('records a failing handler on its span and passes the error on', async () => {
    await expect(
      traceMessageBatches('g')([message({})], async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const consumed = (await finished())[0]!;
    expect(consumed.status).toEqual({ code: 2, message: 'boom' });
    expect(consumed.parentSpanContext).toBeUndefined();
  });
});
