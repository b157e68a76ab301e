// Containers: what each protocol front end exports (LUNs, tape libraries, NFS exports, S3 buckets, client stores).
import { call, get } from './api.js';
import { clear, field, h, message, table, value } from './dom.js';
import { bytes, time } from './format.js';
import { confirmButton, form, input, select } from './forms.js';

const PROTOCOLS = ['iscsi', 'vtl', 'nfs', 's3', 'client'];

/** "key=value" lines to a map; a line without '=' is an error naming it. */
function properties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n').map(l => l.trim()).filter(l => l)) {
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`property line '${line}' needs the form key=value`);
    out[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return out;
}

function propertyText(p: Record<string, string>): string {
  return Object.entries(p).map(([k, v]) => k + '=' + v).join('\n');
}

export async function containers(main: HTMLElement): Promise<void> {
  const [list, groupList] = await Promise.all([get('/containers'), get('/storage-groups')]);
  const errors = h('div', {});
  const rerender = () => containers(main);
  const groupNames = groupList.map((g: { name: string }) => g.name);
  const create = form('container-create', [
    field('Name', input('name', { required: true, placeholder: 'nightly' })),
    field('Storage group', select('storageGroup', groupNames)),
    field('Protocol', select('protocol', PROTOCOLS, 's3')),
    field('Properties (key=value per line)', h('textarea', { name: 'properties', rows: 3 })),
  ], 'Create container', async f => {
    await call('POST', '/containers', {
      name: value(f, 'name'), storageGroup: value(f, 'storageGroup'), protocol: value(f, 'protocol'),
      properties: properties(value(f, 'properties')),
    });
    await rerender();
  });
  const rows = await Promise.all(list.map(async (c: { name: string; storageGroup: string; protocol: string; properties: Record<string, string>; createdAt: string }) => {
    const s = await get('/containers/' + encodeURIComponent(c.name) + '/stats');
    return [c.name, c.storageGroup, c.protocol, bytes(s.logicalBytes), bytes(s.storedBytes), time(c.createdAt),
      h('span', { class: 'actions' },
        h('button', { type: 'button', onclick: () => edit(c.name, c.properties) }, 'Edit'),
        confirmButton('Delete', `Delete container '${c.name}' and everything in it?`, async () => {
          await call('DELETE', '/containers/' + encodeURIComponent(c.name));
          await rerender();
        }, msg => errors.replaceChildren(message(msg)), 'delete-container-' + c.name))];
  }));

  function edit(name: string, props: Record<string, string>): void {
    const area = h('textarea', { name: 'properties', rows: 4 });
    (area as HTMLTextAreaElement).value = propertyText(props);
    errors.replaceChildren(form('container-edit', [h('h3', {}, `Properties of '${name}'`), field('key=value per line', area)], 'Save',
      async f => {
        await call('PATCH', '/containers/' + encodeURIComponent(name), { properties: properties(value(f, 'properties')) });
        await rerender();
      }));
  }

  clear(main);
  main.append(h('h1', {}, 'Containers'), errors,
    table(['Name', 'Storage group', 'Protocol', 'Logical', 'Stored', 'Created', ''], rows, 'containers'),
    h('section', { class: 'card' }, h('h2', {}, 'New container'),
      groupNames.length ? create : h('p', { class: 'muted' }, 'Create a storage group first.')));
}
