// Users and roles (admins only; the server refuses others with a message we show).
import { call, get, session } from './api.js';
import { clear, field, h, message, table, value } from './dom.js';
import { time } from './format.js';
import { confirmButton, form, input, select } from './forms.js';

const ROLES = ['admin', 'operator', 'monitor'];

export async function users(main: HTMLElement): Promise<void> {
  const me = session();
  const errors = h('div', {});
  const rerender = () => users(main);
  const password = form('password-change', [
    h('h3', {}, 'My password'),
    field('Current password', input('currentPassword', { type: 'password', required: true, autocomplete: 'current-password' })),
    field('New password', input('password', { type: 'password', required: true, minlength: '8', autocomplete: 'new-password' })),
  ], 'Change my password', async f => {
    await call('PUT', `/users/${encodeURIComponent(me!.user)}/password`,
      { currentPassword: value(f, 'currentPassword'), password: value(f, 'password') });
    errors.replaceChildren(message('Password changed; log in again.', 'ok'));
  });
  clear(main);
  main.append(h('h1', {}, 'Users and roles'), errors);
  if (me?.role !== 'admin') {
    main.append(h('p', { class: 'muted' }, `You are '${me?.user}' with role ${me?.role}; only admins manage users.`), password);
    return;
  }
  const list = await get('/users');
  const rows = list.map((u: { name: string; role: string; createdAt: string }) => [
    u.name,
    (() => {
      const s = select('role-' + u.name, ROLES, u.role);
      s.addEventListener('change', async () => {
        try {
          await call('PATCH', '/users/' + encodeURIComponent(u.name), { role: (s as HTMLSelectElement).value });
          errors.replaceChildren(message(`Role of '${u.name}' is now ${(s as HTMLSelectElement).value}.`, 'ok'));
        } catch (e) {
          errors.replaceChildren(message(e instanceof Error ? e.message : String(e)));
          (s as HTMLSelectElement).value = u.role;
        }
      });
      return s;
    })(),
    time(u.createdAt),
    confirmButton('Delete', `Delete user '${u.name}' and end their sessions?`, async () => {
      await call('DELETE', '/users/' + encodeURIComponent(u.name));
      await rerender();
    }, msg => errors.replaceChildren(message(msg))),
  ]);
  const add = form('user-add', [
    field('Name', input('name', { required: true })),
    field('Role', select('role', ROLES, 'monitor')),
    field('Password', input('password', { type: 'password', required: true, minlength: '8', autocomplete: 'new-password' })),
  ], 'Add user', async f => {
    await call('POST', '/users', { name: value(f, 'name'), role: value(f, 'role'), password: value(f, 'password') });
    await rerender();
  });
  main.append(table(['Name', 'Role', 'Created', ''], rows, 'users'),
    h('section', { class: 'card' }, h('h2', {}, 'New user'), add), h('section', { class: 'card' }, password));
}
