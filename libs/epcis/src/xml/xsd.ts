import { gs1StandardsPath } from '@pedigree/gs1';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EpcisException, type EpcisProblem } from '../errors';
import { EPCIS_1_NS, EPCIS_2_NS, EPCIS_QUERY_1_NS, EPCIS_QUERY_2_NS } from './namespaces';

// libxml2-wasm is an ES module with top-level await (it instantiates its WebAssembly): `import()` loads it, `require`
// cannot; from this CommonJS module only its types are imported statically.
import type { ErrorDetail, XmlDocument, XmlInputProvider, XsdValidator } from 'libxml2-wasm' with {
  'resolution-mode': 'import',
};

type Libxml2 = typeof import('libxml2-wasm', { with: { 'resolution-mode': 'import' } });

/** At most this many XSD problems are reported for one document (libxml2 stops at none; we stop listing). */
export const MAX_XSD_PROBLEMS = 100;

const XSD_ROOT = gs1StandardsPath('gs1-epcis/xsd');

/**
 * GS1's query XSD of each version imports its EPCIS XSD (and through it the SBDH and master-data XSDs), so one
 * compiled schema per version declares both EPCISDocument and EPCISQueryDocument.
 */
const SCHEMA_OF_ROOT_NAMESPACE: ReadonlyMap<string, string> = new Map([
  [EPCIS_2_NS, '2.0/EPCglobal-epcis-query-2_0.xsd'],
  [EPCIS_QUERY_2_NS, '2.0/EPCglobal-epcis-query-2_0.xsd'],
  [EPCIS_1_NS, '1.2/EPCglobal-epcis-query-1_2.xsd'],
  [EPCIS_QUERY_1_NS, '1.2/EPCglobal-epcis-query-1_2.xsd'],
]);

interface CompiledSchemas {
  libxml2: Libxml2;
  /** Keyed by the XSD's path below XSD_ROOT; compiled once, kept (never disposed) for the life of the process. */
  validators: ReadonlyMap<string, XsdValidator>;
}

let compiled: Promise<CompiledSchemas> | undefined;

/**
 * Validates an EPCIS XML document against GS1's XSD for its root element's namespace (EPCIS 2.0 or 1.2, document
 * or query document): element order, cardinality and simple types. Malformed XML and an invalid document are
 * refused with a ValidationException listing at most {@link MAX_XSD_PROBLEMS} problems, each located by the XPath
 * of the offending node. A root element in a namespace that no EPCIS XSD declares is left to the caller.
 *
 * libxml2 parses with its default limits (nesting depth 256, size of a text node), no network and no external
 * entities; parsing and validating are linear in the size of the document.
 */
export async function validateAgainstEpcisXsd(xml: string): Promise<void> {
  compiled ??= compileSchemas();
  const { libxml2, validators } = await compiled;
  const { ParseOption, XmlDocument, XmlLibError } = libxml2;
  let document: XmlDocument;
  try {
    // The text is already decoded: libxml2 reads it as UTF-8 whatever the XML declaration says.
    document = XmlDocument.fromString(xml, {
      encoding: 'utf-8',
      option: ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE,
    });
  } catch (error) {
    if (error instanceof XmlLibError) throw xsdException(error.details, 'malformed XML: ');
    throw error;
  }
  try {
    const schema = SCHEMA_OF_ROOT_NAMESPACE.get(document.root.namespaceUri);
    const validator = schema === undefined ? undefined : validators.get(schema);
    validator?.validate(document);
  } catch (error) {
    if (error instanceof XmlLibError) throw xsdException(error.details, '');
    throw error;
  } finally {
    document.dispose();
  }
}

async function compileSchemas(): Promise<CompiledSchemas> {
  const libxml2 = await import('libxml2-wasm');
  // libxml2 (in WebAssembly) has no file system: it reads the XSDs' imports and includes through this provider,
  // which serves the XSD files in the standards folder and nothing else.
  libxml2.xmlRegisterInputProvider(xsdFileProvider());
  const validators = new Map<string, XsdValidator>();
  for (const schema of new Set(SCHEMA_OF_ROOT_NAMESPACE.values())) {
    const file = path.join(XSD_ROOT, schema);
    const schemaDocument = libxml2.XmlDocument.fromBuffer(fs.readFileSync(file), { url: file });
    validators.set(schema, libxml2.XsdValidator.fromDoc(schemaDocument));
  }
  return { libxml2, validators };
}

function xsdFileProvider(): XmlInputProvider {
  const open = new Map<number, { data: Buffer; position: number }>();
  let nextHandle = 1;
  const isXsdFile = (filename: string): boolean =>
    filename.endsWith('.xsd') &&
    path.resolve(filename).startsWith(XSD_ROOT + path.sep) &&
    fs.existsSync(filename);
  return {
    match: isXsdFile,
    open: (filename) => {
      if (!isXsdFile(filename)) return undefined;
      const handle = nextHandle++;
      open.set(handle, { data: fs.readFileSync(filename), position: 0 });
      return handle;
    },
    read: (handle, buffer) => {
      const file = open.get(handle);
      if (!file) return -1;
      const count = file.data.copy(buffer, 0, file.position);
      file.position += count;
      return count;
    },
    close: (handle) => open.delete(handle),
  };
}

function xsdException(details: readonly ErrorDetail[], prefix: string): EpcisException {
  const errors = details.filter((d) => d.level >= 2);
  const problems: EpcisProblem[] = errors.slice(0, MAX_XSD_PROBLEMS).map((d) => ({
    pointer: pointerOf(d.xpath),
    message: `${prefix}${d.message.trim()} (line ${d.line})`,
  }));
  if (errors.length > MAX_XSD_PROBLEMS) {
    problems.push({
      pointer: '/',
      message: `${errors.length - MAX_XSD_PROBLEMS} more XSD problems not listed`,
    });
  }
  if (problems.length === 0) problems.push({ pointer: '/', message: `${prefix}the document is not valid` });
  return new EpcisException('ValidationException', problems);
}

/**
 * libxml2's XPath of a node, written like the reader's pointers: the root element by its local name, children by
 * their qualified names, `[n]` among same-named siblings (libxml2 writes `*` for an element in a default namespace).
 */
function pointerOf(xpath: string | undefined): string {
  if (!xpath) return '/';
  return xpath.replace(/^\/[^/:[]+:/, '/');
}
