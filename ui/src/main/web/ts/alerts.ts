// Alerts (acknowledge them) and the event log.
import { call, get, session } from './api.js';
import { clear, h, message, table } from './dom.js';
import { time } from './format.js';

interface Alert { id: number; severity: string; message: string; raisedAt: string; lastSeenAt: string; acknowledgedAt: string | null; acknowledgedBy: string | null; }
interface Event { at: string; type: string; user: string | null; message: string; }

export async function alerts(main: HTMLElement): Promise<void> {
  const [open, events] = await Promise.all([get('/alerts?state=open'), get('/events?limit=200')]);
  const errors = h('div', {});
  const canAck = session()?.role !== 'monitor';
  const rows = open.map((a: Alert) => [
    h('span', { class: 'sev ' + a.severity }, a.severity), a.message, time(a.raisedAt), time(a.lastSeenAt),
    a.acknowledgedAt ? `by ${a.acknowledgedBy} at ${time(a.acknowledgedAt)}`
      : canAck ? h('button', {
        type: 'button', 'data-testid': 'ack-' + a.id, onclick: async () => {
          try {
            await call('POST', `/alerts/${a.id}/acknowledge`);
            await alerts(main);
          } catch (e) {
            errors.replaceChildren(message(String(e instanceof Error ? e.message : e)));
          }
        },
      }, 'Acknowledge') : 'not acknowledged',
  ]);
  const eventRows = events.map((e: Event) => [time(e.at), e.type, e.user ?? 'server', e.message]);
  clear(main);
  main.append(h('h1', {}, 'Alerts'), errors,
    table(['Severity', 'Alert', 'Raised', 'Last seen', 'Acknowledged'], rows, 'alerts'),
    h('h1', {}, 'Events'), table(['When', 'Type', 'User', 'What'], eventRows, 'events'));
}
