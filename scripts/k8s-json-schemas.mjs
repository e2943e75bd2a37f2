// Generates the JSON schemas kubeconform validates against, in its file layout (`<kind>-<group>-<version>.json`,
// lower case, the group cut at its first dot), from the OpenAPI document of a Kubernetes release
// (api/openapi-spec/swagger.json of the k8s.io/kubernetes module) and from CustomResourceDefinitions.
// Every schema is strict: an object that lists its properties refuses any other (additionalProperties: false), as
// the API server's strict field validation does. Each file holds its kind's schema and, under `definitions`, every
// definition it refers to, so it validates on its own.
//   node scripts/k8s-json-schemas.mjs --swagger swagger.json --out DIR [--crds DIR]
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

const args = Object.fromEntries(
  process.argv
    .slice(2)
    .reduce(
      (pairs, arg, i, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs),
      [],
    ),
);
if (!args.swagger || !args.out) {
  process.stderr.write('usage: k8s-json-schemas.mjs --swagger swagger.json --out DIR [--crds DIR]\n');
  process.exit(2);
}

/** The file name kubeconform looks for: kind, the group's first label (none for the core group), the version. */
function fileName(group, version, kind) {
  const groupPart = group === '' ? '' : `-${group.split('.')[0]}`;
  return `${kind}${groupPart}-${version}.json`.toLowerCase();
}

/** Types the OpenAPI document names by format or by definition that JSON Schema needs spelt out. */
const SPECIAL_DEFINITIONS = {
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { oneOf: [{ type: 'string' }, { type: 'integer' }] },
  'io.k8s.apimachinery.pkg.api.resource.Quantity': { oneOf: [{ type: 'string' }, { type: 'number' }] },
};

/** A copy of an OpenAPI schema made strict: objects with listed properties refuse others; int-or-string spelt out. */
function strict(schema) {
  if (Array.isArray(schema)) return schema.map(strict);
  if (schema === null || typeof schema !== 'object') return schema;
  if (schema['x-kubernetes-int-or-string'] === true || schema.format === 'int-or-string') {
    return { oneOf: [{ type: 'string' }, { type: 'integer' }] };
  }
  const copy = {};
  for (const [key, value] of Object.entries(schema)) {
    copy[key] =
      key === 'properties'
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, strict(v)]))
        : strict(value);
  }
  const listsProperties = copy.properties !== undefined && Object.keys(copy.properties).length > 0;
  if (
    listsProperties &&
    copy.additionalProperties === undefined &&
    copy['x-kubernetes-preserve-unknown-fields'] !== true
  ) {
    copy.additionalProperties = false;
  }
  return copy;
}

/** The names of the definitions a schema refers to, directly or through others. */
function referenced(schema, definitions, found = new Set()) {
  const visit = (node) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    if (typeof node.$ref === 'string') {
      const name = node.$ref.replace('#/definitions/', '');
      if (!found.has(name)) {
        found.add(name);
        visit(definitions[name]);
      }
    }
    Object.values(node).forEach(visit);
  };
  visit(schema);
  return found;
}

const written = [];
const swagger = JSON.parse(readFileSync(args.swagger, 'utf8'));
const definitions = Object.fromEntries(
  Object.entries(swagger.definitions).map(([name, schema]) => [
    name,
    SPECIAL_DEFINITIONS[name] ?? strict(schema),
  ]),
);
for (const [name, schema] of Object.entries(definitions)) {
  for (const gvk of swagger.definitions[name]['x-kubernetes-group-version-kind'] ?? []) {
    const standalone = { $schema: 'http://json-schema.org/draft-07/schema#', ...schema, definitions: {} };
    for (const dependency of referenced(schema, definitions))
      standalone.definitions[dependency] = definitions[dependency];
    const file = fileName(gvk.group, gvk.version, gvk.kind);
    writeFileSync(path.join(args.out, file), JSON.stringify(standalone));
    written.push(file);
  }
}

// CustomResourceDefinitions: one schema per served version, with apiVersion, kind and metadata as the API has them.
if (args.crds) {
  const objectMeta = definitions['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'];
  for (const file of readdirSync(args.crds).filter((f) => /\.ya?ml$/.test(f))) {
    for (const document of parseAllDocuments(readFileSync(path.join(args.crds, file), 'utf8'))) {
      const crd = document.toJS();
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      for (const version of crd.spec.versions.filter((v) => v.served)) {
        const schema = strict(version.schema.openAPIV3Schema);
        schema.properties = {
          ...schema.properties,
          metadata: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' },
        };
        const standalone = { $schema: 'http://json-schema.org/draft-07/schema#', ...schema, definitions: {} };
        for (const dependency of referenced(objectMeta, definitions))
          standalone.definitions[dependency] = definitions[dependency];
        standalone.definitions['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'] = objectMeta;
        const name = fileName(crd.spec.group, version.name, crd.spec.names.kind);
        writeFileSync(path.join(args.out, name), JSON.stringify(standalone));
        written.push(name);
      }
    }
  }
}
process.stdout.write(`${written.length} schemas written to ${args.out}\n`);
