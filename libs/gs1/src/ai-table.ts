import { Gs1Charset } from './charsets';

/**
 * The GS1 Application Identifier table (GS1 General Specifications §3, formats per §3.2 and the GS1 Barcode
 * Syntax Dictionary notation). Each AI value is a sequence of components; only the last may be variable-length
 * or optional.
 */

/** What a component's digits mean beyond their character set. */
export type ComponentRule =
  | 'checkDigit' // GS1 mod-10 check digit is the component's last digit
  | 'date' // YYMMDD
  | 'dateZeroDay' // YYMMDD where DD=00 means the last day of the month
  | 'dateTime' // YYMMDDHHMM
  | 'dateHour' // YYMMDDHH
  | 'minutesSeconds' // MM[SS]
  | 'noZeroPrefix' // digits that must not start with 0 (unless the value is 0 itself)
  | 'pieceOfTotal'; // NNMM: piece NN of total MM, 1 <= NN <= MM

export interface AiComponent {
  charset: Gs1Charset;
  minLength: number;
  maxLength: number;
  optional: boolean;
  rule?: ComponentRule;
}

export interface AiDefinition {
  ai: string;
  /** The GS1 data title, e.g. `GTIN`, `USE BY OR EXPIRY`. */
  title: string;
  components: AiComponent[];
  minLength: number;
  maxLength: number;
  /** Set when the value always has exactly this length. */
  fixedLength?: number;
  /** True when, in a barcode, a following element must be separated by FNC1 (the AI is not of predefined length). */
  fnc1Required: boolean;
  hasCheckDigit: boolean;
  isDate: boolean;
  /** Index in the value where the GS1 Company Prefix starts, for GS1 keys that contain one. */
  gcpOffset?: number;
}

/**
 * AI prefixes (first two digits) of predefined length (GS1 General Specifications Figure 7.8.5-2):
 * these never need an FNC1 separator after them.
 */
const PREDEFINED_LENGTH_PREFIXES = new Set([
  '00',
  '01',
  '02',
  '03',
  '04',
  '11',
  '12',
  '13',
  '14',
  '15',
  '16',
  '17',
  '18',
  '19',
  '20',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '41',
]);

const RULES: Record<string, ComponentRule> = {
  csum: 'checkDigit',
  date: 'date',
  date0: 'dateZeroDay',
  datetime: 'dateTime',
  datehour: 'dateHour',
  mmss: 'minutesSeconds',
  nozero: 'noZeroPrefix',
  piece: 'pieceOfTotal',
};

/** Parses a component list such as `N13,csum [X..17]` (brackets mark an optional component). */
function parseComponents(spec: string): AiComponent[] {
  return spec.split(' ').map((part) => {
    const optional = part.startsWith('[') && part.endsWith(']');
    const body = optional ? part.slice(1, -1) : part;
    const [format, ruleName] = body.split(',');
    const match = /^([NXY])(\d+)?(?:\.\.(\d+))?$/.exec(format);
    if (!match) throw new Error(`Bad AI component spec "${part}"`);
    const [, charset, fixed, max] = match;
    const rule = ruleName === undefined ? undefined : RULES[ruleName];
    if (ruleName !== undefined && rule === undefined) throw new Error(`Bad AI component rule "${ruleName}"`);
    return {
      charset: charset as Gs1Charset,
      minLength: max === undefined ? Number(fixed) : 1,
      maxLength: max === undefined ? Number(fixed) : Number(max),
      optional,
      ...(rule ? { rule } : {}),
    };
  });
}

const DATE_RULES = new Set<ComponentRule>(['date', 'dateZeroDay', 'dateTime', 'dateHour']);

function define(ai: string, title: string, spec: string, gcpOffset?: number): AiDefinition {
  const components = parseComponents(spec);
  const minLength = components.reduce((sum, c) => sum + (c.optional ? 0 : c.minLength), 0);
  const maxLength = components.reduce((sum, c) => sum + c.maxLength, 0);
  return {
    ai,
    title,
    components,
    minLength,
    maxLength,
    ...(minLength === maxLength ? { fixedLength: maxLength } : {}),
    fnc1Required: !PREDEFINED_LENGTH_PREFIXES.has(ai.slice(0, 2)),
    hasCheckDigit: components.some((c) => c.rule === 'checkDigit'),
    isDate: components.some((c) => c.rule !== undefined && DATE_RULES.has(c.rule)),
    ...(gcpOffset === undefined ? {} : { gcpOffset }),
  };
}

