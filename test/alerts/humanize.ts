/**
 * Expands the small subset of Prometheus' alert templating the shipped annotations use
 * ({{ $labels.x }}, {{ $value }} and the humanize* functions), so the promtool unit tests can
 * state the exact annotations an alert must carry. Mirrors Go's "%.4g" formatting.
 */

function g4(v: number): string {
  if (v === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(Number(v.toPrecision(4)))));
  if (exp < -4 || exp >= 4) {
    const [mant, e] = v.toExponential(3).split('e');
    const m = mant!.replace(/\.?0+$/, '');
    const n = Number(e);
    return `${m}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  return String(Number(v.toPrecision(4)));
}

function humanize(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return g4(v);
  if (Math.abs(v) >= 1) {
    const prefixes = ['', 'k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];
    let i = 0;
    while (Math.abs(v) >= 1000 && i < prefixes.length - 1) {
      v /= 1000;
      i++;
    }
    return `${g4(v)}${prefixes[i]}`;
  }
  const prefixes = ['', 'm', 'u', 'n', 'p', 'f', 'a', 'z', 'y'];
  let i = 0;
  while (Math.abs(v) < 1 && i < prefixes.length - 1) {
    v *= 1000;
    i++;
  }
  return `${g4(v)}${prefixes[i]}`;
}

function humanize1024(v: number): string {
  if (Math.abs(v) <= 1) return g4(v);
  const prefixes = ['', 'ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi'];
  let i = 0;
  while (Math.abs(v) >= 1024 && i < prefixes.length - 1) {
    v /= 1024;
    i++;
  }
  return `${g4(v)}${prefixes[i]}`;
}

function humanizeDuration(v: number): string {
  if (v === 0) return '0s';
  const sign = v < 0 ? '-' : '';
  v = Math.abs(v);
  if (v >= 1) {
    const total = Math.floor(v);
    const days = Math.floor(total / 86400);
    const hours = Math.floor(total / 3600) % 24;
    const minutes = Math.floor(total / 60) % 60;
    const seconds = total % 60;
    if (days) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes) return `${sign}${minutes}m ${seconds}s`;
    return `${sign}${g4(v)}s`;
  }
  const prefixes = ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y'];
  let i = 0;
  v *= 1000;
  while (v < 1 && i < prefixes.length - 1) {
    v *= 1000;
    i++;
  }
  return `${sign}${g4(v)}${prefixes[i]}s`;
}

const FUNCS: Record<string, (v: number) => string> = {
  humanize,
  humanize1024,
  humanizeDuration,
  humanizePercentage: (v) => `${g4(v * 100)}%`,
};

export function expandTemplate(text: string, labels: Record<string, string>, value: number): string {
  return text.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (_, inner: string) => {
    const [head, fn] = inner.split('|').map((s) => s.trim());
    if (head!.startsWith('$labels.')) return labels[head!.slice('$labels.'.length)] ?? '';
    if (head === '$value') {
      if (!fn) return String(value);
      const f = FUNCS[fn];
      if (!f) throw new Error(`unsupported template function ${fn}`);
      return f(value);
    }
    throw new Error(`unsupported template expression ${inner}`);
  });
}
