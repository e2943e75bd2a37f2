import type { Command } from 'commander';
import {
  MIGRATED_SERVICES,
  isMigratedService,
  migrateServiceDatabase,
  type MigratedService,
} from '@pedigree/database';
import { environment, ExitCode, type CliIo } from '../io';

interface MigrateOptions {
  service?: string;
  databaseUrl?: string;
}

/** The environment variable holding a service's database URL for `db migrate`: DATABASE_URL_COLD_CHAIN, … */
export function databaseUrlVariable(service: MigratedService): string {
  return `DATABASE_URL_${service.toUpperCase().replace(/-/g, '_')}`;
}

export interface MigrationTarget {
  service: MigratedService;
  url: string;
}

/**
 * Which databases `db migrate` migrates, with their URLs: one service (`--service`, its URL from `--database-url`,
 * `DATABASE_URL_<SERVICE>` or `DATABASE_URL`) or all four (each from its `DATABASE_URL_<SERVICE>`). Throws a usage
 * message naming what is missing before anything is migrated.
 */
export function migrationTargets(
  options: MigrateOptions,
  env: Readonly<Record<string, string | undefined>>,
): MigrationTarget[] {
  const checked = (target: MigrationTarget, from: string): MigrationTarget => {
    if (!/^postgres(ql)?:\/\//.test(target.url))
      throw new UsageError(`${from} must be a postgres:// connection URL (got "${target.url}")`);
    return target;
  };
  if (options.service !== undefined) {
    const service = options.service;
    if (!isMigratedService(service))
      throw new UsageError(`--service must be one of ${MIGRATED_SERVICES.join(', ')} (got "${service}")`);
    const variable = databaseUrlVariable(service);
    const [from, url] =
      options.databaseUrl !== undefined
        ? ['--database-url', options.databaseUrl]
        : env[variable]
          ? [variable, env[variable]]
          : ['DATABASE_URL', env.DATABASE_URL];
    if (!url) throw new UsageError(`give --database-url, or set ${variable} or DATABASE_URL`);
    return [checked({ service, url }, from)];
  }
  if (options.databaseUrl !== undefined)
    throw new UsageError('--database-url needs --service (each service has its own database)');
  const missing = MIGRATED_SERVICES.map(databaseUrlVariable).filter((variable) => !env[variable]);
  if (missing.length > 0)
    throw new UsageError(
      `migrating every service needs each one's database URL: set ${missing.join(', ')} ` +
        '(or migrate one with --service NAME --database-url URL)',
    );
  return MIGRATED_SERVICES.map((service) =>
    checked({ service, url: env[databaseUrlVariable(service)]! }, databaseUrlVariable(service)),
  );
}

export class UsageError extends Error {}

export function registerDbCommands(program: Command, io: CliIo): void {
  const db = program.command('db').description("The services' PostgreSQL databases");
  db.command('migrate')
    .description(
      "Apply the pending migrations of each service's database (services/<name>/drizzle). Concurrent runs " +
        'wait for each other (PostgreSQL advisory lock); applied migrations are skipped. Without --service: ' +
        `all of ${MIGRATED_SERVICES.join(', ')}, each database URL from DATABASE_URL_<SERVICE> ` +
        '(DATABASE_URL_SERIALIZATION, DATABASE_URL_COLD_CHAIN, DATABASE_URL_RECALL, DATABASE_URL_LEDGER_WRITER)',
    )
    .option('--service <name>', `migrate one service's database: ${MIGRATED_SERVICES.join(', ')}`)
    .option(
      '--database-url <url>',
      "the service's database (with --service; default DATABASE_URL_<SERVICE>, then DATABASE_URL)",
    )
    .action(async (options: MigrateOptions) => {
      let targets: MigrationTarget[];
      try {
        targets = migrationTargets(options, environment(io));
      } catch (error) {
        if (!(error instanceof UsageError)) throw error;
        io.stderr(`pedigree db migrate: ${error.message}\n`);
        throw new ExitCode(2);
      }
      for (const { service, url } of targets) {
        try {
          const { applied, status } = await migrateServiceDatabase(service, url, {
            onWait: () => io.stderr(`${service}: another migration run holds the lock; waiting\n`),
          });
          io.stdout(
            applied.length > 0
              ? `${service}: applied ${applied.join(', ')}\n`
              : `${service}: up to date (${status.current ?? 'no migrations'})\n`,
          );
        } catch (error) {
          io.stderr(`${service}: migration failed: ${(error as Error).message}\n`);
          throw new ExitCode(1);
        }
      }
    });
}
