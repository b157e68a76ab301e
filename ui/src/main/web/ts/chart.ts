// A line chart drawn as SVG: a few series over shared timestamps, gaps where values are null. Hand-written so
// the UI has no chart library to pin, audit or load.
const NS = 'http://www.w3.org/2000/svg';

export interface Line {
  name: string;
  values: (number | null)[];
  cssClass: string;
}

function svg(tag: string, attrs: Record<string, string | number>): SVGElement {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

/** Chart of {@code lines} over {@code timestamps} (epoch seconds); {@code label} formats the y axis. */
export function lineChart(timestamps: number[], lines: Line[], label: (v: number) => string, testId: string): SVGElement {
  const W = 640, H = 200, L = 70, R = 10, T = 10, B = 24;
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'data-testid': testId });
  let max = 0;
  for (const l of lines) for (const v of l.values) if (v !== null && v > max) max = v;
  const top = max > 0 ? max * 1.1 : 1;
  const n = timestamps.length;
  const x = (i: number) => L + (n <= 1 ? 0 : (i * (W - L - R)) / (n - 1));
  const y = (v: number) => T + (H - T - B) * (1 - v / top);

  for (const f of [0, 0.5, 1]) {
    root.append(svg('line', { x1: L, x2: W - R, y1: y(top * f), y2: y(top * f), class: 'grid' }));
    const t = svg('text', { x: L - 6, y: y(top * f) + 4, 'text-anchor': 'end', class: 'axis' });
    t.textContent = label(top * f);
    root.append(t);
  }
  if (n > 0) {
    for (const [i, anchor] of [[0, 'start'], [n - 1, 'end']] as [number, string][]) {
      const t = svg('text', { x: x(i), y: H - 6, 'text-anchor': anchor, class: 'axis' });
      t.textContent = new Date(timestamps[i] * 1000).toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
      root.append(t);
    }
  }
  for (const l of lines) {
    let d = '';
    let pen = false;
    l.values.forEach((v, i) => {
      if (v === null) {
        pen = false;
        return;
      }
      d += (pen ? 'L' : 'M') + x(i).toFixed(1) + ' ' + y(v).toFixed(1) + ' ';
      pen = true;
    });
    const path = svg('path', { d: d.trim(), class: 'line ' + l.cssClass, 'data-series': l.name });
    const title = svg('title', {});
    title.textContent = l.name;
    path.append(title);
    root.append(path);
  }
  return root;
}
