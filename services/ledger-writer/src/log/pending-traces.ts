import { context, isSpanContextValid, trace, type SpanContext } from '@opentelemetry/api';

/** Most traces one anchoring span continues or links (a head may cover thousands of appends). */
const MAX_TRACES_PER_HEAD = 64;

/**
 * The traces of the appends not yet under an anchored head, so that anchoring a head continues the trace of the
 * oldest append it covers (and links the others): one trace then follows an event from its capture through the
 * append to the Fabric transaction and the anchor notice. Process memory only: after a restart, anchoring the heads
 * left over starts traces of its own.
 */
export class PendingTraces {
  private readonly pending: Array<{ size: number; context: SpanContext }> = [];

  /** Records the active span as the trace of an append that brought the log to `size` leaves. */
  recordActive(size: number): void {
    const active = trace.getSpan(context.active())?.spanContext();
    if (!active || !isSpanContextValid(active)) return;
    if (this.pending.length >= MAX_TRACES_PER_HEAD * 16) this.pending.shift();
    this.pending.push({ size, context: active });
  }

  /** The traces of the appends a head of `treeSize` leaves covers, oldest first (at most 64). */
  coveredBy(treeSize: number): SpanContext[] {
    return this.pending
      .filter((p) => p.size <= treeSize)
      .slice(0, MAX_TRACES_PER_HEAD)
      .map((p) => p.context);
  }

  /** Forgets the appends under an anchored head of `treeSize` leaves. */
  anchored(treeSize: number): void {
    let kept = 0;
    for (const entry of this.pending) if (entry.size > treeSize) this.pending[kept++] = entry;
    this.pending.length = kept;
  }
}
