// Which cluster a deploy talks to: the kubeconfig named by the task's KUBECONFIG (never the process's),
// the `--kube-context` override, and the namespace a deployment lands in. Read with the YAML parser alone:
// keys and render need the identity, and loading @kubernetes/client-node for it would cost a second.
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { parse } from 'yaml';
import type { DeploymentConfig } from '../../core/config.ts';
import { error, type Diagnostic } from '../../core/diagnostics.ts';
import { fail, ok, type Result } from '../../core/result.ts';

/** The cluster identity that goes into deploy keys. */
export interface ClusterIdentity {
  server: string;
  context: string;
  /** The namespace of the context (`default` when it names none). */
  namespace: string;
}

/** The kubeconfig of an environment, as far as dsg needs to know it without a client. */
export interface KubeconfigInfo {
  identity: ClusterIdentity;
  /** The existing kubeconfig files, in KUBECONFIG order. */
  files: string[];
  /** The kubeconfig as named in messages. */
  source: string;
}

/** The kubeconfig files of an environment: `KUBECONFIG` (a path list) or `~/.kube/config`. */
export function kubeconfigFiles(env: Readonly<Record<string, string>>): string[] {
  const fromEnv = env['KUBECONFIG'];
  if (fromEnv) return fromEnv.split(delimiter).filter((f) => f !== '');
  const home = env['HOME'] ?? env['USERPROFILE'];
  return home ? [join(home, '.kube', 'config')] : [];
}

/**
 * Every kubeconfig file of an environment as an absolute path, present or not: what `readKubeconfig` depends
 * on (a file that appears in the list takes part in the merge). Relative entries resolve as it resolves them.
 */
export function kubeconfigReads(env: Readonly<Record<string, string>>): string[] {
  return kubeconfigFiles(env).map((file) => resolve(file));
}

type Entry = { name?: unknown; [key: string]: unknown };

/**
 * Reads the kubeconfig of `env` and the identity of `kubeContext` (or the current context). Several files
 * merge as kubectl merges them: the first file that names a cluster, user or context wins.
 */
export function readKubeconfig(
  env: Readonly<Record<string, string>>,
  kubeContext?: string,
): Result<KubeconfigInfo, Diagnostic> {
  const files = kubeconfigFiles(env).filter((f) => existsSync(f));
  const source = env['KUBECONFIG'] ?? '~/.kube/config';
  if (files.length === 0) {
    return fail(
      error(
        `Cannot find a kubeconfig: "${source}" does not exist`,
        undefined,
        'set KUBECONFIG or create ~/.kube/config',
      ),
    );
  }
  const merged: Record<'clusters' | 'contexts', Map<string, Entry>> = {
    clusters: new Map(),
    contexts: new Map(),
  };
  let current: string | undefined;
  for (const file of files) {
    let doc: unknown;
    try {
      doc = parse(readFileSync(file, 'utf8'));
    } catch (e) {
      return fail(error(`Cannot read kubeconfig "${file}": ${(e as Error).message.split('\n')[0] ?? ''}`));
    }
    const config = (typeof doc === 'object' && doc !== null ? doc : {}) as Record<string, unknown>;
    for (const key of ['clusters', 'contexts'] as const) {
      const list = Array.isArray(config[key]) ? (config[key] as Entry[]) : [];
      for (const entry of list) {
        if (typeof entry.name === 'string' && !merged[key].has(entry.name))
          merged[key].set(entry.name, entry);
      }
    }
    const named = config['current-context'];
    if (current === undefined && typeof named === 'string' && named !== '') current = named;
  }
  const contextName = kubeContext ?? current;
  if (!contextName) {
    return fail(
      error(`Cannot use kubeconfig "${source}": it has no current context`, undefined, 'pass --kube-context'),
    );
  }
  const context = field(merged.contexts.get(contextName), 'context');
  if (!context) {
    const hint = kubeContext ? 'check --kube-context' : 'check current-context in the kubeconfig';
    return fail(
      error(`Cannot use kube context "${contextName}": "${source}" has no such context`, undefined, hint),
    );
  }
  const clusterName = typeof context['cluster'] === 'string' ? context['cluster'] : '';
  const cluster = field(merged.clusters.get(clusterName), 'cluster');
  const server = cluster?.['server'];
  if (typeof server !== 'string' || server === '') {
    return fail(error(`Cannot use kube context "${contextName}": its cluster has no server in "${source}"`));
  }
  const namespace =
    typeof context['namespace'] === 'string' && context['namespace'] !== ''
      ? context['namespace']
      : 'default';
  return ok({ identity: { server, context: contextName, namespace }, files, source });
}

function field(entry: Entry | undefined, key: string): Record<string, unknown> | undefined {
  const value = entry?.[key];
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}

/** The namespace a deployment's namespaced objects go to: `-n`, else the deployment's, else the context's. */
export function targetNamespace(
  settings: { namespace?: string },
  deployment: DeploymentConfig,
  identity: ClusterIdentity | undefined,
): string {
  return settings.namespace ?? deployment.namespace ?? identity?.namespace ?? 'default';
}
