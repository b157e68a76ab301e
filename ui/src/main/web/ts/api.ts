// The REST API client. The token lives in sessionStorage: it ends with the tab, and the server expires it anyway.
export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

const TOKEN = 'cistern.token';
const USER = 'cistern.user';
let onUnauthorized: () => void = () => {};

export function setUnauthorizedHandler(f: () => void): void {
  onUnauthorized = f;
}

export function session(): { token: string; user: string; role: string } | null {
  const token = sessionStorage.getItem(TOKEN);
  const user = sessionStorage.getItem(USER);
  if (!token || !user) return null;
  const [name, role] = user.split(':');
  return { token, user: name, role };
}

export async function login(user: string, password: string): Promise<void> {
  const r = await call('POST', '/login', { user, password });
  sessionStorage.setItem(TOKEN, r.token);
  sessionStorage.setItem(USER, r.user + ':' + r.role);
}

export async function logout(): Promise<void> {
  try {
    if (session()) await call('POST', '/logout');
  } finally {
    sessionStorage.removeItem(TOKEN);
    sessionStorage.removeItem(USER);
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function call(method: string, path: string, body?: unknown): Promise<any> {
  const headers: Record<string, string> = {};
  const s = session();
  if (s) headers['Authorization'] = 'Bearer ' + s.token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let resp: Response;
  try {
    resp = await fetch('/api/v1' + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, 'cannot reach the server: ' + e);
  }
  const text = await resp.text();
  const json = text ? JSON.parse(text) : null;
  if (resp.ok) return json;
  const msg = json && json.error ? json.error : `${method} ${path} failed with HTTP ${resp.status}`;
  if (resp.status === 401 && path !== '/login') {
    sessionStorage.removeItem(TOKEN);
    onUnauthorized();
  }
  throw new ApiError(resp.status, msg);
}

export const get = (path: string) => call('GET', path);
