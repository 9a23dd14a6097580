// Decoding of the Kubernetes protobuf request bodies that typed client-go clients send whatever the server
// prefers: helm 3.17 stores releases as Secrets through such a client (create, update, delete with
// DeleteOptions), and `--create-namespace` creates a Namespace the same way. Replies stay JSON, which
// those clients accept. Only the kinds below are known; others are refused with 415.
import { text } from './object.ts';
import type { Result } from '../../core/result.ts';
import { fail, ok } from '../../core/result.ts';

/** The media type of Kubernetes protobuf bodies. */
export const protobufMediaType = 'application/vnd.kubernetes.protobuf';

type FieldType = 'string' | 'bytes' | 'int' | 'bool' | 'time' | 'stringMap' | 'bytesMap' | Schema;

interface FieldSpec {
  name: string;
  type: FieldType;
  repeated?: boolean;
}

type Schema = Record<number, FieldSpec>;

const time: FieldType = 'time';

const ownerReference: Schema = {
  1: { name: 'kind', type: 'string' },
  3: { name: 'name', type: 'string' },
  4: { name: 'uid', type: 'string' },
  5: { name: 'apiVersion', type: 'string' },
  6: { name: 'controller', type: 'bool' },
  7: { name: 'blockOwnerDeletion', type: 'bool' },
};

const objectMeta: Schema = {
  1: { name: 'name', type: 'string' },
  2: { name: 'generateName', type: 'string' },
  3: { name: 'namespace', type: 'string' },
  4: { name: 'selfLink', type: 'string' },
  5: { name: 'uid', type: 'string' },
  6: { name: 'resourceVersion', type: 'string' },
  7: { name: 'generation', type: 'int' },
  8: { name: 'creationTimestamp', type: time },
  9: { name: 'deletionTimestamp', type: time },
  10: { name: 'deletionGracePeriodSeconds', type: 'int' },
  11: { name: 'labels', type: 'stringMap' },
  12: { name: 'annotations', type: 'stringMap' },
  13: { name: 'ownerReferences', type: ownerReference, repeated: true },
  14: { name: 'finalizers', type: 'string', repeated: true },
};

/** Message schemas by kind: field number → JSON name and type, from k8s.io/api's generated.proto. */
const schemas: Record<string, Schema> = {
  Secret: {
    1: { name: 'metadata', type: objectMeta },
    2: { name: 'data', type: 'bytesMap' },
    3: { name: 'type', type: 'string' },
    4: { name: 'stringData', type: 'stringMap' },
    5: { name: 'immutable', type: 'bool' },
  },
  ConfigMap: {
    1: { name: 'metadata', type: objectMeta },
    2: { name: 'data', type: 'stringMap' },
    3: { name: 'binaryData', type: 'bytesMap' },
    4: { name: 'immutable', type: 'bool' },
  },
  Namespace: {
    1: { name: 'metadata', type: objectMeta },
    2: { name: 'spec', type: { 1: { name: 'finalizers', type: 'string', repeated: true } } },
    3: { name: 'status', type: { 1: { name: 'phase', type: 'string' } } },
  },
  DeleteOptions: {
    1: { name: 'gracePeriodSeconds', type: 'int' },
    2: {
      name: 'preconditions',
      type: { 1: { name: 'uid', type: 'string' }, 2: { name: 'resourceVersion', type: 'string' } },
    },
    3: { name: 'orphanDependents', type: 'bool' },
    4: { name: 'propagationPolicy', type: 'string' },
    5: { name: 'dryRun', type: 'string', repeated: true },
  },
};

interface RawField {
  no: number;
  wire: number;
  varint: bigint;
  bytes: Uint8Array;
}

