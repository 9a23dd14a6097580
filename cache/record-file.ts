// Where the record of a key lives in the state folder: one small module, so that a cheap check of a record's
// existence need not load the store.

/** Path of the record for `key`, relative to the state directory. */
export function recordFile(key: string): string {
  return `records/${key.slice(0, 2)}/${key}.json`;
}
