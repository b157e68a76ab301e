// The app shell: login, navigation by URL hash, and a refresh loop for the dashboard.
import { ApiError, login, logout, session, setUnauthorizedHandler } from './api.js';
import { alerts } from './alerts.js';
import { containers } from './containers.js';
import { dashboard } from './dashboard.js';
import { clear, field, h, message } from './dom.js';
import { groups } from './groups.js';
import { system } from './system.js';
import { users } from './users.js';

const PAGES: Record<string, [string, (main: HTMLElement) => Promise<void>]> = {
  dashboard: ['Dashboard', dashboard],
  groups: ['Storage groups', groups],
  containers: ['Containers', containers],
  alerts: ['Alerts & events', alerts],
  users: ['Users', users],
  system: ['System', system],
};
const REFRESH_MS = 2000;
let timer: number | undefined;

const app = document.getElementById('app')!;

function loginPage(): void {
  clear(app);
  const status = h('div', {});
  const f = h('form', { class: 'login', 'data-testid': 'login' },
    h('h1', {}, 'Cistern'),
    field('User', h('input', { name: 'user', autocomplete: 'username', required: true, autofocus: true })),
    field('Password', h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true })),
    h('button', { type: 'submit' }, 'Log in'), status) as HTMLFormElement;
  f.addEventListener('submit', async ev => {
    ev.preventDefault();
    const user = (f.elements.namedItem('user') as HTMLInputElement).value;
    const password = (f.elements.namedItem('password') as HTMLInputElement).value;
    try {
      await login(user, password);
      location.hash = '#/dashboard';
      render();
    } catch (e) {
      status.replaceChildren(message(e instanceof ApiError ? e.message : String(e)));
    }
  });
  app.append(f);
}

async function render(): Promise<void> {
  window.clearTimeout(timer);
  const s = session();
  if (!s) {
    loginPage();
    return;
  }
  const page = location.hash.replace(/^#\//, '') || 'dashboard';
  const [, show] = PAGES[page] ?? PAGES.dashboard;
  const main = h('main', { id: 'main' });
  const nav = h('nav', {},
    h('span', { class: 'brand' }, 'Cistern'),
    ...Object.entries(PAGES).map(([k, [label]]) => h('a', { href: '#/' + k, class: k === page ? 'on' : '' }, label)),
    h('span', { class: 'who' }, `${s.user} (${s.role})`),
    h('button', { type: 'button', 'data-testid': 'logout', onclick: async () => { await logout(); loginPage(); } }, 'Log out'));
  clear(app);
  app.append(nav, main);
  await show(main).catch(e => main.append(message(e instanceof Error ? e.message : String(e))));
  if (page === 'dashboard' || !PAGES[page]) {
    const tick = async () => {
      if (!document.body.contains(main) || !session()) return;
      await dashboard(main).catch(() => {});
      timer = window.setTimeout(tick, REFRESH_MS);
    };
    timer = window.setTimeout(tick, REFRESH_MS);
  }
}

setUnauthorizedHandler(loginPage);
window.addEventListener('hashchange', () => void render());
void render();