function readFields(buf: Uint8Array): Result<RawField[], string> {
  const fields: RawField[] = [];
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = buf[pos++];
      if (byte === undefined) throw new RangeError('truncated varint');
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  try {
    while (pos < buf.length) {
      const key = Number(varint());
      const field: RawField = { no: key >> 3, wire: key & 7, varint: 0n, bytes: new Uint8Array() };
      if (field.wire === 0) field.varint = varint();
      else if (field.wire === 2) {
        const length = Number(varint());
        field.bytes = buf.subarray(pos, pos + length);
        pos += length;
      } else if (field.wire === 1) pos += 8;
      else if (field.wire === 5) pos += 4;
      else return fail(`unsupported protobuf wire type ${field.wire}`);
      fields.push(field);
    }
  } catch {
    return fail('truncated protobuf message');
  }
  return ok(fields);
}

const utf8 = new TextDecoder();

function decodeMessage(buf: Uint8Array, schema: Schema): Result<Record<string, unknown>, string> {
  const raw = readFields(buf);
  if (!raw.ok) return raw;
  const out: Record<string, unknown> = {};
  for (const field of raw.value) {
    const spec = schema[field.no];
    if (!spec) continue;
    const value = decodeValue(field, spec.type);
    if (!value.ok) return value;
    // Go writes every non-pointer field, empty or not; JSON omits the empty ones, and so does the store.
    if (!spec.repeated && isEmpty(value.value)) continue;
    if (spec.type === 'stringMap' || spec.type === 'bytesMap') {
      const [k, v] = value.value as [string, unknown];
      const map = (out[spec.name] ??= {}) as Record<string, unknown>;
      map[k] = v;
    } else if (spec.repeated) {
      ((out[spec.name] ??= []) as unknown[]).push(value.value);
    } else {
      out[spec.name] = value.value;
    }
  }
  return ok(out);
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === '' || value === 0;
}

function decodeValue(field: RawField, type: FieldType): Result<unknown, string> {
  switch (type) {
    case 'string':
      return ok(utf8.decode(field.bytes));
    case 'bytes':
      return ok(Buffer.from(field.bytes).toString('base64'));
    case 'int':
      return ok(Number(BigInt.asIntN(64, field.varint)));
    case 'bool':
      return ok(field.varint !== 0n);
    case 'time': {
      const t = decodeMessage(field.bytes, { 1: { name: 'seconds', type: 'int' } });
      if (!t.ok) return t;
      const seconds = t.value['seconds'];
      // The zero time.Time (year 1) stands for "unset".
      if (typeof seconds !== 'number' || seconds <= -62135596800) return ok(undefined);
      return ok(new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'));
    }
    case 'stringMap':
    case 'bytesMap': {
      const valueType = type === 'stringMap' ? 'string' : 'bytes';
      const entry = decodeMessage(field.bytes, {
        1: { name: 'k', type: 'string' },
        2: { name: 'v', type: valueType },
      });
      if (!entry.ok) return entry;
      return ok([entry.value['k'] ?? '', entry.value['v'] ?? '']);
    }
    default:
      return decodeMessage(field.bytes, type);
  }
}

/** Decodes a `k8s\0`-enveloped body into the JSON object it stands for (with apiVersion and kind). */
export function decodeKubernetesProtobuf(body: Uint8Array): Result<Record<string, unknown>, string> {
  const magic = [0x6b, 0x38, 0x73, 0x00];
  if (body.length < 4 || magic.some((b, i) => body[i] !== b))
    return fail('the body lacks the "k8s\\0" envelope');
  const unknown = decodeMessage(body.subarray(4), {
    1: {
      name: 'typeMeta',
      type: { 1: { name: 'apiVersion', type: 'string' }, 2: { name: 'kind', type: 'string' } },
    },
    2: { name: 'raw', type: 'bytes' },
  });
  if (!unknown.ok) return unknown;
  const typeMeta = (unknown.value['typeMeta'] ?? {}) as { apiVersion?: string; kind?: string };
  const kind = typeMeta.kind ?? '';
  const schema = schemas[kind];
  if (!schema)
    return fail(`protobuf bodies of kind "${kind}" are not supported by the test server; send JSON`);
  const raw = Buffer.from(text(unknown.value['raw']), 'base64');
  const decoded = decodeMessage(raw, schema);
  if (!decoded.ok) return decoded;
  return ok({ apiVersion: typeMeta.apiVersion ?? 'v1', kind, ...decoded.value });
}
