// The dashboard: capacity, savings and throughput at a glance, refreshed every few seconds.
import { get } from './api.js';
import { lineChart } from './chart.js';
import { h, clear } from './dom.js';
import { bytes, percent, rate, ratio } from './format.js';

let range = 'hour';

function tile(label: string, value: string, testId: string, note?: string): HTMLElement {
  return h('div', { class: 'tile' }, h('div', { class: 'tile-label' }, label),
    h('div', { class: 'tile-value', 'data-testid': testId }, value), note ? h('div', { class: 'tile-note' }, note) : null);
}

export async function dashboard(main: HTMLElement): Promise<void> {
  const [stats, groups, chart, alerts] = await Promise.all([
    get('/stats'), get('/storage-groups'), get('/charts?range=' + range), get('/alerts?state=active')]);
  const t = stats.total;
  const quota = groups.reduce((sum: number, g: { quotaBytes: number }) => sum + g.quotaBytes, 0);
  const unlimited = groups.some((g: { quotaBytes: number }) => g.quotaBytes === 0);
  const disk = t.storedBytes + stats.freeBytes;
  const usedPct = disk > 0 ? (100 * t.storedBytes) / disk : 0;

  const bar = h('div', { class: 'bar', title: percent(usedPct) + ' of the data file system used by Cistern' });
  bar.append(h('div', { class: 'bar-fill', 'data-pct': Math.round(usedPct) }));
  (bar.firstChild as HTMLElement).style.width = Math.max(0.5, usedPct) + '%';

  const ranges = h('div', { class: 'ranges' }, ...['hour', 'day', 'week'].map(r =>
    h('button', { class: r === range ? 'on' : '', type: 'button', onclick: () => { range = r; void dashboard(main); } }, 'last ' + r)));

  const v = chart.values;
  const content = h('div', { class: 'dashboard' },
    alerts.length > 0
      ? h('a', { class: 'banner', href: '#/alerts', 'data-testid': 'alert-banner' }, `${alerts.length} active alert(s): ${alerts[0].message}`)
      : null,
    h('section', { class: 'tiles' },
      tile('Used', bytes(t.storedBytes), 'used', 'stored on disk'),
      tile('Free', bytes(stats.freeBytes), 'free', 'on the data file system'),
      tile('Quota', unlimited ? 'unlimited' : bytes(quota), 'quota', `${groups.length} storage group(s)`),
      tile('Logical', bytes(t.logicalBytes), 'logical', 'as clients see it'),
      tile('Stored', bytes(t.storedBytes), 'stored', 'after dedup and compression'),
      tile('Savings', percent(t.savingsPercent), 'savings', `dedup ${ratio(t.dedupRatio)} · compression ${ratio(t.compressionRatio)}`)),
    h('section', { class: 'card' }, h('h2', {}, 'Capacity'), bar,
      h('p', { class: 'muted' }, `${bytes(t.storedBytes)} used of ${bytes(disk)} (${percent(usedPct)})`)),
    h('section', { class: 'card' }, h('div', { class: 'card-head' }, h('h2', {}, 'Throughput'), ranges),
      lineChart(chart.timestamps, [
        { name: 'write', values: v.writeBytesPerSecond, cssClass: 'write' },
        { name: 'read', values: v.readBytesPerSecond, cssClass: 'read' }], rate, 'chart-throughput'),
      h('p', { class: 'legend' }, h('span', { class: 'key write' }, 'write'), h('span', { class: 'key read' }, 'read'))),
    h('section', { class: 'card' }, h('h2', {}, 'Logical vs stored'),
      lineChart(chart.timestamps, [
        { name: 'logical', values: v.logicalBytes, cssClass: 'logical' },
        { name: 'stored', values: v.storedBytes, cssClass: 'stored' }], bytes, 'chart-space'),
      h('p', { class: 'legend' }, h('span', { class: 'key logical' }, 'logical'), h('span', { class: 'key stored' }, 'stored'))));
  clear(main);
  main.append(content);
}
