import { Command } from 'commander';
import { ExitCode, type CliIo } from '../io';
import { registerColdchainCommands, withLogger } from './coldchain';

const CSV = [
  'loggerId,time,value,uom',
  'L1,2026-03-01T00:00:00Z,20,CEL',
  'L1,2026-03-01T01:00:00Z,30,CEL',
].join('\n');

async function run(argv: string[], stdin: string, answer?: { status: number; body: unknown }) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), readStdin: async () => stdin };
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const fakeFetch = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(JSON.stringify(answer?.body ?? {}), { status: answer?.status ?? 500 });
  }) as unknown as typeof fetch;
  const program = new Command('pedigree').exitOverride();
  registerColdchainCommands(program, io, fakeFetch);
  for (const command of program.commands) {
    command.exitOverride();
    for (const sub of command.commands) sub.exitOverride();
  }
  let code = 0;
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    code = error instanceof ExitCode ? error.code : -1;
  }
  return { code, out: out.join(''), err: err.join(''), calls };
}

describe('pedigree coldchain', () => {
  it('mkt: the time-weighted and the equal-weight MKT of each logger (USP formula, ΔH/R = 10,000 K)', async () => {
    const { code, out } = await run(['coldchain', 'mkt', '-'], CSV);
    expect(code).toBe(0);
    // Two readings an hour apart, each standing for one hour: 26.26 °C both ways (hand computation in mkt.spec.ts).
    expect(out).toContain('logger L1: 2 readings, 2026-03-01T00:00:00.000Z to 2026-03-01T02:00:00.000Z');
    expect(out).toContain(
      'MKT 26.26 CEL (time-weighted; every reading equally: 26.26 CEL), ΔH 83.144 kJ/mol',
    );
    const fahrenheit = await run(['coldchain', 'mkt', '-', '--uom', 'FAH', '--activation-energy', '60'], CSV);
    expect(fahrenheit.out).toMatch(/MKT 7\d\.\d\d FAH/);
  });

  it('mkt: names the line and column of a bad row (exit 1)', async () => {
    const { code, err } = await run(['coldchain', 'mkt', '-'], `${CSV}\nL1,soon,5,CEL`);
    expect(code).toBe(1);
    expect(err).toBe('pedigree coldchain mkt: line 4, time: must be an ISO 8601 date-time with an offset\n');
  });

  it('push: sends the CSV with the logger and subject, and reports refused rows', async () => {
    const sent = await run(
      [
        'coldchain',
        'push',
        '-',
        '--logger',
        'L9',
        '--subject',
        'urn:epc:id:sscc:0614141.1000000002',
        '--api',
        'http://cc/',
        '--token',
        't',
      ],
      'time,value,uom\n2026-03-01T00:00:00Z,5,CEL\n',
      { status: 202, body: { readings: 1, batches: 1 } },
    );
    expect(sent.code).toBe(0);
    expect(sent.out).toBe('accepted 1 readings (1 messages)\n');
    expect(sent.calls[0]!.url).toBe('http://cc/readings?subject=urn%3Aepc%3Aid%3Asscc%3A0614141.1000000002');
    expect(sent.calls[0]!.init.body).toBe('loggerId,time,value,uom\n"L9",2026-03-01T00:00:00Z,5,CEL\n');
    const refused = await run(['coldchain', 'push', '-', '--token', 't'], CSV, {
      status: 400,
      body: { errors: [{ row: 3, field: 'value', message: 'must be a number' }] },
    });
    expect(refused).toMatchObject({ code: 1, err: 'line 3, value: must be a number\n' });
    expect((await run(['coldchain', 'push', '-'], CSV)).code).toBe(2);
  });

  it('withLogger leaves a CSV with a loggerId column as it is', () => {
    expect(withLogger(CSV, 'X')).toBe(CSV);
  });
});
