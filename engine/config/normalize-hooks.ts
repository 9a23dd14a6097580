// `hooks` (v2beta1, or converted from the older `when.before/after` forms) → HookConfig[]: local commands and
// the events they run at. dsg fires the events of builds, deploys and purges (hooks.ts in engine/graph and
// engine/run); hooks that act in containers, and events dsg never fires, are named in one warning each.
import process from 'node:process';
import type { HookConfig } from '../../core/config.ts';
import type { DiagSink } from './diag-sink.ts';
import { describe, formatPath, type TreeNode } from './tree.ts';

/** Events dsg fires: `before:`/`after:` a whole project's phase, `before:`/`after:`/`error:` of one item. */
const FIRED =
  /^(?:(?:before|after):(?:build|deploy|purge)|(?:before|after|error):(?:build|deploy|purge):[^:]+)$/;

const KNOWN = new Set([
  'name',
  'disabled',
  'events',
  'command',
  'args',
  'os',
  'upload',
  'download',
  'logs',
  'wait',
  'background',
  'silent',
  'container',
]);

/** Keys of a hook that acts inside a container: dsg runs local commands only. */
const IN_CONTAINER = ['container', 'upload', 'download', 'logs', 'wait'];

/** Reads `hooks`; `names` are the project's images and deployments, for events that name one. */
export function normalizeHooks(
  node: TreeNode | undefined,
  names: { images: ReadonlySet<string>; deployments: ReadonlySet<string> },
  sink: DiagSink,
): HookConfig[] {
  if (!node || (node.kind === 'scalar' && node.value === null)) return [];
  if (node.kind !== 'seq') {
    sink.error(`\`hooks\` must be a list of hooks, got ${describe(node)}`, node.loc);
    return [];
  }
  const out: HookConfig[] = [];
  node.items.forEach((item, index) => {
    const hook = readHook(item, index, sink);
    if (!hook) return;
    const unknown = hook.events.filter((e) => !FIRED.test(e));
    if (unknown.length > 0) {
      sink.warn(
        `Hook ${hook.name} listens to ${unknown.map((e) => `"${e}"`).join(', ')}, which dsg never fires`,
        hook.at,
        'dsg fires before:/after: build, deploy and purge, and before:/after:/error: of one image or deployment (NAME or *)',
      );
    }
    for (const event of hook.events) {
      const [, what, item] = event.split(':');
      if (item === undefined || item === '*' || !FIRED.test(event)) continue;
      const known = what === 'build' ? names.images : names.deployments;
      if (!known.has(item))
        sink.warn(
          `Hook ${hook.name} listens to "${event}", but there is no ${what === 'build' ? 'image' : 'deployment'} "${item}"`,
          hook.at,
        );
    }
    out.push(hook);
  });
  return out;
}

function readHook(item: TreeNode, index: number, sink: DiagSink): HookConfig | undefined {
  const path = ['hooks', index];
  if (item.kind !== 'map') {
    sink.error(
      `\`${formatPath(path)}\` must be a mapping with \`command\` and \`events\`, got ${describe(item)}`,
      item.loc,
    );
    return undefined;
  }
  const at = item.loc ?? item.entries.values().next().value?.keyLoc;
  const get = (k: string): TreeNode | undefined => item.entries.get(k)?.value;
  const written = get('name');
  const name =
    written?.kind === 'scalar' && typeof written.value === 'string'
      ? `"${written.value}"`
      : `\`${formatPath(path)}\``;
  let ok = true;
  for (const [k, e] of item.entries) {
    if (KNOWN.has(k)) continue;
    sink.error(`Unknown key "${k}" in hook ${name}`, e.keyLoc, `known keys: ${[...KNOWN].join(', ')}`);
    ok = false;
  }
  if (isTrue(get('disabled')) || !forThisOs(get('os'))) return undefined;
  const inContainer = IN_CONTAINER.filter((k) => item.entries.has(k));
  if (inContainer.length > 0) {
    sink.warn(
      `Hook ${name} acts in a container (\`${inContainer.join('`, `')}\`): dsg runs local commands only, and ignores it`,
      at,
    );
    return undefined;
  }
  const events = strings(get('events'));
  if (!events) {
    sink.error(
      `\`${formatPath([...path, 'events'])}\` must be a list of events such as "before:deploy"`,
      item.entries.get('events')?.keyLoc ?? at,
    );
    ok = false;
  }
  const command = get('command');
  if (command?.kind !== 'scalar' || typeof command.value !== 'string' || command.value.trim() === '') {
    sink.error(`Hook ${name} needs \`command\`: the local command to run`, command?.loc ?? at);
    ok = false;
  }
  const argsNode = get('args');
  const args = argsNode ? strings(argsNode) : undefined;
  if (argsNode && !args) {
    sink.error(`\`${formatPath([...path, 'args'])}\` must be a list of strings`, argsNode.loc);
    ok = false;
  }
  if (isTrue(get('background')))
    sink.warn(
      `Hook ${name} has \`background: true\`: dsg waits for it like any other hook`,
      item.entries.get('background')?.keyLoc,
    );
  if (!ok || !events || command?.kind !== 'scalar' || !at) return undefined;
  const hook: HookConfig = { name, at, events, command: String(command.value) };
  if (args) hook.args = args;
  return hook;
}

function isTrue(node: TreeNode | undefined): boolean {
  return node?.kind === 'scalar' && node.value === true;
}

/** `os: linux,darwin` (Go's names): the hook runs on those only. */
function forThisOs(node: TreeNode | undefined): boolean {
  if (node?.kind !== 'scalar' || typeof node.value !== 'string' || node.value.trim() === '') return true;
  const here = process.platform === 'win32' ? 'windows' : process.platform;
  return node.value.split(',').some((os) => os.trim() === here);
}

function strings(node: TreeNode | undefined): string[] | undefined {
  if (node?.kind !== 'seq') return undefined;
  const out: string[] = [];
  for (const item of node.items) {
    if (item.kind !== 'scalar' || item.value === null || typeof item.value === 'object') return undefined;
    out.push(String(item.value));
  }
  return out;
}
