// Shared form behaviour: run an API call on submit, show its error in the form, re-render on success.
import { h, message } from './dom.js';

export function form(testId: string, fields: HTMLElement[], submitLabel: string,
                     action: (f: HTMLFormElement) => Promise<void>): HTMLFormElement {
  const status = h('div', { class: 'form-status' });
  const f = h('form', { class: 'form', 'data-testid': testId }, ...fields,
    h('button', { type: 'submit' }, submitLabel), status) as HTMLFormElement;
  f.addEventListener('submit', async ev => {
    ev.preventDefault();
    status.replaceChildren();
    try {
      await action(f);
    } catch (e) {
      status.replaceChildren(message(e instanceof Error ? e.message : String(e)));
    }
  });
  return f;
}

/** A button that asks first, then runs {@code action}; errors go to {@code onError}. */
export function confirmButton(label: string, question: string, action: () => Promise<void>,
                              onError: (msg: string) => void, testId?: string): HTMLElement {
  return h('button', {
    type: 'button', class: 'danger', 'data-testid': testId,
    onclick: async () => {
      if (!confirm(question)) return;
      try {
        await action();
      } catch (e) {
        onError(e instanceof Error ? e.message : String(e));
      }
    },
  }, label);
}

export function input(name: string, attrs: Record<string, string | boolean> = {}): HTMLElement {
  return h('input', { name, id: 'f-' + name, ...attrs });
}

export function select(name: string, options: string[], selected?: string): HTMLElement {
  return h('select', { name, id: 'f-' + name }, ...options.map(o => h('option', { value: o, selected: o === selected }, o)));
}
