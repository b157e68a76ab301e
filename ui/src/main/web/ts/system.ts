// System: version, uptime, certificate and the health of every service.
import { get } from './api.js';
import { clear, h, message, table } from './dom.js';
import { duration, time } from './format.js';

interface ServiceView { name: string; state: string; health: string; message: string; restarts: number; lastFailure: string | null; lastFailureAt: string | null; }

export async function system(main: HTMLElement): Promise<void> {
  const s = await get('/system');
  const status = h('div', {});
  const logs = h('div', { class: 'actions wrap' }, ...LOGS.map(n =>
    h('button', { type: 'button', onclick: () => download(n, status) }, n + '.log')), status);
  const rows = s.services.map((x: ServiceView) => [x.name, x.state, h('span', { class: 'health ' + x.health }, x.health),
    x.message, x.restarts, x.lastFailure ? `${x.lastFailure} (${time(x.lastFailureAt)})` : '-']);
  clear(main);
  main.append(h('h1', {}, 'System'),
    h('dl', { class: 'facts', 'data-testid': 'system' },
      h('dt', {}, 'Status'), h('dd', {}, s.status),
      h('dt', {}, 'Version'), h('dd', {}, s.version),
      h('dt', {}, 'Up for'), h('dd', {}, duration(s.uptimeSeconds) + ' (since ' + time(s.startedAt) + ')'),
      h('dt', {}, 'Data directory'), h('dd', {}, s.dataDir),
      h('dt', {}, 'Certificate SHA-256'), h('dd', { class: 'mono' }, s.certificateSha256)),
    h('h2', {}, 'Services'), table(['Service', 'State', 'Health', 'Detail', 'Restarts', 'Last failure'], rows, 'services'),
    h('h2', {}, 'Logs'), logs,
    h('p', { class: 'muted' }, 'Or from a shell: ', h('span', { class: 'mono' }, 'cistern logs [--service S] [--follow]')));
}

const LOGS = ['cistern', 'engine', 'http', 's3', 'iscsi', 'monitor', 'health', 'watcher', 'audit'];

/** Saves the last 10000 lines of a log as a file (the API answers admins and operators only). */
async function download(name: string, status: HTMLElement): Promise<void> {
  try {
    const r = await get(`/logs/${name}?lines=10000`);
    const a = h('a', { href: URL.createObjectURL(new Blob([r.text], { type: 'text/plain' })), download: name + '.log' });
    a.click();
    URL.revokeObjectURL(a.getAttribute('href')!);
    status.replaceChildren(message(`Downloaded ${name}.log`, 'ok'));
  } catch (e) {
    status.replaceChildren(message(e instanceof Error ? e.message : String(e)));
  }
}
