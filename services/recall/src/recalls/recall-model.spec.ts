import type { Principal } from '@pedigree/auth';
import {
  ALL_HOPS,
  checkTransition,
  createRecallSchema,
  depthHops,
  levelMet,
  mayManage,
  RecallRuleError,
} from './recall-model';

const manufacturer: Principal = {
  subject: 'alice',
  party: '0614141000005',
  roles: ['manufacturer'],
  gcps: ['0614141'],
};
const colleague: Principal = { ...manufacturer, subject: 'bob' };
const competitor: Principal = {
  subject: 'eve',
  party: '9506000000008',
  roles: ['manufacturer'],
  gcps: ['9506000'],
};
const regulator: Principal = { subject: 'fda', party: '4000001000005', roles: ['regulator'], gcps: [] };
const GTIN = '10614141073464';
const draft = {
  gtin: GTIN,
  status: 'draft' as const,
  createdBy: { sub: 'alice', party: manufacturer.party },
};

function refusal(run: () => unknown): { status: number; code: string } | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof RecallRuleError) return { status: error.status, code: error.code };
    throw error;
  }
  return undefined;
}

describe('recall rules', () => {
  it('lets the GTIN’s manufacturer and regulators manage its recalls, not a competitor', () => {
    expect(mayManage(manufacturer, GTIN)).toBe(true);
    expect(mayManage(regulator, GTIN)).toBe(true);
    expect(mayManage(competitor, GTIN)).toBe(false);
    expect(mayManage({ ...manufacturer, roles: ['distributor'] }, GTIN)).toBe(false);
  });

  it('needs a second user to approve, close or withdraw; a candidate any entitled user', () => {
    expect(refusal(() => checkTransition(draft, 'approve', manufacturer))).toEqual({
      status: 403,
      code: 'SAME_USER',
    });
    expect(checkTransition(draft, 'approve', colleague)).toEqual({ to: 'issued', notice: 'recall' });
    expect(refusal(() => checkTransition(draft, 'approve', competitor))).toEqual({
      status: 403,
      code: 'NOT_ENTITLED',
    });
    const candidate = {
      ...draft,
      status: 'candidate' as const,
      createdBy: { sub: 'excursion:e1', party: 'x' },
    };
    expect(checkTransition(candidate, 'dismiss', manufacturer)).toEqual({
      to: 'dismissed',
      notice: undefined,
    });
    expect(checkTransition(draft, 'withdraw', colleague)).toEqual({ to: 'withdrawn', notice: undefined });
    const issued = { ...draft, status: 'issued' as const };
    expect(checkTransition(issued, 'withdraw', regulator)).toEqual({ to: 'withdrawn', notice: 'withdraw' });
    expect(checkTransition(issued, 'close', colleague)).toEqual({ to: 'closed', notice: 'close' });
    expect(refusal(() => checkTransition(issued, 'approve', colleague))).toEqual({
      status: 409,
      code: 'WRONG_STATUS',
    });
  });

  it('reads depth as custody hops and levels as shares of consignees responding', () => {
    expect([depthHops('wholesale'), depthHops('retail'), depthHops('consumer')]).toEqual([1, 2, ALL_HOPS]);
    expect(levelMet('A', 3, 2)).toBe(false);
    expect(levelMet('A', 3, 3)).toBe(true);
    expect(levelMet('C', 10, 1)).toBe(true);
    expect(levelMet('E', 10, 0)).toBe(true);
  });

  it('checks a recall body: a GTIN with its check digit, known classification and depth', () => {
    const body = {
      gtin: GTIN,
      lots: ['L1'],
      classification: 'class-I',
      depth: 'consumer',
      reason: 'r',
      effectivenessCheckLevel: 'A',
    };
    expect(createRecallSchema.safeParse(body).success).toBe(true);
    expect(createRecallSchema.safeParse({ ...body, gtin: '10614141073465' }).success).toBe(false);
    expect(createRecallSchema.safeParse({ ...body, lots: [] }).success).toBe(false);
    expect(createRecallSchema.safeParse({ ...body, extra: 1 }).success).toBe(false);
  });
});
