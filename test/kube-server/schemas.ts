// The schemas of the served types, for field validation: built-in kinds from @kubernetes/client-node's
// generated models (the same OpenAPI the real server publishes, a few minor versions newer: a field added
// after 1.32 is accepted here, the only way this is more lenient than a 1.32 server), CRD kinds from their
// `openAPIV3Schema`. A schema answers one question per value: which fields it has, and what type it is.
import * as models from '@kubernetes/client-node';
import { isRecord } from './object.ts';

/** What a value must be. */
export type Schema =
  | { type: 'string' | 'number' | 'boolean' | 'any' | 'int-or-string' | 'quantity' }
  | { type: 'array'; items: Schema }
  | { type: 'map'; values: Schema }
  | { type: 'object'; fields: () => Map<string, Schema>; open: boolean };

interface Attribute {
  baseName: string;
  type: string;
}

type ModelClass = { getAttributeTypeMap?: () => Attribute[] };

// Quantities (`cpu: 1`, `memory: 64Mi`) are strings in the models but accept numbers, like the real
// resource.Quantity (an int-or-string in the OpenAPI).
const quantityFields = new Set([
  'limits',
  'requests',
  'capacity',
  'allocatable',
  'hard',
  'used',
  'sizeLimit',
]);

const modelCache = new Map<string, Schema | undefined>();

/** The schema of a built-in kind (`V1Deployment` for apps/v1 Deployment), undefined when unknown. */
export function builtinSchema(version: string, kind: string): Schema | undefined {
  return modelSchema(`${version.charAt(0).toUpperCase()}${version.slice(1)}${kind}`);
}

function modelSchema(name: string): Schema | undefined {
  if (modelCache.has(name)) return modelCache.get(name);
  const model = (models as unknown as Record<string, ModelClass | undefined>)[name];
  const attributes = model?.getAttributeTypeMap?.();
  let schema: Schema | undefined;
  if (attributes) {
    let fields: Map<string, Schema> | undefined;
    schema = {
      type: 'object',
      open: false,
      fields: () =>
        (fields ??= new Map(
          attributes.map((a) => [
            a.baseName,
            quantityFields.has(a.baseName) ? quantity(a.type) : typeSchema(a.type),
          ]),
        )),
    };
  }
  modelCache.set(name, schema);
  return schema;
}

function quantity(type: string): Schema {
  if (type.startsWith('{')) return { type: 'map', values: { type: 'quantity' } };
  return type === 'string' ? { type: 'quantity' } : typeSchema(type);
}

function typeSchema(type: string): Schema {
  const array = /^Array<(.+)>$/.exec(type);
  if (array) return { type: 'array', items: typeSchema(array[1] ?? 'any') };
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) return { type: 'map', values: typeSchema(map[1] ?? 'any') };
  switch (type) {
    case 'string':
    case 'Date':
      return { type: 'string' };
    case 'number':
      return { type: 'number' };
    case 'boolean':
      return { type: 'boolean' };
    case 'IntOrString':
      return { type: 'int-or-string' };
    case 'any':
    case 'object':
      return { type: 'any' };
    default:
      return modelSchema(type) ?? { type: 'any' };
  }
}

/**
 * The schema of a custom resource from its CRD version's `openAPIV3Schema` (structural schemas, as the real
 * server requires for v1 CRDs). apiVersion, kind and metadata are always known; `status` too.
 */
export function crdSchema(openApi: unknown): Schema {
  const root = fromOpenApi(openApi);
  if (root.type !== 'object') return root;
  const base = root.fields;
  return {
    ...root,
    fields: () => {
      const fields = new Map(base());
      fields.set('apiVersion', { type: 'string' });
      fields.set('kind', { type: 'string' });
      fields.set('metadata', builtinSchema('v1', 'ObjectMeta') ?? { type: 'any' });
      return fields;
    },
  };
}

function fromOpenApi(node: unknown): Schema {
  if (!isRecord(node)) return { type: 'any' };
  if (node['x-kubernetes-int-or-string'] === true) return { type: 'int-or-string' };
  if (node['x-kubernetes-embedded-resource'] === true) return { type: 'any' };
  switch (node['type']) {
    case 'string':
      return { type: 'string' };
    case 'integer':
    case 'number':
      return { type: 'number' };
    case 'boolean':
      return { type: 'boolean' };
    case 'array':
      return { type: 'array', items: fromOpenApi(node['items']) };
    case 'object': {
      const properties = isRecord(node['properties']) ? node['properties'] : undefined;
      const additional = node['additionalProperties'];
      if (!properties && isRecord(additional)) return { type: 'map', values: fromOpenApi(additional) };
      const open =
        node['x-kubernetes-preserve-unknown-fields'] === true || (!properties && additional !== false);
      const entries = Object.entries(properties ?? {}).map(([k, v]) => [k, fromOpenApi(v)] as const);
      return { type: 'object', open, fields: () => new Map(entries) };
    }
    default:
      return { type: 'any' };
  }
}
