// System: version, uptime, certificate and the health of every service.
import { get } from './api.js';
import { clear, h, table } from './dom.js';
import { duration, time } from './format.js';

interface ServiceView { name: string; state: string; health: string; message: string; restarts: number; lastFailure: string | null; lastFailureAt: string | null; }

export async function system(main: HTMLElement): Promise<void> {
  const s = await get('/system');
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
    h('p', { class: 'muted' }, 'Logs: ', h('span', { class: 'mono' }, 'cistern logs [--service S] [--follow]'),
      ' or the files under the data directory\'s logs/ folder.'));
}
