import { zipStream, type ZipEntry } from './zip-stream';

/** A cell value; `null`/`undefined` leave the cell empty, an array is written as its items joined by spaces. */
export type XlsxCell = string | number | boolean | Date | readonly string[] | null | undefined;

/**
 * A column: its header and how its cells are typed. `number` cells are numbers; `date` and `datetime` cells are
 * Excel date serials (UTC: a spreadsheet has no time zones) shown as `yyyy-mm-dd` or `yyyy-mm-dd hh:mm:ss`, from a
 * `Date` or an ISO 8601 text; `text` (the default) cells are strings — never formulas, so a leading `=` is harmless.
 */
export interface XlsxColumn {
  header: string;
  type?: 'text' | 'number' | 'date' | 'datetime';
  /** Width in characters (default from the header, at least 10). */
  width?: number;
}

/** Rows of one worksheet, the header row included (Excel's limit). */
export const XLSX_MAX_ROWS = 1_048_576;
export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const RELATIONSHIPS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PACKAGE_RELATIONSHIPS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
/** A cell holds at most this many characters (Excel's limit). */
const MAX_TEXT = 32_767;
/** Sheet XML is handed to the compressor in pieces of about this many characters. */
const PIECE = 64 * 1024;
/** Excel's day 0 (1899-12-30, so that serials agree with Excel's 1900 date system from March 1900 on). */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const DAY_MS = 86_400_000;

/** Style indexes into `cellXfs` of styles.xml. */
const STYLE = { header: 1, date: 2, datetime: 3 } as const;

const STYLES = `${XML_DECLARATION}<styleSheet xmlns="${MAIN}">\
<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>\
<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>\
<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>\
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>\
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`;

const CONTENT_TYPES = `${XML_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
</Types>`;

const ROOT_RELS = `${XML_DECLARATION}<Relationships xmlns="${PACKAGE_RELATIONSHIPS}">\
<Relationship Id="rId1" Type="${RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/></Relationships>`;

const WORKBOOK_RELS = `${XML_DECLARATION}<Relationships xmlns="${PACKAGE_RELATIONSHIPS}">\
<Relationship Id="rId1" Type="${RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>\
<Relationship Id="rId2" Type="${RELATIONSHIPS}/styles" Target="styles.xml"/></Relationships>`;

/** Whether UTF-16 unit `code` may stand alone in XML 1.0 (tab, LF, CR, U+0020–U+D7FF, U+E000–U+FFFD). */
function isXmlUnit(code: number): boolean {
  return code >= 0x20
    ? code < 0xd800 || (code >= 0xe000 && code <= 0xfffd)
    : code === 9 || code === 10 || code === 13;
}

/** `text` with every character XML 1.0 cannot hold (C0 controls, lone surrogates, U+FFFE/FFFF) as U+FFFD. */
function xmlChars(text: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (isXmlUnit(code)) continue;
    const next = text.charCodeAt(i + 1);
    if (code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      i += 1;
      continue;
    }
    out += `${text.slice(from, i)}\uFFFD`;
    from = i + 1;
  }
  return from === 0 ? text : out + text.slice(from);
}

function escapeXml(text: string): string {
  return xmlChars(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\r/g, '&#13;');
}

/** A1-style column letters of the 0-based column `index`. */
export function columnName(index: number): string {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26))
    name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

