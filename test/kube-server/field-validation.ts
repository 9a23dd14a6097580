// Server-side field validation (Kubernetes API concepts, "Field validation"; GA in 1.27): the
// `fieldValidation` parameter of create, update and patch decides what happens to fields the schema does not
// have. `Strict` fails the request with 400 BadRequest naming every unknown field, `Warn` (the default when
// the parameter is absent) drops them and names each in a `Warning` header, `Ignore` drops them silently.
// A value of the wrong type is never a matter of fieldValidation: the decoder rejects it in every mode.
import { asArray, isRecord, type KubeObject } from './object.ts';
import type { ResourceType } from './resources.ts';
import { builtinSchema, crdSchema, type Schema } from './schemas.ts';
import { badRequest, type Reply } from './status.ts';
import type { Result } from '../../core/result.ts';
import { fail, ok } from '../../core/result.ts';

/** The three directives; anything else is a 400 like on the real server. */
export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** The directive of a request, or the 400 the real server answers for an unknown one. */
export function fieldValidationOf(query: URLSearchParams): Result<FieldValidation, Reply> {
  const value = query.get('fieldValidation') ?? 'Warn';
  if (value === 'Strict' || value === 'Warn' || value === 'Ignore') return ok(value);
  return fail(
    badRequest(
      `fieldValidation parameter unsupported: ${value}. Supported values are: "Ignore", "Warn", "Strict"`,
    ),
  );
}

interface Findings {
  unknown: string[];
  wrongTypes: string[];
}

/**
 * Checks `object` against the schema of `type` (`crd` is the defining CRD for custom kinds). Unknown fields are
 * removed in place unless the request fails; the warnings to send are returned.
 */
export function validateFields(
  type: ResourceType,
  object: KubeObject,
  crd: KubeObject | undefined,
  directive: FieldValidation,
  apply: boolean,
): Result<string[], Reply> {
  const schema = schemaOf(type, crd);
  if (!schema) return ok([]);
  const findings: Findings = { unknown: [], wrongTypes: [] };
  walk(object, schema, '', findings, directive !== 'Strict');
  const what = `${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}`;
  if (findings.wrongTypes.length > 0) return fail(badRequest(`${what}: ${findings.wrongTypes.join(', ')}`));
  if (findings.unknown.length === 0) return ok([]);
  if (directive === 'Strict') {
    // Apply reports paths as the structured-merge-diff typer does; the JSON decoder as "unknown field".
    const list = apply
      ? findings.unknown.map((p) => `.${p}: field not declared in schema`).join(', ')
      : `strict decoding error: ${findings.unknown.map((p) => `unknown field "${p}"`).join(', ')}`;
    return fail(badRequest(apply ? list : `${what}: ${list}`));
  }
  return ok(directive === 'Warn' ? findings.unknown.map((p) => `unknown field "${p}"`) : []);
}

function schemaOf(type: ResourceType, crd: KubeObject | undefined): Schema | undefined {
  if (type.crd === undefined) return builtinSchema(type.version, type.kind);
  const spec = crd && isRecord(crd['spec']) ? crd['spec'] : {};
  const versions = asArray(spec['versions']);
  const version = versions.find((v) => isRecord(v) && v['name'] === type.version);
  const validation = isRecord(version) && isRecord(version['schema']) ? version['schema'] : {};
  return crdSchema(validation['openAPIV3Schema']);
}

function walk(value: unknown, schema: Schema, path: string, findings: Findings, drop: boolean): void {
  if (value === null || value === undefined) return;
  const wrong = (expected: string): void => {
    findings.wrongTypes.push(
      `json: cannot unmarshal ${jsonType(value)} into field "${path}" of type ${expected}`,
    );
  };
  switch (schema.type) {
    case 'any':
      return;
    case 'string':
      if (typeof value !== 'string') wrong('string');
      return;
    case 'number':
      if (typeof value !== 'number') wrong('number');
      return;
    case 'boolean':
      if (typeof value !== 'boolean') wrong('boolean');
      return;
    case 'int-or-string':
    case 'quantity':
      if (typeof value !== 'string' && typeof value !== 'number') wrong(schema.type);
      return;
    case 'array':
      if (!Array.isArray(value)) return wrong('array');
      value.forEach((item, i) => walk(item, schema.items, `${path}[${i}]`, findings, drop));
      return;
    case 'map':
      if (!isRecord(value)) return wrong('object');
      for (const [k, v] of Object.entries(value)) walk(v, schema.values, join(path, k), findings, drop);
      return;
    case 'object': {
      if (!isRecord(value)) return wrong('object');
      const fields = schema.fields();
      for (const [k, v] of Object.entries(value)) {
        const field = fields.get(k);
        if (field) walk(v, field, join(path, k), findings, drop);
        else if (!schema.open) {
          findings.unknown.push(join(path, k));
          if (drop) Reflect.deleteProperty(value, k);
        }
      }
      return;
    }
  }
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function jsonType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (isRecord(value)) return 'object';
  return typeof value;
}
