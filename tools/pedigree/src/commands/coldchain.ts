import type { Command } from 'commander';
import {
  analyseSeries,
  DEFAULT_ACTIVATION_ENERGY,
  fromCelsius,
  isTemperatureUnit,
  meanKineticTemperature,
  parseReadingsCsv,
  ReadingsInputError,
  toCelsius,
  type ProfileLimits,
  type ReadingBatch,
  type TemperatureUnit,
} from '@pedigree/temperature';
import { ExitCode, readInput, type CliIo } from '../io';

/** A readings CSV without a loggerId column gets `logger` as every row's logger. */
export function withLogger(csv: string, logger: string | undefined): string {
  const [header = '', ...rows] = csv.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (
    logger === undefined ||
    header
      .split(',')
      .map((c) => c.trim())
      .includes('loggerId')
  )
    return csv;
  const quoted = `"${logger.replace(/"/g, '""')}"`;
  return [`loggerId,${header}`, ...rows.map((row) => (row.trim() === '' ? row : `${quoted},${row}`))].join(
    '\n',
  );
}

function parsed(csv: string, io: CliIo, command: string): ReadingBatch[] {
  try {
    return parseReadingsCsv(csv, undefined, {
      now: new Date(),
      maxFutureMs: Number.POSITIVE_INFINITY,
      maxReadings: Number.MAX_SAFE_INTEGER,
    });
  } catch (error) {
    if (!(error instanceof ReadingsInputError)) throw error;
    for (const p of error.problems)
      io.stderr(`pedigree coldchain ${command}: line ${p.row}, ${p.field || '(file)'}: ${p.message}\n`);
    throw new ExitCode(1);
  }
}

/** No range to leave: the figures of a series only. */
function neutral(activationEnergy: number): ProfileLimits {
  return {
    rangeMin: Number.NEGATIVE_INFINITY,
    rangeMax: Number.POSITIVE_INFINITY,
    absoluteMin: null,
    absoluteMax: null,
    mktMax: null,
    freezeLimit: null,
    mktWindowMs: Number.POSITIVE_INFINITY,
    activationEnergy,
    budgetMinutes: 0,
  };
}

