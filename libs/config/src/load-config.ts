import { z } from 'zod';

/** A configuration that does not validate: the message names every offending setting. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Validates environment variables against a zod object schema; throws ConfigError naming each bad or missing setting. */
export function loadConfig<S extends z.ZodObject>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const name = issue.path.map(String).join('.');
      const given = env[name];
      const shown = given === undefined ? 'missing' : `got ${JSON.stringify(given)}`;
      return `${name}: ${issue.message} (${shown})`;
    }),
  );
}

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Settings every Pedigree service has; a service extends this with its own. */
export function serviceConfigSchema(defaults: { port: number; serviceName: string }) {
  return z.object({
    SERVICE_NAME: z.string().min(1).default(defaults.serviceName),
    HOST: z.string().min(1).default('0.0.0.0'),
    PORT: z.coerce.number().int().min(1).max(65535).default(defaults.port),
    DATABASE_URL: z
      .string({ error: 'is required (a postgres:// connection URL)' })
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// connection URL'),
    KAFKA_BROKERS: z
      .string({ error: 'is required (comma-separated host:port list)' })
      .regex(/^[^,\s:]+:\d+(,[^,\s:]+:\d+)*$/, 'must be a comma-separated host:port list')
      .transform((s) => s.split(',')),
    /** Prefix of every topic and consumer group name, to share one cluster between deployments or test runs. */
    KAFKA_TOPIC_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9._-]*$/, 'may contain letters, digits, ".", "_" and "-" only')
      .default(''),
    /**
     * Development only: apply the service's pending database migrations when it starts. Otherwise a service whose
     * schema is behind refuses to start, and `pedigree db migrate` is the step that migrates.
     */
    MIGRATE_ON_START: z.stringbool().default(false),
    LOG_LEVEL: z.enum(logLevels).default('info'),
    HTTP_BODY_LIMIT_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(10 * 1024 * 1024),
    /**
     * Run the service's hot paths on synthetic input before /health/ready says yes (V8 compiles them then, not under
     * the first seconds of traffic). Bounded by WARMUP_ROUNDS and WARMUP_MAX_SECONDS.
     */
    WARMUP_ENABLED: z.stringbool().default(true),
    /** Rounds of the warm-up: each runs every hot path of the service once. */
    WARMUP_ROUNDS: z.coerce.number().int().positive().default(2000),
    /** Longest the warm-up may keep a new process out of traffic, however many rounds it has run. */
    WARMUP_MAX_SECONDS: z.coerce.number().positive().default(30),
  });
}

export type ServiceConfig = z.infer<ReturnType<typeof serviceConfigSchema>>;
