import { ProblemException } from '@pedigree/service-runtime';
import { XLSX_MAX_ROWS } from '@pedigree/xlsx';
import { checkXlsxRows, format } from './http-helpers';

describe('export helpers', () => {
  it('offers json, csv and xlsx and refuses any other format with 400', () => {
    expect([undefined, 'json', 'csv', 'xlsx'].map(format)).toEqual(['json', 'json', 'csv', 'xlsx']);
    for (const bad of ['xls', 'XLSX', '', ['csv']]) {
      expect(() => format(bad)).toThrow(ProblemException);
      try {
        format(bad);
      } catch (error) {
        expect((error as ProblemException).getStatus()).toBe(400);
      }
    }
  });

  it('answers 422 for an xlsx with more rows than a worksheet holds, never for csv', () => {
    expect(() => checkXlsxRows('xlsx', XLSX_MAX_ROWS - 1)).not.toThrow();
    expect(() => checkXlsxRows('csv', XLSX_MAX_ROWS * 2)).not.toThrow();
    try {
      checkXlsxRows('xlsx', XLSX_MAX_ROWS);
      throw new Error('no problem raised');
    } catch (error) {
      expect(error).toBeInstanceOf(ProblemException);
      expect((error as ProblemException).getStatus()).toBe(422);
    }
  });
});
