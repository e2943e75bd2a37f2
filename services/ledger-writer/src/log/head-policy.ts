/** When a new head is cut: enough leaves are waiting, or the oldest of them has waited long enough. */
export interface HeadPolicy {
  maxLeaves: number;
  maxDelayMs: number;
}

/** The leaves appended after the newest head (anchored or pending). */
export interface Unheaded {
  count: number;
  oldestAppendedAt?: Date;
}

export type CutDecision = { cut: true } | { cut: false; recheckInMs?: number };

/** Cut now, or when to look again (no time when nothing waits: the next append wakes the anchorer). */
export function decideCut(unheaded: Unheaded, now: Date, policy: HeadPolicy): CutDecision {
  if (unheaded.count === 0) return { cut: false };
  if (unheaded.count >= policy.maxLeaves) return { cut: true };
  const waited = unheaded.oldestAppendedAt
    ? now.getTime() - unheaded.oldestAppendedAt.getTime()
    : policy.maxDelayMs;
  if (waited >= policy.maxDelayMs) return { cut: true };
  return { cut: false, recheckInMs: policy.maxDelayMs - waited };
}
