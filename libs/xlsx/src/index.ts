export { xlsxStream, XLSX_MAX_ROWS, XLSX_CONTENT_TYPE, type XlsxColumn, type XlsxCell } from './xlsx-writer';
export { zipStream, type ZipEntry } from './zip-stream';
