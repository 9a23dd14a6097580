// Typed reads from loosely shaped values (component-chart values are whatever the user wrote).
import type { Json } from '../../core/json.ts';
import { isObject, type JsonObject } from './object.ts';

/** The map under `key`, or an empty map. */
export function mapOf(parent: JsonObject | undefined, key: string): JsonObject {
  const value = parent?.[key];
  return isObject(value) ? value : {};
}

/** The list under `key`, or an empty list. */
export function listOf(parent: JsonObject | undefined, key: string): Json[] {
  const value = parent?.[key];
  return Array.isArray(value) ? value : [];
}

/** The maps of the list under `key`, skipping anything that is not a map. */
export function mapsOf(parent: JsonObject | undefined, key: string): JsonObject[] {
  return listOf(parent, key).filter(isObject);
}

/** A scalar under `key` as a string (numbers and booleans spelled out), or undefined when absent/empty. */
export function textOf(parent: JsonObject | undefined, key: string): string | undefined {
  const value = parent?.[key];
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** A number under `key` (numeric strings accepted), or undefined. */
export function numberOf(parent: JsonObject | undefined, key: string): number | undefined {
  const value = parent?.[key];
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return undefined;
}

/** True when `key` holds a truthy value as Go templates judge it (non-empty, non-zero, not false). */
export function truthy(parent: JsonObject | undefined, key: string): boolean {
  const value = parent?.[key];
  if (value === undefined || value === null || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isObject(value)) return Object.keys(value).length > 0;
  return true;
}

/** A map of strings, every value quoted as the chart's `| quote` does. */
export function stringMap(parent: JsonObject | undefined, key: string): { [key: string]: string } {
  const out: { [key: string]: string } = {};
  for (const [k, v] of Object.entries(mapOf(parent, key))) {
    if (v === null) continue;
    out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  return out;
}

/** Copies `key` from `from` to `to` when it is set (not null, not empty). */
export function copyIfSet(to: JsonObject, from: JsonObject, key: string, as: string = key): void {
  if (truthy(from, key)) to[as] = from[key] ?? null;
}