function textCell(ref: string, text: string, style = 0): string {
  const clipped = text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text;
  return `<c r="${ref}" t="inlineStr"${style ? ` s="${style}"` : ''}><is><t xml:space="preserve">${escapeXml(clipped)}</t></is></c>`;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** The instant a date or date-time cell stands for, or undefined when `value` is not one. */
function instantOf(value: XlsxCell, type: 'date' | 'datetime'): number | undefined {
  if (value instanceof Date) return value.getTime();
  if (typeof value !== 'string') return undefined;
  if (type === 'date' && !DATE_ONLY.test(value)) return undefined;
  const ms = Date.parse(DATE_ONLY.test(value) ? `${value}T00:00:00Z` : value);
  return Number.isNaN(ms) ? undefined : ms;
}

function cell(ref: string, value: XlsxCell, column: XlsxColumn): string {
  if (value === null || value === undefined) return '';
  if (column.type === 'date' || column.type === 'datetime') {
    const ms = instantOf(value, column.type);
    if (ms !== undefined)
      return `<c r="${ref}" s="${STYLE[column.type]}"><v>${(ms - EXCEL_EPOCH_MS) / DAY_MS}</v></c>`;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return `<c r="${ref}"><v>${value}</v></c>`;
  if (typeof value === 'boolean') return `<c r="${ref}" t="b"><v>${value ? 1 : 0}</v></c>`;
  if (value instanceof Date) return textCell(ref, value.toISOString());
  return textCell(ref, Array.isArray(value) ? value.join(' ') : String(value));
}

function sheetName(raw: string): string {
  const name = raw
    .replace(/[[\]:*?/\\]/g, '_')
    .replace(/^'+|'+$/g, '')
    .slice(0, 31);
  return name === '' ? 'Sheet1' : name;
}

/**
 * One worksheet as an .xlsx workbook (ECMA-376 SpreadsheetML: a header row in bold, frozen, with an autofilter over
 * the data; typed cells; inline strings), written as a stream of ZIP bytes: rows are pulled from `rows` as the reader
 * takes the bytes, so a large sheet is never held whole. More than `XLSX_MAX_ROWS - 1` rows fail the stream.
 */
export function xlsxStream(
  columns: readonly XlsxColumn[],
  rows: AsyncIterable<readonly XlsxCell[]>,
  name = 'Sheet1',
  modified = new Date(),
): AsyncGenerator<Buffer> {
  if (columns.length === 0 || columns.length > 16_384)
    throw new RangeError('a sheet has 1 to 16,384 columns');
  const title = sheetName(name);
  const letters = columns.map((_, i) => columnName(i));
  const last = letters.at(-1)!;
  let rowCount = 1;

  async function* sheet(): AsyncGenerator<Buffer> {
    const cols = columns
      .map((c, i) => {
        const width = c.width ?? Math.max(10, c.header.length + 4);
        return `<col min="${i + 1}" max="${i + 1}" width="${width}" customWidth="1"/>`;
      })
      .join('');
    const header = columns.map((c, i) => textCell(`${letters[i]}1`, c.header, STYLE.header)).join('');
    let piece =
      `${XML_DECLARATION}<worksheet xmlns="${MAIN}" xmlns:r="${RELATIONSHIPS}">` +
      '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>' +
      '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>' +
      `<sheetFormatPr defaultRowHeight="15"/><cols>${cols}</cols><sheetData><row r="1">${header}</row>`;
    for await (const row of rows) {
      rowCount += 1;
      if (rowCount > XLSX_MAX_ROWS)
        throw new RangeError(`a worksheet holds at most ${XLSX_MAX_ROWS - 1} rows below its header`);
      piece += `<row r="${rowCount}">`;
      for (let i = 0; i < columns.length; i++) piece += cell(`${letters[i]}${rowCount}`, row[i], columns[i]!);
      piece += '</row>';
      if (piece.length >= PIECE) {
        yield Buffer.from(piece, 'utf8');
        piece = '';
      }
    }
    yield Buffer.from(`${piece}</sheetData><autoFilter ref="A1:${last}${rowCount}"/></worksheet>`, 'utf8');
  }

  async function* entries(): AsyncGenerator<ZipEntry> {
    yield { name: '[Content_Types].xml', data: CONTENT_TYPES };
    yield { name: '_rels/.rels', data: ROOT_RELS };
    yield { name: 'xl/_rels/workbook.xml.rels', data: WORKBOOK_RELS };
    yield { name: 'xl/styles.xml', data: STYLES };
    yield { name: 'xl/worksheets/sheet1.xml', data: sheet() };
    // Pulled after the sheet was written whole: the filter's range needs its row count.
    const quoted = `'${title.replace(/'/g, "''")}'`;
    yield {
      name: 'xl/workbook.xml',
      data:
        `${XML_DECLARATION}<workbook xmlns="${MAIN}" xmlns:r="${RELATIONSHIPS}">` +
        `<sheets><sheet name="${escapeXml(title)}" sheetId="1" r:id="rId1"/></sheets>` +
        `<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">` +
        `${escapeXml(quoted)}!$A$1:$${last}$${rowCount}</definedName></definedNames></workbook>`,
    };
  }

  return zipStream(entries(), modified);
}
