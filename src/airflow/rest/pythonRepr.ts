// Airflow 2 servers before 2.10 return an XCom value as Python's str() of it: `{'a': 1}` rather than JSON. This
// reads the plain literals (dict, list, tuple, str, int, float, True/False/None) and nothing else; it never runs code.

/** A parsed literal, or undefined when the text is not one plain Python literal. */
export function parsePythonLiteral(text: string, maxLength = 4 * 1024 * 1024): { value: unknown } | undefined {
  if (text.length > maxLength) return undefined;
  let i = 0;
  const ws = (): void => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const fail = (): never => {
    throw new SyntaxError('not a literal');
  };
  const value = (depth: number): unknown => {
    if (depth > 100) fail();
    ws();
    const c = text[i];
    if (c === '{' || c === '[' || c === '(') return container(c, depth);
    if (c === "'" || c === '"') return str();
    const word = /^(True|False|None|nan|inf|-inf|-?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
    if (!word) fail();
    i += word![0].length;
    const w = word![0];
    if (w === 'True') return true;
    if (w === 'False') return false;
    if (w === 'None') return null;
    if (w === 'nan') return NaN;
    if (w === 'inf') return Infinity;
    if (w === '-inf') return -Infinity;
    return Number(w);
  };
  const str = (): string => {
    const quote = text[i++];
    let out = '';
    while (i < text.length && text[i] !== quote) {
      if (text[i] === '\\') {
        const e = text[++i];
        const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' };
        if (e in simple) out += simple[e];
        else if (e === 'x' || e === 'u' || e === 'U') {
          const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
          const hex = text.slice(i + 1, i + 1 + n);
          if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== n) fail();
          out += String.fromCodePoint(parseInt(hex, 16));
          i += n;
        } else fail();
        i++;
      } else out += text[i++];
    }
    if (text[i] !== quote) fail();
    i++;
    return out;
  };
  const container = (open: string, depth: number): unknown => {
    const close = open === '{' ? '}' : open === '[' ? ']' : ')';
    i++;
    const list: unknown[] = [];
    const dict: Record<string, unknown> = {};
    for (;;) {
      ws();
      if (text[i] === close) {
        i++;
        break;
      }
      if (open === '{') {
        const key = value(depth + 1);
        if (typeof key !== 'string' && typeof key !== 'number') fail();
        ws();
        if (text[i++] !== ':') fail();
        dict[String(key)] = value(depth + 1);
      } else list.push(value(depth + 1));
      ws();
      if (text[i] === ',') i++;
      else if (text[i] !== close) fail();
    }
    return open === '{' ? dict : list;
  };
  try {
    const v = value(0);
    ws();
    return i === text.length ? { value: v } : undefined;
  } catch {
    return undefined;
  }
}
