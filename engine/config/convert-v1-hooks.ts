// v1betaN hooks → v2beta1: `when.before|after|onError.images|deployments|…` become `events` (DevSpace's own
// upgrade rules: `all` is the whole phase, a comma list one event per name), `where.container` becomes
// `container`. Everything else is kept for normalize-hooks.ts to read.
import { entry, mapNode, scalarNode, seqNode, str, type MapNode, type TreeNode } from './tree.ts';

/** Each `when` field and the event it stands for; `each`: `all` means every item (`:*`), not the phase. */
const WHEN: { field: string; event: string; each: boolean }[] = [
  { field: 'images', event: 'build', each: false },
  { field: 'deployments', event: 'deploy', each: false },
  { field: 'purgeDeployments', event: 'purge', each: false },
  { field: 'initialSync', event: 'initialSync', each: true },
];

/** Converts the `hooks` list of a v1 config (other shapes are left for the checks to report). */
export function convertV1Hooks(hooks: TreeNode): TreeNode {
  if (hooks.kind !== 'seq') return hooks;
  return seqNode(hooks.items.map(convertHook), hooks.loc);
}

function convertHook(hook: TreeNode): TreeNode {
  if (hook.kind !== 'map' || (!hook.entries.has('when') && !hook.entries.has('where'))) return hook;
  const out = mapNode(hook.loc);
  for (const [k, e] of hook.entries) if (k !== 'when' && k !== 'where') out.entries.set(k, e);
  const where = hook.entries.get('where')?.value;
  const container = where?.kind === 'map' ? where.entries.get('container') : undefined;
  if (container) out.entries.set('container', container);
  const when = hook.entries.get('when');
  if (when?.value.kind === 'map') {
    const at = when.keyLoc ?? when.value.loc;
    const events = eventsOf(when.value).map((e) => scalarNode(e, at));
    const written = out.entries.get('events')?.value;
    const items = written?.kind === 'seq' ? [...written.items, ...events] : events;
    out.entries.set('events', entry(seqNode(items, at), at));
  }
  return out;
}

function eventsOf(when: MapNode): string[] {
  const out: string[] = [];
  for (const [phase, prefix] of [
    ['before', 'before'],
    ['after', 'after'],
    ['onError', 'error'],
  ] as const) {
    const node = when.entries.get(phase)?.value;
    if (node?.kind !== 'map') continue;
    for (const { field, event, each } of WHEN) {
      const value = str(node.entries.get(field)?.value);
      if (value === undefined || value === '') continue;
      if (value === 'all')
        out.push(each || prefix === 'error' ? `${prefix}:${event}:*` : `${prefix}:${event}`);
      else for (const name of value.split(',')) out.push(`${prefix}:${event}:${name.trim()}`);
    }
    if (str(node.entries.get('pullSecrets')?.value)) out.push(`${prefix}:createPullSecrets`);
    if (str(node.entries.get('dependencies')?.value)) out.push(`${prefix}:deployDependencies`);
  }
  return out;
}
