import { z } from 'zod';
import { isValidGs1Key } from '@pedigree/gs1';
import { ownsCompanyPrefix, type Principal } from '@pedigree/auth';

export const CLASSIFICATIONS = ['class-I', 'class-II', 'class-III', 'market-withdrawal'] as const;
export const DEPTHS = ['wholesale', 'retail', 'consumer'] as const;
export const LEVELS = ['A', 'B', 'C', 'D', 'E'] as const;
export const RECALL_STATUSES = ['candidate', 'draft', 'issued', 'closed', 'withdrawn', 'dismissed'] as const;
export type RecallStatus = (typeof RECALL_STATUSES)[number];
export type Depth = (typeof DEPTHS)[number];
export type Level = (typeof LEVELS)[number];

const gtin = z
  .string()
  .refine(
    (value) => /^\d{14}$/.test(value) && isValidGs1Key('GTIN', value),
    'must be a GTIN-14 with a valid check digit',
  );

/** Text PostgreSQL can store: no NUL character. */
const text = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((value) => !value.includes('\u0000'), 'must not contain NUL characters');

/** The body of `POST /recalls`. */
export const createRecallSchema = z.strictObject({
  gtin,
  lots: z.array(text(20)).min(1).max(100),
  serials: z.array(text(20)).max(10_000).optional(),
  classification: z.enum(CLASSIFICATIONS),
  depth: z.enum(DEPTHS),
  reason: text(2000),
  effectivenessCheckLevel: z.enum(LEVELS),
});
export type CreateRecall = z.infer<typeof createRecallSchema>;

/** The body of `POST /recalls/{id}/responses`. */
export const responseSchema = z.strictObject({
  acknowledged: z.boolean(),
  unitsOnHand: z.number().int().min(0).max(100_000_000).optional(),
  unitsReturned: z.number().int().min(0).max(100_000_000).optional(),
  unitsDestroyed: z.number().int().min(0).max(100_000_000).optional(),
  subRecallDone: z.boolean().default(false),
  note: text(2000).optional(),
});
export type RecallResponseInput = z.infer<typeof responseSchema>;

/** A recall as the API answers it. */
export const recallSchema = z.object({
  id: z.string(),
  status: z.enum(RECALL_STATUSES),
  gtin: z.string(),
  lots: z.array(z.string()),
  serials: z.array(z.string()),
  classification: z.enum(CLASSIFICATIONS),
  depth: z.enum(DEPTHS),
  reason: z.string(),
  effectivenessCheckLevel: z.enum(LEVELS),
  createdBy: z.object({ sub: z.string(), party: z.string() }),
  createdAt: z.string(),
  excursionId: z.string().nullable(),
  issuedAt: z.string().nullable(),
  history: z.array(z.object({ status: z.string(), sub: z.string(), party: z.string(), at: z.string() })),
});
export type Recall = z.infer<typeof recallSchema>;

/** The transitions the API offers: from which statuses, to which, and whether a notice goes out. */
export const TRANSITIONS = {
  approve: { from: ['draft', 'candidate'], to: 'issued', notice: 'recall' },
  close: { from: ['issued'], to: 'closed', notice: 'close' },
  withdraw: { from: ['draft', 'issued'], to: 'withdrawn', notice: 'withdraw' },
  dismiss: { from: ['candidate'], to: 'dismissed', notice: undefined },
} as const satisfies Record<
  string,
  { from: readonly RecallStatus[]; to: RecallStatus; notice: 'recall' | 'close' | 'withdraw' | undefined }
>;
export type Transition = keyof typeof TRANSITIONS;

export class RecallRuleError extends Error {
  constructor(
    readonly status: 403 | 404 | 409,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Who may create, approve, close or withdraw a recall of `gtin`: a manufacturer owning the GTIN's company prefix, a
 * regulator (an FDA-requested recall) or an admin.
 */
export function mayManage(principal: Principal, gtin: string): boolean {
  if (principal.roles.includes('regulator') || principal.roles.includes('admin')) return true;
  return principal.roles.includes('manufacturer') && ownsCompanyPrefix(principal, gtin);
}

/** Who sees the whole of a recall (scope, consignees, effectiveness): those who may manage it. */
export const seesWholeRecall = mayManage;

/**
 * Checks a transition: the party may manage the recall, the recall is in a status the transition leaves, and the
 * acting user is not the one who created it (four eyes; a candidate was opened by the system, any entitled user acts).
 * Withdrawing a draft sends no notice (nothing was issued).
 */
export function checkTransition(
  recall: Pick<Recall, 'gtin' | 'status' | 'createdBy'>,
  transition: Transition,
  principal: Principal,
): { to: RecallStatus; notice: 'recall' | 'close' | 'withdraw' | undefined } {
  if (!mayManage(principal, recall.gtin))
    throw new RecallRuleError(
      403,
      'NOT_ENTITLED',
      'only the manufacturer owning the GTIN’s company prefix, a regulator or an admin may do this',
    );
  const rule = TRANSITIONS[transition];
  if (!(rule.from as readonly string[]).includes(recall.status))
    throw new RecallRuleError(409, 'WRONG_STATUS', `a ${recall.status} recall cannot be ${transition}d here`);
  if (recall.status !== 'candidate' && recall.createdBy.sub === principal.subject)
    throw new RecallRuleError(403, 'SAME_USER', `the user who created the recall may not ${transition} it`);
  const notice = transition === 'withdraw' && recall.status === 'draft' ? undefined : rule.notice;
  return { to: rule.to, notice };
}

/** How many custody hops below the manufacturer a recall of this depth reaches (ADR 0019). */
export function depthHops(depth: Depth): number {
  return depth === 'wholesale' ? 1 : depth === 'retail' ? 2 : ALL_HOPS;
}

/** Every hop (`consumer` depth): larger than any custody trail. */
export const ALL_HOPS = 2_147_483_647;

/**
 * The share of consignees whose response makes an effectiveness check of `level` met (21 CFR 7.42(b)(3): A 100 %,
 * B more than C and less than 100 % — taken as 50 % —, C 10 %, D 2 %, E no check).
 */
export const LEVEL_SHARE: Record<Level, number> = { A: 1, B: 0.5, C: 0.1, D: 0.02, E: 0 };

export function levelMet(level: Level, consignees: number, responded: number): boolean {
  if (consignees === 0) return true;
  return responded / consignees >= LEVEL_SHARE[level];
}

/** Whether `id` can be a recall's id (a UUID): anything else is no recall, without asking the database. */
export function isRecallId(id: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
}
