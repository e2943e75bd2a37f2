import { decideCut } from './head-policy';

const policy = { maxLeaves: 100, maxDelayMs: 1000 };
const now = new Date('2026-05-01T12:00:10.000Z');
const ago = (ms: number) => new Date(now.getTime() - ms);

describe('decideCut', () => {
  it('waits for an append when no leaf is waiting', () => {
    expect(decideCut({ count: 0 }, now, policy)).toEqual({ cut: false });
  });

  it('cuts once maxLeaves leaves wait, however young', () => {
    expect(decideCut({ count: 100, oldestAppendedAt: ago(1) }, now, policy)).toEqual({ cut: true });
    expect(decideCut({ count: 250, oldestAppendedAt: ago(0) }, now, policy)).toEqual({ cut: true });
  });

  it('cuts once the oldest waiting leaf has waited maxDelayMs', () => {
    expect(decideCut({ count: 1, oldestAppendedAt: ago(1000) }, now, policy)).toEqual({ cut: true });
    expect(decideCut({ count: 1, oldestAppendedAt: ago(5000) }, now, policy)).toEqual({ cut: true });
  });

  it('otherwise says when the oldest leaf will be due', () => {
    expect(decideCut({ count: 99, oldestAppendedAt: ago(300) }, now, policy)).toEqual({
      cut: false,
      recheckInMs: 700,
    });
  });

  it('cuts when leaves wait but their age is unknown', () => {
    expect(decideCut({ count: 1 }, now, policy)).toEqual({ cut: true });
  });
});
