import { readFile } from 'node:fs/promises';

/** What a command may touch of the outside world; tests pass their own. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readStdin(): Promise<string>;
  /** Environment variables the commands read (settings such as DATABASE_URL_SERIALIZATION); process.env if absent. */
  env?: Readonly<Record<string, string | undefined>>;
}

export function environment(io: CliIo): Readonly<Record<string, string | undefined>> {
  return io.env ?? process.env;
}

export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
};

/** The input could not be read at all (exit code 2), as opposed to being read and found wrong. */
export class UnreadableInput extends Error {}

/** Reads a file, or standard input for `-`. */
export async function readInput(io: CliIo, file: string): Promise<string> {
  if (file === '-') return io.readStdin();
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new UnreadableInput(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}

/** Thrown by a command to end with an exit code after it has written what it had to say. */
export class ExitCode extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}
