import { context, trace, type Span, type SpanContext } from '@opentelemetry/api';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { NodeSDK } from '@opentelemetry/sdk-node';

/** Paths of the probes and scrapes: served without a span (they would drown the traces). */
const UNTRACED_PATHS = /^\/(health\/|metrics\b)/;

let sdk: NodeSDK | undefined;

/**
 * Starts OpenTelemetry in this process or worker thread (once): traces of HTTP (the services' Fastify servers and
 * clients), PostgreSQL (pg), gRPC (the Fabric gateway) and, through libs/kafka, Kafka, with W3C trace context
 * carried in message headers. Must run before the instrumented modules are loaded: each service's `telemetry.ts` is
 * the first import of its `main.ts` (and of its worker threads).
 *
 * Configured by the standard OTEL_* variables (OTEL_SERVICE_NAME, OTEL_EXPORTER_OTLP_ENDPOINT,
 * OTEL_TRACES_SAMPLER, OTEL_RESOURCE_ATTRIBUTES, OTEL_METRICS_EXPORTER, …); OTEL_SDK_DISABLED=true turns it off.
 * Without an OTLP endpoint or exporter named, traces are made (their ids go into the logs) but not exported.
 */
export function startTelemetry(serviceName: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (sdk || env.OTEL_SDK_DISABLED === 'true') return sdk !== undefined;
  env.OTEL_SERVICE_NAME ??= serviceName;
  const exportTo = env.OTEL_EXPORTER_OTLP_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (!exportTo) env.OTEL_TRACES_EXPORTER ??= 'none';
  env.OTEL_METRICS_EXPORTER ??= 'none';
  env.OTEL_LOGS_EXPORTER ??= 'none';
  sdk = new NodeSDK({
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.test(request.url ?? ''),
      }),
      new PgInstrumentation({ enhancedDatabaseReporting: false }),
      new GrpcInstrumentation(),
    ],
  });
  sdk.start();
  return true;
}

/** Flushes the spans in hand and stops the SDK (a worker thread before it exits). */
export async function shutdownTelemetry(): Promise<void> {
  const running = sdk;
  sdk = undefined;
  await running?.shutdown();
}

/** Runs `work` in a new span (child of the active one, or of `parent`), ending it and recording a failure. */
export async function inSpan<X>(
  name: string,
  options: { parent?: SpanContext; links?: SpanContext[]; attributes?: Record<string, string | number> },
  work: (span: Span) => Promise<X>,
): Promise<X> {
  const tracer = trace.getTracer('pedigree');
  const parentContext = options.parent
    ? trace.setSpanContext(context.active(), options.parent)
    : context.active();
  const span = tracer.startSpan(
    name,
    { links: (options.links ?? []).map((c) => ({ context: c })), attributes: options.attributes },
    parentContext,
  );
  try {
    return await context.with(trace.setSpan(parentContext, span), () => work(span));
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: 2, message: (error as Error).message });
    throw error;
  } finally {
    span.end();
  }
}
