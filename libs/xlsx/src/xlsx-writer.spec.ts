import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { columnName, xlsxStream, type XlsxCell, type XlsxColumn } from './xlsx-writer';

// Every file is read back by ExcelJS, a reader written independently of this writer (a devDependency only).

async function bytes(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function read(file: Buffer): Promise<ExcelJS.Worksheet> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(file as unknown as ArrayBuffer);
  expect(workbook.worksheets).toHaveLength(1);
  return workbook.worksheets[0]!;
}

async function* from(rows: ReadonlyArray<readonly XlsxCell[]>) {
  yield* rows;
}

const COLUMNS: XlsxColumn[] = [
  { header: 'epc' },
  { header: 'quantity', type: 'number' },
  { header: 'expiry', type: 'date' },
  { header: 'eventTime', type: 'datetime' },
  { header: 'ok' },
];

describe('xlsxStream', () => {
  it('writes a header row, typed cells, an autofilter and a frozen header that another reader sees', async () => {
    const rows: XlsxCell[][] = [
      ['urn:epc:id:sgtin:0614141.107346.1', 12, '2028-12-31', '2026-03-04T05:06:07.089Z', true],
      [
        '=HYPERLINK("x")',
        0.5,
        new Date(Date.UTC(2027, 0, 2)),
        new Date(Date.UTC(1999, 11, 31, 23, 59, 59)),
        false,
      ],
      [null, undefined, 'not a date', 'neither', ['a', 'b']],
    ];
    const sheet = await read(await bytes(xlsxStream(COLUMNS, from(rows), 'scope: lot/1')));
    expect(sheet.name).toBe('scope_ lot_1');
    expect(sheet.rowCount).toBe(4);
    expect(sheet.getRow(1).values).toEqual([undefined, 'epc', 'quantity', 'expiry', 'eventTime', 'ok']);
    expect(sheet.getRow(1).font?.bold ?? sheet.getCell('A1').font?.bold).toBe(true);
    expect(sheet.getCell('A2').value).toBe('urn:epc:id:sgtin:0614141.107346.1');
    expect(sheet.getCell('B2').value).toBe(12);
    expect(sheet.getCell('C2').value).toEqual(new Date(Date.UTC(2028, 11, 31)));
    expect(sheet.getCell('C2').numFmt).toBe('yyyy-mm-dd');
    expect(sheet.getCell('D2').value).toEqual(new Date('2026-03-04T05:06:07.089Z'));
    expect(sheet.getCell('D2').numFmt).toBe('yyyy-mm-dd hh:mm:ss');
    expect(sheet.getCell('E2').value).toBe(true);
    // A text that looks like a formula stays text.
    expect(sheet.getCell('A3').value).toBe('=HYPERLINK("x")');
    expect(sheet.getCell('A3').type).toBe(ExcelJS.ValueType.String);
    expect(sheet.getCell('B3').value).toBe(0.5);
    expect(sheet.getCell('C3').value).toEqual(new Date(Date.UTC(2027, 0, 2)));
    expect(sheet.getCell('D3').value).toEqual(new Date(Date.UTC(1999, 11, 31, 23, 59, 59)));
    expect(sheet.getCell('E3').value).toBe(false);
    // Empty cells stay empty; what is not a date in a date column is kept as text.
    expect(sheet.getCell('A4').value).toBeNull();
    expect(sheet.getCell('B4').value).toBeNull();
    expect(sheet.getCell('C4').value).toBe('not a date');
    expect(sheet.getCell('D4').value).toBe('neither');
    expect(sheet.getCell('E4').value).toBe('a b');
    expect(sheet.autoFilter).toBe('A1:E4');
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1, topLeftCell: 'A2' });
  });

  it('streams many rows through several pieces and ZIP chunks, all of them read back in order', async () => {
    const count = 30_000;
    async function* many() {
      for (let i = 0; i < count; i++)
        yield [
          `urn:epc:id:sgtin:0614141.107346.${i}`,
          i,
          '2028-01-01',
          new Date(Date.UTC(2026, 0, 1) + i * 1000),
          i % 2 === 0,
        ];
    }
    const chunks: Buffer[] = [];
    for await (const chunk of xlsxStream(COLUMNS, many())) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(10);
    const sheet = await read(Buffer.concat(chunks));
    expect(sheet.rowCount).toBe(count + 1);
    for (const i of [0, 1, 4_095, 16_384, count - 1]) {
      const row = sheet.getRow(i + 2);
      expect(row.getCell(1).value).toBe(`urn:epc:id:sgtin:0614141.107346.${i}`);
      expect(row.getCell(2).value).toBe(i);
      expect(row.getCell(4).value).toEqual(new Date(Date.UTC(2026, 0, 1) + i * 1000));
    }
    expect(sheet.autoFilter).toBe(`A1:E${count + 1}`);
  });

  it('keeps any text a cell may hold (XML escapes; characters XML cannot hold become U+FFFD)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.string({
            unit: fc.oneof(
              fc.constantFrom('\uD800', '\uDFFF', '\uFFFE', '\r', '\t', '&', '<'),
              fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
            ),
            maxLength: 40,
          }),
          { minLength: 1, maxLength: 5 },
        ),
        async (texts) => {
          const file = await bytes(xlsxStream([{ header: 'text' }], from(texts.map((t) => [t]))));
          const sheet = await read(file);
          texts.forEach((text, i) => {
            // XML 1.0's Char production, by code point: a lone surrogate is a code point of its own here.
            const allowed = (c: number) =>
              c === 9 ||
              c === 10 ||
              c === 13 ||
              (c >= 0x20 && c <= 0xd7ff) ||
              (c >= 0xe000 && c <= 0xfffd) ||
              c >= 0x10000;
            const expected = [...text].map((ch) => (allowed(ch.codePointAt(0)!) ? ch : '\uFFFD')).join('');
            const value = sheet.getCell(`A${i + 2}`).value;
            // ExcelJS reads an empty inline string as no value.
            expect(value ?? '').toBe(expected);
          });
        },
      ),
      { numRuns: 40 },
    );
  });

  it('fails the stream when a row source fails, and refuses a sheet without columns', async () => {
    async function* failing() {
      yield ['one'];
      throw new Error('the database went away');
    }
    await expect(bytes(xlsxStream([{ header: 'a' }], failing()))).rejects.toThrow('the database went away');
    expect(() => xlsxStream([], from([]))).toThrow(RangeError);
  });

  it('pulls rows only as the bytes are read', async () => {
    let pulled = 0;
    async function* counting() {
      for (let i = 0; i < 100_000; i++) {
        pulled += 1;
        yield [`row ${i} ${'x'.repeat(50)}`, i];
      }
    }
    const stream = Readable.from(xlsxStream([{ header: 'a' }, { header: 'b', type: 'number' }], counting()));
    await new Promise((resolve) => stream.once('readable', resolve));
    // After the first bytes, only a small part of the rows has been pulled: the rest waits for the reader.
    expect(pulled).toBeLessThan(100_000);
    stream.destroy();
  });

  it('names columns as Excel does', () => {
    expect([0, 25, 26, 51, 52, 701, 702, 16_383].map(columnName)).toEqual([
      'A',
      'Z',
      'AA',
      'AZ',
      'BA',
      'ZZ',
      'AAA',
      'XFD',
    ]);
  });
});
