// Figure 4 (src/output/figure4.ts): the figure's three setups in its own style, any other setups in distinct colours
// and dashes with one legend entry each.
import { describe, expect, it } from 'vitest';
import { renderVegaLite } from '../../src/output/plot.js';
import { figure4Spec, type ApyRow } from '../../src/output/figure4.js';

function rows(setups: string[]): ApyRow[] {
  const out: ApyRow[] = [];
  setups.forEach((s, k) => {
    for (let m = 1; m < 96; m++) out.push({ setup: s, month: m, apy: m < 12 ? 0.12 : 0.12 * Math.exp(-(m - 12) / (30 + 10 * k)) });
  });
  return out;
}

/** Text of every <text> element of an SVG. */
function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1].replace(/&amp;/g, '&'));
}

/** The stroke colour of each drawn line mark, by its series. */
function lineStrokes(svg: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of svg.matchAll(/<path aria-label="[^"]*series: ([^"]*)" [^>]*aria-roledescription="line mark"[^>]*stroke="(#[0-9a-fA-F]+)"/g)) out.set(m[1], m[2]);
  return out;
}

describe('figure4Spec', () => {
  it('draws the three setups of the figure dotted / dashed / solid in black, with the cap', async () => {
    const spec = figure4Spec(rows(['no-smoothing', 'smoothing', 'smoothing-fees']), { cap: 0.12 });
    expect(JSON.stringify(spec)).toContain('"range":[[1.5,2.5],[6,4],[]]');
    const { svg } = await renderVegaLite(spec);
    const texts = svgTexts(svg);
    for (const label of ['No emission smoothing', 'Emission smoothing', 'Emission smoothing + fees', 'APY cap 12%', 'Month', '12%']) {
      expect(texts).toContain(label);
    }
  });

  it('draws five free-named setups as five lines of distinct colours, each named once in the legend', async () => {
    const names = ['fee-0pct', 'fee-1pct', 'fee-2pct', 'fee-3pct', 'fee-5pct'];
    const spec = figure4Spec(rows(names), { cap: 0.12 });
    const { svg } = await renderVegaLite(spec);
    const texts = svgTexts(svg);
    for (const n of names) expect(texts.filter((t) => t === n)).toHaveLength(1);
    const s = JSON.stringify(spec);
    const colours = /"color":\{"field":"series","type":"nominal","scale":\{"domain":\[[^\]]*\],"range":(\[[^\]]*\])/.exec(s);
    expect(colours).not.toBeNull();
    expect(new Set(JSON.parse(colours![1]) as string[]).size).toBe(5);
    const strokes = lineStrokes(svg);
    expect([...strokes.keys()].sort()).toEqual(names);
    expect(new Set(strokes.values()).size).toBe(5);
  });

  it('accepts APY in percent and custom labels', async () => {
    const r = rows(['a', 'b']).map((x) => ({ ...x, apy: x.apy * 100 }));
    const { svg } = await renderVegaLite(figure4Spec(r, { apyUnit: 'percent', cap: 12, labels: { a: 'Setup A' } }));
    const texts = svgTexts(svg);
    expect(texts).toContain('APY cap 12%');
    expect(texts).toContain('Setup A');
    expect(texts).toContain('b');
  });

  it('gives a clear error for empty rows', () => {
    expect(() => figure4Spec([])).toThrow(/figure4Spec: no APY rows to plot/);
  });
});
