// Names as DevSpace 6 writes them.

/** DevSpace 6's rule for names: lower case letters, digits and dashes. */
export function encodeName(name: string): string {
  const out = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return out === '' ? 'x' : out;
}
