import { Command } from 'commander';
import type { CliIo } from '../io';
import { ExitCode } from '../io';
import { registerVerifyCommand, verificationRequest } from './verify';

describe('pedigree verify', () => {
  const api = { api: 'http://svc' };

  it('sends a scanned code to POST /verifications and typed fields to POST /packs/verify', () => {
    expect(verificationRequest('https://id.gs1.org/01/10614141073464/21/S1', api)).toEqual({
      path: '/verifications',
      body: { code: 'https://id.gs1.org/01/10614141073464/21/S1' },
    });
    expect(
      verificationRequest(undefined, {
        ...api,
        gtin: '10614141073464',
        serial: 'S1',
        lot: 'L1',
        exp: '280229',
        location: '9521321000001',
      }),
    ).toEqual({
      path: '/packs/verify',
      body: { gtin: '10614141073464', serial: 'S1', lot: 'L1', expiry: '280229', location: '9521321000001' },
    });
    expect(() => verificationRequest(undefined, { ...api, gtin: '10614141073464' })).toThrow(
      /--gtin and --serial/,
    );
    expect(() => verificationRequest('(01)10614141073464(21)S1', { ...api, serial: 'S1' })).toThrow(
      /not both/,
    );
  });

  it.each(['\\x1d', '\\u001d', '<GS>', '{GS}', '[GS]', '^]'])(
    'sends the group separator written as %s as ASCII 29',
    (notation) => {
      expect(verificationRequest(`]d201106141410734641728123110LOT1${notation}212017`, api).body).toEqual({
        code: ']d201106141410734641728123110LOT1\u001d212017',
      });
    },
  );

  async function run(argv: string[], answer: { status: number; body: unknown }) {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), readStdin: async () => '' };
    const calls: Array<{ url: string; init: RequestInit }> = [];
    const fakeFetch = (async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return new Response(JSON.stringify(answer.body), { status: answer.status });
    }) as unknown as typeof fetch;
    const program = new Command('pedigree').exitOverride();
    registerVerifyCommand(program, io, fakeFetch);
    program.commands[0]!.exitOverride();
    let code = 0;
    try {
      await program.parseAsync(argv, { from: 'user' });
    } catch (error) {
      code = error instanceof ExitCode ? error.code : -1;
    }
    return { out: out.join(''), err: err.join(''), calls, code };
  }

  it('prints the answer and exits 0 when verified, 1 on an alert', async () => {
    const ok = await run(['verify', ']d20110614141073464215', '--api', 'http://svc/', '--token', 'T'], {
      status: 200,
      body: {
        returnCode: 'OK',
        pack: { gtin: '10614141073464', serial: '5', state: 'active' },
        data: { verified: true },
      },
    });
    expect(ok.code).toBe(0);
    expect(ok.calls[0]!.url).toBe('http://svc/verifications');
    expect((ok.calls[0]!.init.headers as Record<string, string>).authorization).toBe('Bearer T');
    expect(ok.out).toMatch(/^VERIFIED {2}OK/);
    const alert = await run(['verify', '--gtin', '10614141073464', '--serial', '5', '--token', 'T'], {
      status: 200,
      body: {
        returnCode: 'SUSPECT_CLONE',
        alert: { alertId: 'a1', code: 'SUSPECT_CLONE' },
        pack: { gtin: '10614141073464', serial: '5', suspect: true, state: 'active' },
        data: { verified: true, additionalInfo: 'Suspect' },
      },
    });
    expect(alert.code).toBe(1);
    expect(alert.out).toContain('ALERT     SUSPECT_CLONE (alert id a1)');
    expect(alert.out).toContain('info      Suspect');
  });

  it('exits 2 without a token or on a refused request', async () => {
    const saved = process.env.PEDIGREE_TOKEN;
    delete process.env.PEDIGREE_TOKEN;
    try {
      expect((await run(['verify', 'x'], { status: 200, body: {} })).code).toBe(2);
    } finally {
      if (saved !== undefined) process.env.PEDIGREE_TOKEN = saved;
    }
    const refused = await run(['verify', 'x', '--token', 'T'], { status: 400, body: { detail: 'bad code' } });
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('400');
  });
});
