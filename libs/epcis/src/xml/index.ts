export { detectEpcisFormat } from './detect';
export { parseEpcisXml } from './parse';
export { toEpcisXml, type EpcisXmlOptions } from './write';
