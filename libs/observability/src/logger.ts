import pino, { type Logger, type LevelWithSilent } from 'pino';
import { traceFields } from './trace-fields';

export type { Logger } from 'pino';

/** Structured JSON logs, one line per record, tagged with the service name and the active trace and span ids. */
export function createLogger(service: string, level: LevelWithSilent = 'info'): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin: traceFields,
  });
}