/** The MKT report of each logger of a CSV: time-weighted (as the cold-chain service computes it) and USP's equal-weight figure. */
export function mktReport(
  batches: readonly ReadingBatch[],
  options: { activationEnergy: number; uom: TemperatureUnit; gapFactor: number },
): string {
  const out = (celsius: number | undefined) =>
    celsius === undefined
      ? '-'
      : `${fromCelsius(Number(celsius.toFixed(6)), options.uom).toFixed(2)} ${options.uom}`;
  const lines: string[] = [];
  for (const batch of batches) {
    const readings = batch.readings.map((r) => ({
      time: Date.parse(r.time),
      celsius: toCelsius(r.value, r.uom as TemperatureUnit),
    }));
    const analysis = analyseSeries(readings, neutral(options.activationEnergy), {
      gapFactor: options.gapFactor,
    });
    const equal = meanKineticTemperature(
      readings.map((r) => ({ celsius: r.celsius, weight: 1 })),
      options.activationEnergy,
    );
    lines.push(
      `logger ${batch.loggerId}: ${analysis.count} readings, ${new Date(analysis.from!).toISOString()} to ${new Date(analysis.to!).toISOString()}`,
      `  MKT ${out(analysis.mkt)} (time-weighted; every reading equally: ${out(equal)}), ΔH ${options.activationEnergy} kJ/mol`,
      `  min ${out(analysis.min)}  max ${out(analysis.max)}  mean ${out(analysis.mean)} (time-weighted)`,
      ...analysis.gaps.map(
        (g) =>
          `  gap ${new Date(g.from).toISOString()} to ${new Date(g.to).toISOString()} (${g.minutes.toFixed(0)} min)`,
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

export function registerColdchainCommands(
  program: Command,
  io: CliIo,
  fetchImpl: typeof fetch = fetch,
): void {
  const coldchain = program
    .command('coldchain')
    .description('Temperature readings: MKT of a logger export, sending readings');

  coldchain
    .command('mkt')
    .description(
      'Mean kinetic temperature (USP <1079.2>, Haynes) of a logger CSV export (loggerId,time,value,uom with a header; - for stdin), per logger. Exit 1 on a bad row.',
    )
    .argument('<file>', 'readings CSV')
    .option('--activation-energy <kJ/mol>', 'ΔH in kJ/mol', String(DEFAULT_ACTIVATION_ENERGY))
    .option('--uom <unit>', 'unit of the answer: CEL, FAH or KEL', 'CEL')
    .option('--gap-factor <n>', 'a logger silent for more than n intervals has a gap', '3')
    .option('--logger <id>', 'the logger of a CSV without a loggerId column')
    .action(
      async (
        file: string,
        options: { activationEnergy: string; uom: string; gapFactor: string; logger?: string },
      ) => {
        const activationEnergy = Number(options.activationEnergy);
        const gapFactor = Number(options.gapFactor);
        if (
          !Number.isFinite(activationEnergy) ||
          activationEnergy <= 0 ||
          !isTemperatureUnit(options.uom) ||
          !(gapFactor > 0)
        ) {
          io.stderr(
            'pedigree coldchain mkt: --activation-energy and --gap-factor must be positive, --uom CEL, FAH or KEL\n',
          );
          throw new ExitCode(2);
        }
        const batches = parsed(withLogger(await readInput(io, file), options.logger ?? 'logger'), io, 'mkt');
        io.stdout(mktReport(batches, { activationEnergy, uom: options.uom, gapFactor }));
      },
    );

  coldchain
    .command('push')
    .description(
      'Send a logger CSV export to the cold-chain service (POST /readings, text/csv). Exit 0 accepted, 1 refused rows, 2 usage or service error.',
    )
    .argument(
      '<file>',
      'readings CSV (loggerId,time,value,uom, or time,value,uom with --logger; - for stdin)',
    )
    .option('--logger <id>', 'the logger of a CSV without a loggerId column')
    .option('--subject <epc>', 'the EPC (e.g. an SSCC) the logger travels with')
    .option(
      '--api <url>',
      'cold-chain service base URL',
      process.env.PEDIGREE_COLDCHAIN_API ?? 'http://localhost:3002',
    )
    .option('--token <token>', 'access token (default $PEDIGREE_TOKEN)', process.env.PEDIGREE_TOKEN)
    .action(
      async (file: string, options: { logger?: string; subject?: string; api: string; token?: string }) => {
        if (!options.token) {
          io.stderr('pedigree coldchain push: give --token or set PEDIGREE_TOKEN\n');
          throw new ExitCode(2);
        }
        const csv = withLogger(await readInput(io, file), options.logger);
        const query = options.subject ? `?subject=${encodeURIComponent(options.subject)}` : '';
        let response: Response;
        try {
          response = await fetchImpl(`${options.api.replace(/\/+$/, '')}/readings${query}`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${options.token}`,
              'content-type': 'text/csv',
              accept: 'application/json',
            },
            body: csv,
          });
        } catch (error) {
          io.stderr(`pedigree coldchain push: cannot reach ${options.api}: ${(error as Error).message}\n`);
          throw new ExitCode(2);
        }
        const text = await response.text();
        if (response.status === 202) {
          const answer = JSON.parse(text) as { readings: number; batches: number };
          io.stdout(`accepted ${answer.readings} readings (${answer.batches} messages)\n`);
          return;
        }
        if (response.status === 400) {
          const problem = JSON.parse(text) as {
            detail?: string;
            errors?: Array<{ row: number; field: string; message: string }>;
          };
          for (const p of problem.errors ?? [])
            io.stderr(`line ${p.row}, ${p.field || '(file)'}: ${p.message}\n`);
          if (!problem.errors) io.stderr(`pedigree coldchain push: ${problem.detail ?? text}\n`);
          throw new ExitCode(1);
        }
        io.stderr(`pedigree coldchain push: ${response.status} ${text}\n`);
        throw new ExitCode(2);
      },
    );
}
