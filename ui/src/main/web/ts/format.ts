// Numbers as storage admins read them: binary units, two-decimal ratios.
export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined || isNaN(n)) return '-';
  if (n < 1024) return Math.round(n) + ' B';
  const units = 'KMGTPE';
  let v = n;
  let u = -1;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return (v >= 100 ? v.toFixed(0) : v.toFixed(1)) + ' ' + units[u] + 'iB';
}

export function rate(n: number): string {
  return bytes(n) + '/s';
}

export function ratio(n: number): string {
  return n.toFixed(2) + 'x';
}

export function percent(n: number): string {
  return n.toFixed(1) + ' %';
}

export function time(iso: string | null | undefined): string {
  if (!iso) return '-';
  const d = new Date(iso);
  return d.toLocaleString();
}

export function duration(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return (d ? d + 'd ' : '') + (d || h ? h + 'h ' : '') + m + 'm';
}
