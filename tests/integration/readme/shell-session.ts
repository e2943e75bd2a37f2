import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface CommandResult {
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * One long-lived `bash`, like the terminal a reader pastes the README into: variables and exports of one command
 * are there for the next. Each command is sourced from a file of its own (so a syntax error is that command's
 * failure, not the session's), with standard input from /dev/null and its output captured to files.
 */
export class ShellSession {
  private readonly bash: ChildProcessWithoutNullStreams;
  private readonly scratch = mkdtempSync(path.join(tmpdir(), 'pedigree-shell-'));
  private readonly exited: Promise<void>;
  private lines = '';
  private waiting?: (line: string) => void;
  private count = 0;
  private shellErrors = '';

  constructor(cwd: string, env: Record<string, string>) {
    // A process group of its own, so that a command that hangs can be ended with everything it started.
    this.bash = spawn('bash', ['--noprofile', '--norc'], { cwd, env, detached: true });
    this.bash.stdout.on('data', (chunk: Buffer) => {
      this.lines += chunk.toString();
      const end = this.lines.indexOf('\n');
      if (end >= 0 && this.waiting) {
        const line = this.lines.slice(0, end);
        this.lines = this.lines.slice(end + 1);
        this.waiting(line);
      }
    });
    this.bash.stderr.on('data', (chunk: Buffer) => (this.shellErrors += chunk.toString()));
    this.exited = new Promise((resolve) => this.bash.once('exit', () => resolve()));
  }

  /** Runs one command in the session; rejects when it does not finish within `timeoutMs` or ends the shell. */
  async run(command: string, timeoutMs = 60_000): Promise<CommandResult> {
    const n = ++this.count;
    const file = (ext: string) => path.join(this.scratch, `${n}.${ext}`);
    writeFileSync(file('sh'), `${command}\n`);
    const status = new Promise<string>((resolve) => (this.waiting = resolve));
    this.bash.stdin.write(
      `{ source '${file('sh')}'; } </dev/null >'${file('out')}' 2>'${file('err')}'; echo $?\n`,
    );
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      status,
      this.exited.then(() => 'exited'),
      new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs))),
    ]).finally(() => clearTimeout(timer));
    this.waiting = undefined;
    const output = (ext: string) => {
      try {
        return readFileSync(file(ext), 'utf8');
      } catch {
        return '';
      }
    };
    if (outcome === 'timeout' || outcome === 'exited') {
      this.close();
      throw new Error(
        `${outcome === 'timeout' ? `no end within ${timeoutMs} ms` : 'the shell ended'} running: ${command}\n` +
          `stdout: ${output('out')}\nstderr: ${output('err')}${this.shellErrors}`,
      );
    }
    return { status: Number(outcome), stdout: output('out'), stderr: output('err') };
  }

  /** Ends the shell and whatever its commands left running, and removes the commands' files. */
  close(): void {
    rmSync(this.scratch, { recursive: true, force: true });
    if (this.bash.exitCode !== null || this.bash.signalCode !== null) return;
    try {
      process.kill(-this.bash.pid!, 'SIGTERM');
    } catch {
      this.bash.kill('SIGTERM');
    }
  }
}
