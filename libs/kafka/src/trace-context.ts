import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  isSpanContextValid,
  type SpanContext,
  type TextMapGetter,
  type TextMapSetter,
} from '@opentelemetry/api';
import type { IHeaders } from 'kafkajs';
import type { ConsumedMessage, MessageContextHook } from './batch-consumer';

// W3C trace context (traceparent, tracestate) in Kafka message headers, so that one trace follows an event from the
// request that published it through every consumer. Without an OpenTelemetry SDK started in the process (see
// libs/observability startTelemetry) every call here is a no-op of the API.

const tracer = () => trace.getTracer('@pedigree/kafka');

const headerSetter: TextMapSetter<IHeaders> = {
  set: (headers, key, value) => {
    headers[key] = value;
  },
};

const headerGetter: TextMapGetter<IHeaders> = {
  keys: (headers) => Object.keys(headers),
  get: (headers, key) => {
    const value = headers[key];
    if (value === undefined) return undefined;
    const first = Array.isArray(value) ? value[0] : value;
    return first === undefined ? undefined : first.toString();
  },
};

/** Headers carrying the active trace context (a copy of `headers` with traceparent and tracestate added). */
export function withTraceHeaders(headers: IHeaders | undefined): IHeaders {
  const carrier: IHeaders = { ...headers };
  propagation.inject(context.active(), carrier, headerSetter);
  return carrier;
}

/** The span context a message's headers carry, if any. */
export function messageSpanContext(headers: IHeaders): SpanContext | undefined {
  const extracted = trace.getSpanContext(propagation.extract(context.active(), headers, headerGetter));
  return extracted && isSpanContextValid(extracted) ? extracted : undefined;
}

/** Runs `work` as the PRODUCER span of a send to `topic`; its context is what the messages' headers carry. */
export async function inProducerSpan<X>(topic: string, count: number, work: () => Promise<X>): Promise<X> {
  return tracer().startActiveSpan(
    `${topic} publish`,
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'send',
        'messaging.destination.name': topic,
        'messaging.batch.message_count': count,
      },
    },
    async (span) => {
      try {
        return await work();
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/** Most links one consumer span carries (a batch from a backlog may hold messages of thousands of traces). */
export const MAX_SPAN_LINKS = 64;

/**
 * The consumer side: each handler call becomes a CONSUMER span whose parent is the trace context of the batch's first
 * message that carries one, linked to the other traces in the batch; the handler's database and gRPC calls are its
 * children. One capture's events travel as one batch, so its trace continues unbroken.
 */
export function traceMessageBatches(groupId: string): MessageContextHook {
  return <X>(messages: ReadonlyArray<ConsumedMessage<unknown>>, work: () => Promise<X>): Promise<X> => {
    const contexts: SpanContext[] = [];
    const seen = new Set<string>();
    for (const message of messages) {
      const found = messageSpanContext(message.headers);
      if (!found || seen.has(found.spanId)) continue;
      seen.add(found.spanId);
      contexts.push(found);
      if (contexts.length > MAX_SPAN_LINKS) break;
    }
    const [parent, ...others] = contexts;
    const topic = messages[0]?.topic ?? 'unknown';
    const parentContext = parent ? trace.setSpanContext(context.active(), parent) : context.active();
    const span = tracer().startSpan(
      `${topic} process`,
      {
        kind: SpanKind.CONSUMER,
        links: others.map((c) => ({ context: c })),
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'process',
          'messaging.destination.name': topic,
          'messaging.consumer.group.name': groupId,
          'messaging.batch.message_count': messages.length,
          ...(messages[0] ? { 'messaging.destination.partition.id': String(messages[0].partition) } : {}),
        },
      },
      parentContext,
    );
    return context.with(trace.setSpan(parentContext, span), async () => {
      try {
        return await work();
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
        throw error;
      } finally {
        span.end();
      }
    });
  };
}
