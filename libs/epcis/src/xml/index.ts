export { detectEpcisFormat } from './detect';
export { parseEpcisXml } from './parse';
export { toEpcisXml } from './write';
