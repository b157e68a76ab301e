// A tiny DOM builder: enough for tables and forms without a framework (and without innerHTML, so server
// data can never become markup).
export type Child = Node | string | number | null | undefined | false;
export type Attrs = Record<string, string | number | boolean | EventListener | undefined>;

export function h(tag: string, attrs: Attrs = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

export function append(el: Element, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

/** A table with a header row; each row is a list of cells. */
export function table(headers: string[], rows: Child[][], testId?: string): HTMLElement {
  return h('div', { class: 'table-wrap' },
    h('table', { 'data-testid': testId },
      h('thead', {}, h('tr', {}, ...headers.map(x => h('th', {}, x)))),
      h('tbody', {}, ...(rows.length === 0
        ? [h('tr', {}, h('td', { colspan: headers.length, class: 'empty' }, 'nothing here yet'))]
        : rows.map(r => h('tr', {}, ...r.map(c => h('td', {}, c))))))));
}

/** A labelled form field. */
export function field(label: string, input: HTMLElement): HTMLElement {
  return h('label', { class: 'field' }, h('span', {}, label), input);
}

/** The value of a named input inside a form. */
export function value(form: HTMLFormElement, name: string): string {
  const el = form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | null;
  return el ? el.value.trim() : '';
}

export function message(text: string, kind: 'error' | 'ok' = 'error'): HTMLElement {
  return h('p', { class: 'msg ' + kind, role: kind === 'error' ? 'alert' : 'status' }, text);
}
