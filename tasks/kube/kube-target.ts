// The client-side view of a kubeconfig: @kubernetes/client-node's KubeConfig for the chosen context, built
// from the document kubeconfig.ts merged. client-node never merges files itself (its merge refuses two files
// that share a cluster name, which kubectl accepts: the first wins), so keys and requests agree on the cluster.
import { KubeConfig } from '@kubernetes/client-node';
import { error, type Diagnostic } from '../../core/diagnostics.ts';
import { fail, ok, type Result } from '../../core/result.ts';
import { readKubeconfig, type ClusterIdentity, type MergedKubeconfig } from './kubeconfig.ts';

/** A loaded kubeconfig with the chosen context, and where it came from. */
export interface KubeTarget {
  config: KubeConfig;
  identity: ClusterIdentity;
  /** The kubeconfig file(s), as named in messages. */
  source: string;
}

/** Loads the kubeconfig of `env` and selects `kubeContext` (or the current context). */
export function loadKubeTarget(
  env: Readonly<Record<string, string>>,
  kubeContext?: string,
): Result<KubeTarget, Diagnostic> {
  const info = readKubeconfig(env, kubeContext);
  if (!info.ok) return info;
  const { source, identity, merged } = info.value;
  const config = new KubeConfig();
  try {
    // JSON is YAML: client-node parses each entry with its own rules, from one already merged document.
    config.loadFromString(JSON.stringify(document(merged, identity.context)));
  } catch (e) {
    return fail(error(`Cannot read kubeconfig "${source}": ${(e as Error).message}`));
  }
  return ok({ config, identity, source });
}

/**
 * The merged kubeconfig as one document. client-node refuses `http://` servers unless TLS verification is
 * switched off, though plain HTTP has no TLS to verify: those clusters are marked so that local and test
 * clusters can be used. HTTPS clusters are untouched.
 */
function document(merged: MergedKubeconfig, context: string): object {
  const clusters = merged.clusters.map((entry) => {
    const cluster = entry['cluster'] as Record<string, unknown> | undefined;
    const server = cluster?.['server'];
    if (typeof server !== 'string' || !server.startsWith('http:')) return entry;
    return { ...entry, cluster: { ...cluster, 'insecure-skip-tls-verify': true } };
  });
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters,
    users: merged.users,
    contexts: merged.contexts,
    'current-context': context,
  };
}