const FIXED_DEFINITIONS: AiDefinition[] = [
  define('00', 'SSCC', 'N18,csum', 1),
  define('01', 'GTIN', 'N14,csum', 1),
  define('02', 'CONTENT', 'N14,csum', 1),
  define('03', 'MTO GTIN', 'N14,csum', 1),
  define('10', 'BATCH/LOT', 'X..20'),
  define('11', 'PROD DATE', 'N6,date0'),
  define('12', 'DUE DATE', 'N6,date0'),
  define('13', 'PACK DATE', 'N6,date0'),
  define('15', 'BEST BEFORE or BEST BY', 'N6,date0'),
  define('16', 'SELL BY', 'N6,date0'),
  define('17', 'USE BY OR EXPIRY', 'N6,date0'),
  define('20', 'VARIANT', 'N2'),
  define('21', 'SERIAL', 'X..20'),
  define('22', 'CPV', 'X..20'),
  define('235', 'TPX', 'X..28'),
  define('240', 'ADDITIONAL ID', 'X..30'),
  define('241', 'CUST. PART No.', 'X..30'),
  define('242', 'MTO VARIANT', 'N..6'),
  define('243', 'PCN', 'X..20'),
  define('250', 'SECONDARY SERIAL', 'X..30'),
  define('251', 'REF. TO SOURCE', 'X..30'),
  define('253', 'GDTI', 'N13,csum [X..17]', 0),
  define('254', 'GLN EXTENSION COMPONENT', 'X..20'),
  define('255', 'GCN', 'N13,csum [N..12]', 0),
  define('30', 'VAR. COUNT', 'N..8'),
  define('37', 'COUNT', 'N..8'),
  define('400', 'ORDER NUMBER', 'X..30'),
  define('401', 'GINC', 'X..30', 0),
  define('402', 'GSIN', 'N17,csum', 0),
  define('403', 'ROUTE', 'X..30'),
  define('410', 'SHIP TO LOC', 'N13,csum', 0),
  define('411', 'BILL TO', 'N13,csum', 0),
  define('412', 'PURCHASE FROM', 'N13,csum', 0),
  define('413', 'SHIP FOR LOC', 'N13,csum', 0),
  define('414', 'LOC No.', 'N13,csum', 0),
  define('415', 'PAY TO', 'N13,csum', 0),
  define('416', 'PROD/SERV LOC', 'N13,csum', 0),
  define('417', 'PARTY', 'N13,csum', 0),
  define('420', 'SHIP TO POST', 'X..20'),
  define('421', 'SHIP TO POST', 'N3 X..9'),
  define('422', 'ORIGIN', 'N3'),
  define('423', 'COUNTRY - INITIAL PROCESS', 'N3 [N..12]'),
  define('424', 'COUNTRY - PROCESS', 'N3'),
  define('425', 'COUNTRY - DISASSEMBLY', 'N3 [N..12]'),
  define('426', 'COUNTRY - FULL PROCESS', 'N3'),
  define('427', 'ORIGIN SUBDIVISION', 'X..3'),
  define('7001', 'NSN', 'N13'),
  define('7002', 'MEAT CUT', 'X..30'),
  define('7003', 'EXPIRY TIME', 'N10,datetime'),
  define('7040', 'UIC+EXT', 'N1 X1 X1 X1'),
  define('7004', 'ACTIVE POTENCY', 'N..4'),
  define('7005', 'CATCH AREA', 'X..12'),
  define('7006', 'FIRST FREEZE DATE', 'N6,date'),
  define('7007', 'HARVEST DATE', 'N6,date [N6,date]'),
  define('7008', 'AQUATIC SPECIES', 'X..3'),
  define('7009', 'FISHING GEAR TYPE', 'X..10'),
  define('7010', 'PROD METHOD', 'X..2'),
  define('7020', 'REFURB LOT', 'X..20'),
  define('7021', 'FUNC STAT', 'X..20'),
  define('7022', 'REV STAT', 'X..20'),
  define('7023', 'GIAI - ASSEMBLY', 'X..30'),
  define('710', 'NHRN PZN', 'X..20'),
  define('711', 'NHRN CIP', 'X..20'),
  define('712', 'NHRN CN', 'X..20'),
  define('713', 'NHRN DRN', 'X..20'),
  define('714', 'NHRN AIM', 'X..20'),
  define('715', 'NHRN NDC', 'X..20'),
  define('716', 'NHRN AIC', 'X..20'),
  define('8001', 'DIMENSIONS', 'N14'),
  define('8002', 'CMT No.', 'X..20'),
  define('8003', 'GRAI', 'N14,csum [X..16]', 1),
  define('8004', 'GIAI', 'X..30', 0),
  define('8005', 'PRICE PER UNIT', 'N6'),
  define('8006', 'ITIP', 'N14,csum N4,piece', 1),
  define('8007', 'IBAN', 'X..34'),
  define('8008', 'PROD TIME', 'N8,datehour [N..4,mmss]'),
  define('8009', 'OPTSEN', 'X..50'),
  define('8010', 'CPID', 'Y..30', 0),
  define('8011', 'CPID SERIAL', 'N..12,nozero'),
  define('8012', 'VERSION', 'X..20'),
  define('8013', 'GMN', 'X..25', 0),
  define('8017', 'GSRN - PROVIDER', 'N18,csum', 0),
  define('8018', 'GSRN - RECIPIENT', 'N18,csum', 0),
  define('8019', 'SRIN', 'N..10'),
  define('8020', 'REF No.', 'X..25'),
  define('8026', 'ITIP CONTENT', 'N14,csum N4,piece', 1),
  define('90', 'INTERNAL', 'X..30'),
];

