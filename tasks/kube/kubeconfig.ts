// Which cluster a deploy talks to: the kubeconfig named by the task's KUBECONFIG (never the process's),
// the `--kube-context` override, and the namespace a deployment lands in.
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { DeploymentConfig } from '../../engine/config/types.ts';
import { error, type Diagnostic } from '../../engine/diagnostics.ts';
import { fail, ok, type Result } from '../../engine/result.ts';

/** The cluster identity that goes into deploy keys. */
export interface ClusterIdentity {
  server: string;
  context: string;
  /** The namespace of the context (`default` when it names none). */
  namespace: string;
}

/** A loaded kubeconfig with the chosen context, and where it came from. */
export interface KubeTarget {
  config: KubeConfig;
  identity: ClusterIdentity;
  /** The kubeconfig file(s), as named in messages. */
  source: string;
}

/** The kubeconfig files of an environment: `KUBECONFIG` (a path list) or `~/.kube/config`. */
export function kubeconfigFiles(env: Readonly<Record<string, string>>): string[] {
  const fromEnv = env['KUBECONFIG'];
  if (fromEnv) return fromEnv.split(delimiter).filter((f) => f !== '');
  const home = env['HOME'] ?? env['USERPROFILE'];
  return home ? [join(home, '.kube', 'config')] : [];
}

/** Loads the kubeconfig of `env` and selects `kubeContext` (or the current context). */
export function loadKubeTarget(
  env: Readonly<Record<string, string>>,
  kubeContext?: string,
): Result<KubeTarget, Diagnostic> {
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
  if (kubeContext) {
    if (!config.getContextObject(kubeContext)) {
      return fail(
        error(
          `Cannot use kube context "${kubeContext}": "${source}" has no such context`,
          undefined,
          'check --kube-context',
        ),
      );
    }
    config.setCurrentContext(kubeContext);
  }
  const contextName = config.getCurrentContext();
  const context = config.getContextObject(contextName);
  const cluster = config.getCurrentCluster();
  if (!context || !cluster) {
    return fail(
      error(
        `Cannot use kubeconfig "${source}": it has no current context with a cluster`,
        undefined,
        'pass --kube-context',
      ),
    );
  }
  return ok({
    config,
    identity: { server: cluster.server, context: contextName, namespace: context.namespace ?? 'default' },
    source,
  });
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

/** The namespace a deployment's namespaced objects go to: `-n`, else the deployment's, else the context's. */
export function targetNamespace(
  settings: { namespace?: string },
  deployment: DeploymentConfig,
  identity: ClusterIdentity | undefined,
): string {
  return settings.namespace ?? deployment.namespace ?? identity?.namespace ?? 'default';
}
