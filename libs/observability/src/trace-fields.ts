import { context, isSpanContextValid, trace } from '@opentelemetry/api';

/** The trace and span ids of the active span, for a log line (none outside a trace). */
export function traceFields(): { trace_id?: string; span_id?: string; trace_flags?: string } {
  const spanContext = trace.getSpan(context.active())?.spanContext();
  if (!spanContext || !isSpanContextValid(spanContext)) return {};
  return {
    trace_id: spanContext.traceId,
    span_id: spanContext.spanId,
    trace_flags: `0${spanContext.traceFlags.toString(16)}`.slice(-2),
  };
}
