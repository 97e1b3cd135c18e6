/**
 * Just enough PromQL scanning for the lint tests: the vector selectors of an expression
 * (metric name and matcher text) and its range durations. Strings, ranges and the label
 * lists of by/without/on/ignoring/group_* are skipped.
 */

export interface Selector {
  name: string;
  matchers: string;
}

const LABEL_LIST_KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'Inf', 'NaN', 'inf', 'nan']);
const AGGREGATIONS = new Set(['sum', 'min', 'max', 'avg', 'count', 'stddev', 'stdvar', 'topk', 'bottomk', 'quantile', 'count_values', 'group']);

function skipString(expr: string, i: number): number {
  const quote = expr[i];
  i++;
  while (i < expr.length && expr[i] !== quote) i += expr[i] === '\\' ? 2 : 1;
  return i + 1;
}

function skipBalanced(expr: string, i: number, open: string, close: string): number {
  let depth = 0;
  for (; i < expr.length; i++) {
    const c = expr[i]!;
    if (c === '"' || c === "'" || c === '`') {
      i = skipString(expr, i) - 1;
    } else if (c === open) depth++;
    else if (c === close && --depth === 0) return i + 1;
  }
  return i;
}

export function selectors(expr: string): Selector[] {
  const found: Selector[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i]!;
    if (c === '"' || c === "'" || c === '`') {
      i = skipString(expr, i);
    } else if (c === '[') {
      i = skipBalanced(expr, i, '[', ']');
    } else if (c === '{') {
      const end = skipBalanced(expr, i, '{', '}');
      found.push({ name: '', matchers: expr.slice(i + 1, end - 1) });
      i = end;
    } else if (/[0-9.]/.test(c)) {
      while (i < expr.length && /[0-9.eE]/.test(expr[i]!)) i++;
    } else if (/[a-zA-Z_:]/.test(c)) {
      let j = i;
      while (j < expr.length && /[a-zA-Z0-9_:]/.test(expr[j]!)) j++;
      const word = expr.slice(i, j);
      let k = j;
      while (k < expr.length && /\s/.test(expr[k]!)) k++;
      if (LABEL_LIST_KEYWORDS.has(word)) {
        i = expr[k] === '(' ? skipBalanced(expr, k, '(', ')') : k;
      } else if (expr[k] === '(' || KEYWORDS.has(word) || AGGREGATIONS.has(word)) {
        i = j;
      } else if (expr[j] === '{') {
        const end = skipBalanced(expr, j, '{', '}');
        found.push({ name: word, matchers: expr.slice(j + 1, end - 1) });
        i = end;
      } else {
        found.push({ name: word, matchers: '' });
        i = j;
      }
    } else {
      i++;
    }
  }
  return found;
}

/** The `[...]` ranges of an expression, e.g. ['$__rate_interval', '5m']. */
export function ranges(expr: string): string[] {
  return [...expr.replace(/"(?:[^"\\]|\\.)*"/g, '""').matchAll(/\[([^\]]+)\]/g)].map((m) => m[1]!);
}
