import { Command, CommanderError } from 'commander';
import { EpcisException } from '@pedigree/epcis';
import { registerColdchainCommands } from './commands/coldchain';
import { registerDbCommands } from './commands/db';
import { registerDemoCommands } from './commands/demo';
import { registerEpcisCommands } from './commands/epcis';
import { registerGs1Commands } from './commands/gs1';
import { registerKafkaCommands } from './commands/kafka';
import { registerProofCommands } from './commands/proof';
import { registerSubscribeCommand } from './commands/subscribe';
import { registerTokenCommand } from './commands/token';
import { registerVerifyCommand } from './commands/verify';
import { ExitCode, UnreadableInput, type CliIo } from './io';

export function createProgram(io: CliIo): Command {
  const program = new Command('pedigree')
    .description('Pedigree: drug supply-chain traceability on GS1 EPCIS 2.0')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  registerGs1Commands(program, io);
  registerEpcisCommands(program, io);
  registerKafkaCommands(program, io);
  registerDbCommands(program, io);
  registerTokenCommand(program, io);
  registerProofCommands(program, io);
  registerVerifyCommand(program, io);
  registerDemoCommands(program, io);
  registerColdchainCommands(program, io);
  registerSubscribeCommand(program, io);
  for (const command of program.commands) {
    command.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
    for (const sub of command.commands)
      sub.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  }
  return program;
}

/** Runs the CLI and resolves to its exit code: 0 success, 1 the input is invalid, 2 unusable input or usage. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  try {
    await createProgram(io).parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof ExitCode) return error.code;
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof UnreadableInput) {
      io.stderr(`${error.message}\n`);
      return 2;
    }
    if (error instanceof EpcisException) {
      io.stderr(`${error.message}\n`);
      return 1;
    }
    io.stderr(`${(error as Error).stack ?? String(error)}\n`);
    return 2;
  }
}
