// `dsg list deployments`: every deployment of the project and its dependencies, its kind, the namespace the
// next deploy goes to, and the key and time of its last successful deploy here (from .dsg/).
import { shortKey } from '../../../cache/key.ts';
import { openStore } from '../../../cache/store.ts';
import type { DeploymentConfig } from '../../../core/config.ts';
import { readKubeconfig, targetNamespace } from '../../../tasks/kube/kubeconfig.ts';
import { bool, str, type FlagValues } from '../args.ts';
import type { Io } from '../io.ts';
import { loadGraph } from '../load-project.ts';
import { stateDirOf } from '../state-dir.ts';

/** One row of the listing (also its `--json` form). */
export interface DeploymentRow {
  name: string;
  kind: 'kubectl' | 'kustomize' | 'helm' | 'component';
  namespace: string;
  /** False for a dependency whose deployments are not deployed (`skipDeploy`-style choices). */
  deployed: boolean;
  last?: { key: string; at: string; namespace?: string };
}

/** Runs `dsg list deployments`; returns the exit code. */
export async function listCommand(io: Io, flags: FlagValues, positionals: string[]): Promise<number> {
  if (positionals.length !== 1 || positionals[0] !== 'deployments') {
    io.stderr.write('dsg list: give what to list: dsg list deployments\n');
    return 2;
  }
  const loaded = await loadGraph(io, flags, { purpose: 'graph' });
  if (!loaded) return 1;
  const { graph } = loaded;
  const store = openStore(stateDirOf(io.cwd, flags, io.env));
  const kubeContext = str(flags, 'kube-context');
  const namespace = str(flags, 'namespace');
  const kubeconfig = readKubeconfig(io.env, kubeContext);
  const identity = kubeconfig.ok ? kubeconfig.value.identity : undefined;
  const rows: DeploymentRow[] = [];
  for (const node of graph.nodes.values()) {
    if (node.kind !== 'render') continue;
    const { deployment } = node.spec;
    const deployId = `${node.project.scope}deploy:${node.name}`;
    const row: DeploymentRow = {
      name: `${node.project.scope}${node.name}`,
      kind: kindOf(deployment),
      namespace: targetNamespace(namespace !== undefined ? { namespace } : {}, deployment, identity),
      deployed: graph.nodes.has(deployId),
    };
    const last = await store.lastSuccess(deployId);
    if (last.hit) {
      const recorded = last.entry.output.data['namespace'];
      row.last = {
        key: last.entry.key,
        at: last.entry.finishedAt,
        ...(typeof recorded === 'string' ? { namespace: recorded } : {}),
      };
    }
    rows.push(row);
  }
  if (bool(flags, 'json')) {
    io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return 0;
  }
  const table = [
    ['deployment', 'kind', 'namespace', 'last deployed'],
    ...rows.map((r) => [r.name, r.kind, r.namespace, lastDeployed(r)]),
  ];
  const widths = [0, 1, 2].map((i) => Math.max(...table.map((row) => (row[i] ?? '').length)));
  for (const row of table)
    io.stdout.write(`${row.map((cell, i) => (i < 3 ? cell.padEnd(widths[i] ?? 0) : cell)).join('  ')}\n`);
  return 0;
}

function kindOf(d: DeploymentConfig): DeploymentRow['kind'] {
  if (d.type === 'kubectl') return d.kustomize ? 'kustomize' : 'kubectl';
  return d.type;
}

function lastDeployed(row: DeploymentRow): string {
  if (!row.deployed) return 'not deployed (its dependency is not deployed)';
  if (!row.last) return 'never';
  const at = row.last.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  const where =
    row.last.namespace !== undefined && row.last.namespace !== row.namespace
      ? ` to ${row.last.namespace}`
      : '';
  return `${at}  ${shortKey(row.last.key)}${where}`;
}
