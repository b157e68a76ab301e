// Storage groups: the unit of dedup, compression, quota and encryption.
import { call, get } from './api.js';
import { clear, field, h, message, table, value } from './dom.js';
import { bytes, time } from './format.js';
import { confirmButton, form, input, select } from './forms.js';

export async function groups(main: HTMLElement): Promise<void> {
  const list = await get('/storage-groups');
  const errors = h('div', {});
  const rerender = () => groups(main);
  const create = form('group-create', [
    field('Name', input('name', { required: true, placeholder: 'backups', pattern: '[a-z0-9][a-z0-9.\\-]{1,61}[a-z0-9]' })),
    field('Compression', select('compression', ['fast', 'best', 'none'], 'fast')),
    field('Quota', input('quota', { placeholder: 'e.g. 500G (empty: unlimited)' })),
    field('Passphrase (encrypts the group)', input('passphrase', { type: 'password', autocomplete: 'new-password' })),
  ], 'Create storage group', async f => {
    const body: Record<string, string> = { name: value(f, 'name'), compression: value(f, 'compression') };
    if (value(f, 'quota')) body.quota = value(f, 'quota');
    if (value(f, 'passphrase')) body.passphrase = value(f, 'passphrase');
    await call('POST', '/storage-groups', body);
    await rerender();
  });
  const rows = list.map((g: { name: string; compression: string; quotaBytes: number; encrypted: boolean; locked: boolean; chunkIds: string; createdAt: string }) => [
    g.name, g.compression, g.quotaBytes ? bytes(g.quotaBytes) : 'unlimited',
    g.encrypted ? (g.locked ? 'encrypted, locked' : 'encrypted') : 'no', g.chunkIds, time(g.createdAt),
    h('span', { class: 'actions' },
      h('button', { type: 'button', onclick: () => edit(g.name, g.compression) }, 'Edit'),
      confirmButton('Delete', `Delete storage group '${g.name}'? It must hold no containers.`, async () => {
        await call('DELETE', '/storage-groups/' + encodeURIComponent(g.name));
        await rerender();
      }, msg => errors.replaceChildren(message(msg)), 'delete-group-' + g.name)),
  ]);

  function edit(name: string, compression: string): void {
    const dialog = form('group-edit', [
      h('h3', {}, `Edit '${name}'`),
      field('Compression', select('compression', ['fast', 'best', 'none'], compression)),
      field('Quota', input('quota', { placeholder: 'e.g. 500G, 0 for unlimited' })),
    ], 'Save', async f => {
      const body: Record<string, string> = { compression: value(f, 'compression') };
      if (value(f, 'quota')) body.quota = value(f, 'quota');
      await call('PATCH', '/storage-groups/' + encodeURIComponent(name), body);
      await rerender();
    });
    errors.replaceChildren(dialog);
  }

  clear(main);
  main.append(h('h1', {}, 'Storage groups'), errors,
    table(['Name', 'Compression', 'Quota', 'Encrypted', 'Chunk ids', 'Created', ''], rows, 'groups'),
    h('section', { class: 'card' }, h('h2', {}, 'New storage group'), create));
}
