import { z } from 'zod';
import { ConfigError, loadConfig, serviceConfigSchema } from './load-config';

const schema = serviceConfigSchema({ port: 3001, serviceName: 'serialization' });
const valid = {
  DATABASE_URL: 'postgres://pedigree@127.0.0.1:54320/pedigree_serialization',
  KAFKA_BROKERS: 'a:9092,b:9093',
};

describe('loadConfig', () => {
  it('applies defaults and parses values', () => {
    const config = loadConfig(schema, valid);
    expect(config).toMatchObject({
      PORT: 3001,
      HOST: '0.0.0.0',
      LOG_LEVEL: 'info',
      SERVICE_NAME: 'serialization',
    });
    expect(config.KAFKA_BROKERS).toEqual(['a:9092', 'b:9093']);
  });

  it('lets the environment override the port', () => {
    expect(loadConfig(schema, { ...valid, PORT: '4001' }).PORT).toBe(4001);
  });

  it('migrates on start only when asked to (MIGRATE_ON_START, for development)', () => {
    expect(loadConfig(schema, valid).MIGRATE_ON_START).toBe(false);
    expect(loadConfig(schema, { ...valid, MIGRATE_ON_START: 'true' }).MIGRATE_ON_START).toBe(true);
    expect(loadConfig(schema, { ...valid, MIGRATE_ON_START: 'false' }).MIGRATE_ON_START).toBe(false);
    expect(() => loadConfig(schema, { ...valid, MIGRATE_ON_START: 'sometimes' })).toThrow(
      /^ {2}- MIGRATE_ON_START: .*\(got "sometimes"\)$/m,
    );
  });

  it('names a missing setting', () => {
    expect(() => loadConfig(schema, { KAFKA_BROKERS: 'a:1' })).toThrow(
      /DATABASE_URL: .*required.*\(missing\)/,
    );
  });

  it('names every wrong setting with the value it got', () => {
    try {
      loadConfig(schema, { ...valid, PORT: 'eighty', LOG_LEVEL: 'loud', KAFKA_BROKERS: 'nohost' });
      throw new Error('expected a ConfigError');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const problems = (e as ConfigError).problems.join('\n');
      expect(problems).toMatch(/^PORT: .*\(got "eighty"\)$/m);
      expect(problems).toMatch(/^LOG_LEVEL: .*\(got "loud"\)$/m);
      expect(problems).toMatch(/^KAFKA_BROKERS: must be a comma-separated host:port list \(got "nohost"\)$/m);
      expect((e as ConfigError).problems).toHaveLength(3);
    }
  });

  it('rejects a database URL of another kind', () => {
    expect(() => loadConfig(schema, { ...valid, DATABASE_URL: 'mysql://x' })).toThrow(
      /DATABASE_URL: must be a postgres/,
    );
  });

  it('works with a service’s own extended schema', () => {
    const extended = schema.extend({ CAPTURE_MAX_EVENTS: z.coerce.number().int().positive() });
    expect(() => loadConfig(extended, valid)).toThrow(/CAPTURE_MAX_EVENTS/);
    expect(loadConfig(extended, { ...valid, CAPTURE_MAX_EVENTS: '500' }).CAPTURE_MAX_EVENTS).toBe(500);
  });
});