/** Titles of the measure AIs 310n-369n (n = 0-5 implied decimal places) by their first three digits. */
const MEASURE_TITLES: Record<string, string> = {
  '310': 'NET WEIGHT (kg)',
  '311': 'LENGTH (m)',
  '312': 'WIDTH (m)',
  '313': 'HEIGHT (m)',
  '314': 'AREA (m2)',
  '315': 'NET VOLUME (l)',
  '316': 'NET VOLUME (m3)',
  '320': 'NET WEIGHT (lb)',
  '321': 'LENGTH (in)',
  '322': 'LENGTH (ft)',
  '323': 'LENGTH (yd)',
  '324': 'WIDTH (in)',
  '325': 'WIDTH (ft)',
  '326': 'WIDTH (yd)',
  '327': 'HEIGHT (in)',
  '328': 'HEIGHT (ft)',
  '329': 'HEIGHT (yd)',
  '330': 'GROSS WEIGHT (kg)',
  '331': 'LENGTH (m), log',
  '332': 'WIDTH (m), log',
  '333': 'HEIGHT (m), log',
  '334': 'AREA (m2), log',
  '335': 'VOLUME (l), log',
  '336': 'VOLUME (m3), log',
  '337': 'KG PER m2',
  '340': 'GROSS WEIGHT (lb)',
  '341': 'LENGTH (in), log',
  '342': 'LENGTH (ft), log',
  '343': 'LENGTH (yd), log',
  '344': 'WIDTH (in), log',
  '345': 'WIDTH (ft), log',
  '346': 'WIDTH (yd), log',
  '347': 'HEIGHT (in), log',
  '348': 'HEIGHT (ft), log',
  '349': 'HEIGHT (yd), log',
  '350': 'AREA (in2)',
  '351': 'AREA (ft2)',
  '352': 'AREA (yd2)',
  '353': 'AREA (in2), log',
  '354': 'AREA (ft2), log',
  '355': 'AREA (yd2), log',
  '356': 'NET WEIGHT (troy oz)',
  '357': 'NET VOLUME (oz)',
  '360': 'NET VOLUME (qt)',
  '361': 'NET VOLUME (gal.)',
  '362': 'VOLUME (qt), log',
  '363': 'VOLUME (gal.), log',
  '364': 'VOLUME (in3)',
  '365': 'VOLUME (ft3)',
  '366': 'VOLUME (yd3)',
  '367': 'VOLUME (in3), log',
  '368': 'VOLUME (ft3), log',
  '369': 'VOLUME (yd3), log',
};

/** Amount and price AIs 390n-395n: title, format, highest n (implied decimal places). */
const AMOUNT_SPECS: Record<string, [string, string, number]> = {
  '390': ['AMOUNT', 'N..15', 9],
  '391': ['AMOUNT', 'N3 N..15', 9],
  '392': ['PRICE', 'N..15', 9],
  '393': ['PRICE', 'N3 N..15', 9],
  '394': ['PRCNT OFF', 'N4', 3],
  '395': ['PRICE/UoM', 'N6', 5],
};

function buildTable(): Map<string, AiDefinition> {
  const table = new Map<string, AiDefinition>();
  for (const definition of FIXED_DEFINITIONS) table.set(definition.ai, definition);
  for (const [prefix, title] of Object.entries(MEASURE_TITLES)) {
    for (let decimals = 0; decimals <= 5; decimals++)
      table.set(`${prefix}${decimals}`, define(`${prefix}${decimals}`, title, 'N6'));
  }
  for (const [prefix, [title, spec, maxDecimals]] of Object.entries(AMOUNT_SPECS)) {
    for (let decimals = 0; decimals <= maxDecimals; decimals++) {
      table.set(`${prefix}${decimals}`, define(`${prefix}${decimals}`, title, spec));
    }
  }
  for (let company = 91; company <= 99; company++)
    table.set(String(company), define(String(company), 'INTERNAL', 'X..90'));
  return table;
}

const AI_TABLE = buildTable();

/** The definition of an AI, or undefined when the AI is not in the table. */
export function lookupAi(ai: string): AiDefinition | undefined {
  return AI_TABLE.get(ai);
}

/** Every AI in the table. */
export function allAiDefinitions(): AiDefinition[] {
  return [...AI_TABLE.values()];
}

/**
 * The known AI at the start of `text` (AIs are prefix-free, so at most one of the 2-, 3- and 4-digit
 * prefixes is an AI), or undefined.
 */
export function aiAtStartOf(text: string): AiDefinition | undefined {
  for (const length of [2, 3, 4]) {
    const candidate = lookupAi(text.slice(0, length));
    if (candidate && /^[0-9]+$/.test(candidate.ai)) return candidate;
  }
  return undefined;
}

/** For measure AIs (31nn-36nn, 39nn): the number of implied decimal places (last AI digit). */
export function impliedDecimals(ai: string): number | undefined {
  return /^3[1-69][0-9]{2}$/.test(ai) ? Number(ai[3]) : undefined;
}
