// The JSON value: what specs, canonical records and stored outputs are made of.

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A JSON object. */
export type JsonObject = { [key: string]: Json };

/** True for a JSON object (not an array, not null). */
export function isJsonObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True for an array of strings. */
export function isStringList(value: Json | undefined): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** True when each of `keys` holds a string in `data`: the usual first check of an output's shape. */
export function hasStrings(data: JsonObject, ...keys: string[]): boolean {
  return keys.every((key) => typeof data[key] === 'string');
}
