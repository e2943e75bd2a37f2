import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';

// The chart's values.yaml, values.schema.json and README.md describe the same values: every value documented in
// values.yaml (a `# --` comment) is a row of the README's table with its default, the schema knows every value and
// refuses unknown keys, and the default values and the production example satisfy it.

const chart = path.resolve(__dirname, '../../helm/pedigree');
const read = (file: string) => readFileSync(path.join(chart, file), 'utf8');
const values = parse(read('values.yaml')) as Record<string, unknown>;
const schema = JSON.parse(read('values.schema.json')) as JsonSchema;

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
}

/** The keys values.yaml documents with a `# --` comment on the lines just above them, as dotted paths. */
function documentedKeys(text: string): Map<string, string> {
  const documented = new Map<string, string>();
  const stack: string[] = [];
  let pending: string[] = [];
  for (const line of text.split('\n')) {
    const comment = /^\s*# -- (.*)$/.exec(line);
    if (comment) {
      pending.push(comment[1]!);
      continue;
    }
    const key = /^(\s*)([A-Za-z0-9_-]+):/.exec(line);
    if (!key) continue;
    const depth = key[1]!.length / 2;
    stack.splice(depth, stack.length - depth, key[2]!);
    if (pending.length > 0) documented.set(stack.join('.'), pending.join(' '));
    pending = [];
  }
  return documented;
}

/** Every leaf of a values object: a path whose value is not a mapping with keys. */
function leaves(value: unknown, prefix: string[] = []): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || Object.keys(value).length === 0)
    return [prefix.join('.')];
  return Object.entries(value).flatMap(([k, v]) => leaves(v, [...prefix, k]));
}

/** The schema's paths whose schema lists no properties (the values it describes as a whole). */
function schemaLeaves(node: JsonSchema, prefix: string[] = []): string[] {
  if (!node.properties) return [prefix.join('.')];
  return Object.entries(node.properties).flatMap(([k, v]) => schemaLeaves(v, [...prefix, k]));
}

const readmeRows = new Map(
  [...read('README.md').matchAll(/^\| `([^`]+)` \| `(.*)` \| (.*) \|$/gm)].map((m) => [m[1]!, m[2]!]),
);
const documented = documentedKeys(read('values.yaml'));
const covered = (key: string) => [...documented.keys()].some((d) => key === d || key.startsWith(`${d}.`));
const valueAt = (key: string) =>
  key.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], values);

describe('helm/pedigree values', () => {
  it('documents every value of values.yaml, at the value or a mapping above it', () => {
    expect(documented.size).toBeGreaterThan(100);
    expect(leaves(values).filter((key) => !covered(key))).toEqual([]);
  });

  it('lists every documented value in the README with its default, and nothing else', () => {
    expect([...readmeRows.keys()].sort()).toEqual([...documented.keys()].sort());
    for (const [key, shown] of readmeRows) {
      expect(JSON.parse(shown)).toEqual(valueAt(key));
    }
  });

  it('has a schema for every value, and every schema path is a value', () => {
    expect(schemaLeaves(schema).filter((key) => !covered(key))).toEqual([]);
    const known = (key: string) => {
      let node: JsonSchema | undefined = schema;
      for (const part of key.split('.')) {
        if (!node?.properties) return true; // described as a whole (a map or list)
        node = node.properties[part];
        if (!node) return false;
      }
      return true;
    };
    expect(leaves(values).filter((key) => !known(key))).toEqual([]);
  });

  describe('values.schema.json', () => {
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);

    it('accepts the default values and the production example', () => {
      expect(validate(values)).toBe(true);
      const production = parse(read('examples/production.yaml')) as Record<string, unknown>;
      // Helm merges the example over the defaults; a deep merge of plain mappings does the same here.
      const merge = (a: unknown, b: unknown): unknown =>
        a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)
          ? Object.fromEntries(
              [...new Set([...Object.keys(a), ...Object.keys(b)])].map((k) => [
                k,
                k in (b as object)
                  ? merge((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])
                  : (a as Record<string, unknown>)[k],
              ]),
            )
          : b;
      expect(validate(merge(values, production))).toBe(true);
    });

    it.each([
      ['an unknown top-level key', { ...values, replicaCount: 3 }],
      ['a misspelt key inside a service', withService({ replica: 3 })],
      ['a wrong type', withService({ replicas: 'two' })],
      ['autoscaling the ledger-writer', withLedgerWriterAutoscaling()],
      [
        'a broker list that is not host:port',
        { ...values, kafka: { ...(values.kafka as object), brokers: 'kafka' } },
      ],
    ])('refuses %s', (_what, candidate) => {
      expect(validate(candidate)).toBe(false);
    });
  });
});

function withService(changes: Record<string, unknown>): Record<string, unknown> {
  const services = values.services as Record<string, Record<string, unknown>>;
  return { ...values, services: { ...services, recall: { ...services.recall, ...changes } } };
}

function withLedgerWriterAutoscaling(): Record<string, unknown> {
  const services = values.services as Record<string, Record<string, unknown>>;
  const writer = services['ledger-writer']!;
  return {
    ...values,
    services: {
      ...services,
      'ledger-writer': { ...writer, autoscaling: { ...(writer.autoscaling as object), enabled: true } },
    },
  };
}
