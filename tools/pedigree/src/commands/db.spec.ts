import { runCli } from '../cli';
import type { CliIo } from '../io';
import { databaseUrlVariable, migrationTargets, UsageError } from './db';

const url = (name: string) => `postgres://pedigree@127.0.0.1:54320/${name}`;
const allFour = {
  DATABASE_URL_SERIALIZATION: url('s'),
  DATABASE_URL_COLD_CHAIN: url('c'),
  DATABASE_URL_RECALL: url('r'),
  DATABASE_URL_LEDGER_WRITER: url('l'),
};

describe('db migrate options', () => {
  it('names each service’s variable after it', () => {
    expect(databaseUrlVariable('cold-chain')).toBe('DATABASE_URL_COLD_CHAIN');
    expect(databaseUrlVariable('ledger-writer')).toBe('DATABASE_URL_LEDGER_WRITER');
  });

  it('migrates all four services, each from its DATABASE_URL_<SERVICE>, without --service', () => {
    expect(migrationTargets({}, allFour)).toEqual([
      { service: 'serialization', url: url('s') },
      { service: 'cold-chain', url: url('c') },
      { service: 'recall', url: url('r') },
      { service: 'ledger-writer', url: url('l') },
    ]);
  });

  it('names every missing variable when migrating all four, and refuses a lone --database-url', () => {
    const { DATABASE_URL_RECALL: _recall, DATABASE_URL_COLD_CHAIN: _coldChain, ...two } = allFour;
    expect(() => migrationTargets({}, { ...two, DATABASE_URL: url('x') })).toThrow(
      /set DATABASE_URL_COLD_CHAIN, DATABASE_URL_RECALL/,
    );
    expect(() => migrationTargets({ databaseUrl: url('x') }, allFour)).toThrow(
      /--database-url needs --service/,
    );
  });

  it('takes one service’s URL from --database-url, else DATABASE_URL_<SERVICE>, else DATABASE_URL', () => {
    const env = { DATABASE_URL_RECALL: url('r'), DATABASE_URL: url('plain') };
    expect(migrationTargets({ service: 'recall', databaseUrl: url('given') }, env)).toEqual([
      { service: 'recall', url: url('given') },
    ]);
    expect(migrationTargets({ service: 'recall' }, env)).toEqual([{ service: 'recall', url: url('r') }]);
    expect(migrationTargets({ service: 'cold-chain' }, env)).toEqual([
      { service: 'cold-chain', url: url('plain') },
    ]);
    expect(() => migrationTargets({ service: 'cold-chain' }, {})).toThrow(
      'give --database-url, or set DATABASE_URL_COLD_CHAIN or DATABASE_URL',
    );
  });

  it('refuses an unknown service and a URL that is not PostgreSQL’s', () => {
    expect(() => migrationTargets({ service: 'billing' }, allFour)).toThrow(UsageError);
    expect(() => migrationTargets({ service: 'recall', databaseUrl: 'mysql://x' }, {})).toThrow(
      '--database-url must be a postgres:// connection URL (got "mysql://x")',
    );
  });

  it('says what is missing with exit code 2 and migrates nothing', async () => {
    let stderr = '';
    const io: CliIo = {
      stdout: () => undefined,
      stderr: (t) => void (stderr += t),
      readStdin: async () => '',
      env: {},
    };
    expect(await runCli(['db', 'migrate'], io)).toBe(2);
    expect(stderr).toMatch(/^pedigree db migrate: migrating every service needs each one's database URL/);
  });
});
