// `dev` (v2beta1) → DevConfig[]: which pods `dsg dev` follows the logs of and forwards ports to. dsg honours the
// selectors, `logs` and `ports` (each `port` and `bindAddress`); every other field DevSpace acts on
// (sync, terminal, ssh, dev images, patches, …) gets one located warning. Values dsg cannot use (a port that is not a number, no selector) are located errors.
import type { DevConfig, DevPortConfig } from '../../core/config.ts';
import type { DiagSink } from './diag-sink.ts';
import { describe, formatPath, type Entry, type MapNode, type TreeNode } from './tree.ts';

/** Fields of a dev entry dsg reads. */
const HONOURED = new Set(['imageSelector', 'labelSelector', 'namespace', 'container', 'logs', 'ports']);

/** Fields DevSpace acts on and dsg does not, with what dsg does instead when there is something to say. */
const UNSUPPORTED: Readonly<Record<string, string | undefined>> = {
  name: undefined,
  arch: undefined,
  devImage: 'dsg leaves the deployed image in place',
  command: 'dsg leaves the deployed command in place',
  args: 'dsg leaves the deployed arguments in place',
  workingDir: undefined,
  env: undefined,
  resources: undefined,
  reversePorts: undefined,
  sync: 'a save rebuilds and redeploys what it affects instead',
  persistPaths: undefined,
  terminal: 'the loop prints the logs of `logs:` instead',
  logs: undefined,
  attach: undefined,
  ssh: undefined,
  proxyCommands: undefined,
  restartHelper: undefined,
  persistenceOptions: undefined,
  patches: 'dsg deploys the manifests as rendered',
  open: undefined,
  containers: 'only the top-level container fields are read',
};

/** Reads the `dev` section of a v2beta1 tree. */
export function normalizeDev(node: TreeNode | undefined, sink: DiagSink): DevConfig[] {
  if (!node || (node.kind === 'scalar' && node.value === null)) return [];
  if (node.kind !== 'map') {
    sink.error(`\`dev\` must be a mapping of names to dev configurations, got ${describe(node)}`, node.loc);
    return [];
  }
  const out: DevConfig[] = [];
  for (const [name, e] of node.entries) {
    const dev = readEntry(name, e, sink);
    if (dev) out.push(dev);
  }
  return out;
}

function readEntry(name: string, e: Entry, sink: DiagSink): DevConfig | undefined {
  const path = ['dev', name];
  const at = e.keyLoc ?? e.value.loc;
  if (e.value.kind !== 'map') {
    sink.error(`\`${formatPath(path)}\` must be a mapping, got ${describe(e.value)}`, e.value.loc ?? at);
    return undefined;
  }
  const m = e.value;
  for (const [key, field] of m.entries) {
    if (HONOURED.has(key) || isOff(field.value)) continue;
    const known = key in UNSUPPORTED;
    const why = UNSUPPORTED[key];
    sink.warn(
      known
        ? `\`${formatPath([...path, key])}\` is not supported by dsg yet and is ignored${why ? `: ${why}` : ''}`
        : `\`${formatPath([...path, key])}\` is not a field DevSpace knows; it is ignored`,
      field.keyLoc ?? field.value.loc,
    );
  }
  const before = sink.list.length;
  const text = (key: string): string | undefined => scalarText(m, [...path, key], sink);
  const imageSelector = text('imageSelector');
  const namespace = text('namespace');
  const container = text('container');
  const labelSelector = labels(m.entries.get('labelSelector'), [...path, 'labelSelector'], sink);
  if (imageSelector === undefined && labelSelector === undefined)
    sink.error(`\`${formatPath(path)}\` selects no pod: set \`imageSelector\` or \`labelSelector\``, at);
  const logs = readLogs(m.entries.get('logs'), [...path, 'logs'], sink);
  const ports = readPorts(m.entries.get('ports'), [...path, 'ports'], sink);
  if (sink.list.slice(before).some((d) => d.severity === 'error') || !at) return undefined;
  return {
    name,
    at,
    ...(imageSelector !== undefined ? { imageSelector } : {}),
    ...(labelSelector !== undefined ? { labelSelector } : {}),
    ...(namespace !== undefined ? { namespace } : {}),
    ...(container !== undefined ? { container } : {}),
    ...(logs !== undefined ? { logs } : {}),
    ports,
  };
}

function scalarText(m: MapNode, path: (string | number)[], sink: DiagSink): string | undefined {
  const e = m.entries.get(String(path.at(-1)));
  if (!e || (e.value.kind === 'scalar' && e.value.value === null)) return undefined;
  if (e.value.kind !== 'scalar' || typeof e.value.value === 'boolean') {
    sink.error(`\`${formatPath(path)}\` must be a string, got ${describe(e.value)}`, e.value.loc ?? e.keyLoc);
    return undefined;
  }
  const value = String(e.value.value);
  return value === '' ? undefined : value;
}

