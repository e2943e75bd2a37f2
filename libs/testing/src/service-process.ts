import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { REPO_ROOT } from './infrastructure';

export interface RunningService {
  baseUrl: string;
  process: ChildProcess;
  /** Everything the process wrote so far (stdout and stderr). */
  output(): string;
  /** Resolves with the exit code once the process ended. */
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Whether something may listen on `port` of 127.0.0.1 now. */
function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A port nothing listens on, for a process started next. Chosen below Linux's ephemeral range (32768–60999), from
 * which the kernel hands out the local ports of outgoing connections: a port found free there was, under load, taken
 * by some Kafka or PostgreSQL client in the seconds before the service listened on it (EADDRINUSE).
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    if (await canListen(port)) return port;
  }
  throw new Error('no free port between 20000 and 31999');
}

/** Starts a built service (`services/<name>/dist/main.js`) as its own process, the way it runs in production. */
export async function startServiceProcess(
  name: string,
  env: Record<string, string>,
): Promise<RunningService> {
  const main = path.join(REPO_ROOT, 'services', name, 'dist', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: build the workspace first (npm run build)`);
  const port = env.PORT ?? String(await freePort());
  const child = spawn(process.execPath, [main], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      // In a jest run, a short warm-up (its paths still run) unless a test asks for more: the suite starts services by
      // the dozen. Benchmarks keep the service's own default.
      ...(process.env.JEST_WORKER_ID !== undefined && { WARMUP_ROUNDS: '20' }),
      ...env,
      PORT: port,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    process: child,
    output: () => output,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Polls `url` until it answers `status` (default 200); fails with the service's output when it does not. */
export async function waitForStatus(
  service: RunningService,
  urlPath: string,
  status = 200,
  timeoutMs = 60000,
) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (service.process.exitCode !== null) {
      throw new Error(
        `service exited with ${service.process.exitCode} before ${urlPath} answered:\n${service.output()}`,
      );
    }
    try {
      const response = await fetch(service.baseUrl + urlPath);
      last = `${response.status} ${await response.text()}`;
      if (response.status === status) return JSON.parse(last.slice(4)) as unknown;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `${urlPath} did not answer ${status} within ${timeoutMs} ms (last: ${last}):\n${service.output()}`,
  );
}
