import { largestOf, smallestOf } from '@pedigree/temperature';

/** A series to draw, every temperature already in `uom`. */
export interface ChartInput {
  title: string;
  uom: string;
  points: ReadonlyArray<{ time: number; value: number }>;
  band?: { min: number; max: number };
  excursions: ReadonlyArray<{ start: number; end: number }>;
  mkt?: number;
}

const WIDTH = 800;
const HEIGHT = 320;
const MARGIN = { left: 56, right: 16, top: 32, bottom: 40 };

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const fixed = (n: number) => Number(n.toFixed(2));

/** An SVG chart: the readings as a line, the allowed band, the excursions shaded, the MKT written on it. */
export function temperatureChart(input: ChartInput): string {
  const times = input.points.map((p) => p.time);
  const values = input.points.map((p) => p.value);
  const lows = [...values, ...(input.band ? [input.band.min] : [])];
  const highs = [...values, ...(input.band ? [input.band.max] : [])];
  const t0 = times.length ? smallestOf(times) : 0;
  const t1 = times.length ? largestOf(times) : 1;
  let v0 = lows.length ? smallestOf(lows) : 0;
  let v1 = highs.length ? largestOf(highs) : 1;
  const pad = (v1 - v0) * 0.1 || 1;
  v0 -= pad;
  v1 += pad;
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (t: number) => fixed(MARGIN.left + (t1 === t0 ? plotW / 2 : ((t - t0) / (t1 - t0)) * plotW));
  const y = (v: number) => fixed(MARGIN.top + (1 - (v - v0) / (v1 - v0)) * plotH);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(input.title)}</title>`,
    `<rect x="0" y="0" width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
  ];
  if (input.band)
    parts.push(
      `<rect class="band" x="${MARGIN.left}" y="${y(input.band.max)}" width="${plotW}" height="${fixed(y(input.band.min) - y(input.band.max))}" fill="#d9f2d9"/>`,
    );
  for (const e of input.excursions)
    parts.push(
      `<rect class="excursion" x="${x(Math.max(e.start, t0))}" y="${MARGIN.top}" width="${fixed(Math.max(1, x(Math.min(e.end, t1)) - x(Math.max(e.start, t0))))}" height="${plotH}" fill="#f4a6a6" fill-opacity="0.6"/>`,
    );
  if (input.points.length > 0)
    parts.push(
      `<polyline class="readings" fill="none" stroke="#1f4e9c" stroke-width="1.5" points="${input.points.map((p) => `${x(p.time)},${y(p.value)}`).join(' ')}"/>`,
    );
  parts.push(
    `<line x1="${MARGIN.left}" y1="${MARGIN.top + plotH}" x2="${MARGIN.left + plotW}" y2="${MARGIN.top + plotH}" stroke="black"/>`,
    `<line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${MARGIN.top + plotH}" stroke="black"/>`,
    `<text x="${MARGIN.left - 4}" y="${y(v1 - pad)}" text-anchor="end">${fixed(v1 - pad)} ${escapeXml(input.uom)}</text>`,
    `<text x="${MARGIN.left - 4}" y="${y(v0 + pad)}" text-anchor="end">${fixed(v0 + pad)} ${escapeXml(input.uom)}</text>`,
    `<text x="${MARGIN.left}" y="${HEIGHT - 12}">${times.length ? new Date(t0).toISOString() : ''}</text>`,
    `<text x="${MARGIN.left + plotW}" y="${HEIGHT - 12}" text-anchor="end">${times.length ? new Date(t1).toISOString() : ''}</text>`,
    `<text x="${MARGIN.left}" y="20">${escapeXml(input.title)}</text>`,
  );
  if (input.mkt !== undefined)
    parts.push(
      `<text class="mkt" x="${MARGIN.left + plotW}" y="20" text-anchor="end">MKT ${fixed(input.mkt)} ${escapeXml(input.uom)}</text>`,
    );
  parts.push('</svg>');
  return parts.join('\n');
}