function labels(
  e: Entry | undefined,
  path: (string | number)[],
  sink: DiagSink,
): Record<string, string> | undefined {
  if (!e || (e.value.kind === 'scalar' && e.value.value === null)) return undefined;
  if (e.value.kind !== 'map') {
    sink.error(`\`${formatPath(path)}\` must be a mapping of labels, got ${describe(e.value)}`, e.value.loc);
    return undefined;
  }
  const out: Record<string, string> = {};
  for (const [k, v] of e.value.entries) {
    if (v.value.kind !== 'scalar' || v.value.value === null) {
      sink.error(
        `\`${formatPath([...path, k])}\` must be a label value, got ${describe(v.value)}`,
        v.value.loc,
      );
      continue;
    }
    out[k] = String(v.value.value);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** DevSpace prints logs only when `logs:` is written and not switched off; 500 lines at first by default. */
function readLogs(
  e: Entry | undefined,
  path: (string | number)[],
  sink: DiagSink,
): { lastLines: number } | undefined {
  if (!e) return undefined;
  const v = e.value;
  if (v.kind === 'scalar' && v.value === null) return { lastLines: 500 };
  if (v.kind !== 'map') {
    sink.error(`\`${formatPath(path)}\` must be a mapping (enabled, lastLines), got ${describe(v)}`, v.loc);
    return undefined;
  }
  for (const [k, field] of v.entries)
    if (k !== 'enabled' && k !== 'lastLines')
      sink.warn(`\`${formatPath([...path, k])}\` is not a field DevSpace knows; it is ignored`, field.keyLoc);
  const enabled = v.entries.get('enabled')?.value;
  if (
    enabled &&
    !(enabled.kind === 'scalar' && (typeof enabled.value === 'boolean' || enabled.value === null))
  ) {
    sink.error(
      `\`${formatPath([...path, 'enabled'])}\` must be true or false, got ${describe(enabled)}`,
      enabled.loc,
    );
    return undefined;
  }
  const lines = v.entries.get('lastLines')?.value;
  let lastLines = 500;
  if (lines && !(lines.kind === 'scalar' && lines.value === null)) {
    const n = lines.kind === 'scalar' && typeof lines.value !== 'boolean' ? Number(lines.value) : NaN;
    if (!Number.isInteger(n) || n < 0) {
      sink.error(
        `\`${formatPath([...path, 'lastLines'])}\` must be a whole number, got ${describe(lines)}`,
        lines.loc,
      );
      return undefined;
    }
    if (n > 0) lastLines = n;
  }
  if (enabled?.kind === 'scalar' && enabled.value === false) return undefined;
  return { lastLines };
}

function readPorts(e: Entry | undefined, path: (string | number)[], sink: DiagSink): DevPortConfig[] {
  if (!e || (e.value.kind === 'scalar' && e.value.value === null)) return [];
  if (e.value.kind !== 'seq') {
    sink.error(`\`${formatPath(path)}\` must be a list of ports, got ${describe(e.value)}`, e.value.loc);
    return [];
  }
  const out: DevPortConfig[] = [];
  e.value.items.forEach((item, i) => {
    const here = [...path, i];
    if (item.kind !== 'map') {
      sink.error(`\`${formatPath(here)}\` must be a mapping with \`port\`, got ${describe(item)}`, item.loc);
      return;
    }
    for (const [k, field] of item.entries)
      if (k !== 'port' && k !== 'bindAddress')
        sink.warn(
          `\`${formatPath([...here, k])}\` is not a field DevSpace knows; it is ignored`,
          field.keyLoc,
        );
    const port = item.entries.get('port');
    const at = port?.value.loc ?? item.loc;
    if (!port || port.value.kind !== 'scalar' || port.value.value === null) {
      sink.error(`\`${formatPath(here)}\` has no \`port\` ("LOCAL:REMOTE" or "PORT")`, at);
      return;
    }
    const parsed = parsePort(String(port.value.value));
    if (typeof parsed === 'string') {
      sink.error(
        `\`${formatPath([...here, 'port'])}\` is not a port mapping: ${parsed}`,
        at,
        'write "LOCAL:REMOTE" (8080:80) or "PORT" (8080)',
      );
      return;
    }
    const bind = scalarText(item, [...here, 'bindAddress'], sink);
    if (at) out.push({ ...parsed, bindAddress: bind ?? 'localhost', at });
  });
  return out;
}

/** `"8080:80"` or `"8080"` (DevSpace's and kubectl's port-forward syntax); a message when it is not one. */
export function parsePort(text: string): { local: number; remote: number } | string {
  const parts = text.trim().split(':');
  if (parts.length > 2) return `"${text}" has more than one ":"`;
  const numbers = parts.map((p) => (/^\d+$/.test(p.trim()) ? Number(p.trim()) : NaN));
  const bad = parts.find((_, i) => !(Number(numbers[i]) >= 1 && Number(numbers[i]) <= 65535));
  if (bad !== undefined) return `"${bad}" is not a port number (1-65535)`;
  const [local = 0, remote = local] = numbers;
  return { local, remote };
}

/** false, null, empty list: a field written only to say "off". */
function isOff(v: TreeNode): boolean {
  if (v.kind === 'scalar') return v.value === false || v.value === null;
  if (v.kind === 'seq') return v.items.length === 0;
  return false;
}
