// The client-side view of a kubeconfig: @kubernetes/client-node's KubeConfig for the chosen context,
// with the identity read by kubeconfig.ts so that keys and requests agree on which cluster is meant.
import { KubeConfig } from '@kubernetes/client-node';
import { error, type Diagnostic } from '../../core/diagnostics.ts';
import { fail, ok, type Result } from '../../core/result.ts';
import { readKubeconfig, type ClusterIdentity } from './kubeconfig.ts';

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
  const { files, source, identity } = info.value;
  const config = new KubeConfig();
  try {
    files.forEach((file, i) => {
      if (i === 0) {
        config.loadFromFile(file);
      } else {
        const more = new KubeConfig();
        more.loadFromFile(file);
        config.mergeConfig(more, true);
      }
    });
  } catch (e) {
    return fail(error(`Cannot read kubeconfig "${source}": ${(e as Error).message}`));
  }
  allowPlainHttp(config);
  config.setCurrentContext(identity.context);
  return ok({ config, identity, source });
}

/**
 * client-node refuses `http://` servers unless TLS verification is switched off, though plain HTTP has no TLS
 * to verify; marking those clusters lets local and test clusters be used. HTTPS clusters are untouched.
 */
function allowPlainHttp(config: KubeConfig): void {
  if (!config.getClusters().some((c) => c.server.startsWith('http:') && !c.skipTLSVerify)) return;
  config.loadFromOptions({
    clusters: config
      .getClusters()
      .map((c) => (c.server.startsWith('http:') ? { ...c, skipTLSVerify: true } : c)),
    users: config.getUsers(),
    contexts: config.getContexts(),
    currentContext: config.getCurrentContext(),
  });
}
