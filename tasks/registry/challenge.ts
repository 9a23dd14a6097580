// Parses a `WWW-Authenticate` header (RFC 7235): `Bearer realm="...",service="...",scope="..."` or `Basic realm="..."`.

/** The first challenge of the header, scheme lower-cased. */
export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Reads the first challenge; `undefined` for an empty header. */
export function parseChallenge(value: string): Challenge | undefined {
  const m = /^\s*([A-Za-z][\w-]*)\s*(.*)$/.exec(value);
  if (m?.[1] === undefined) return undefined;
  const params: Record<string, string> = {};
  const paramPattern = /([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))\s*,?\s*/g;
  for (const p of (m[2] ?? '').matchAll(paramPattern)) {
    const key = p[1];
    if (key === undefined) continue;
    params[key.toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : (p[3] ?? '');
  }
  return { scheme: m[1].toLowerCase(), params };
}
