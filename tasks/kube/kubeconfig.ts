// The one kubeconfig reader: which cluster a deploy talks to, from the kubeconfig named by the task's
// KUBECONFIG (never the process's), the `--kube-context` override, and the namespace a deployment lands in.
// Read with the YAML parser alone: keys and render need the identity, and loading @kubernetes/client-node for
// it would cost a second. The merged document it returns is what the client is built from (kube-target.ts),
// so client and keys can never disagree about which definition won.
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
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

/** One named entry of a kubeconfig list (`clusters`, `users`, `contexts`), as written. */
export interface NamedEntry {
  name: string;
  [key: string]: unknown;
}

/** Several kubeconfig files merged into one document, kubectl's way; relative paths made absolute. */
export interface MergedKubeconfig {
  clusters: NamedEntry[];
  users: NamedEntry[];
  contexts: NamedEntry[];
  currentContext: string | undefined;
}

/** The kubeconfig of an environment, as far as dsg needs to know it without a client. */
export interface KubeconfigInfo {
  identity: ClusterIdentity;
  /** The existing kubeconfig files, in KUBECONFIG order. */
  files: string[];
  /** The kubeconfig as named in messages. */
  source: string;
  /** The merged document; `kube-target.ts` builds the client from it. */
  merged: MergedKubeconfig;
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

const lists = ['clusters', 'users', 'contexts'] as const;

// client-go resolves these relative to the file that names them (clientcmd's ResolveLocalPaths), so a file
// merged from elsewhere keeps pointing at its own certificates.
const pathFields: Record<(typeof lists)[number], { body: string; fields: string[] }> = {
  clusters: { body: 'cluster', fields: ['certificate-authority'] },
  users: { body: 'user', fields: ['client-certificate', 'client-key', 'tokenFile'] },
  contexts: { body: 'context', fields: [] },
};

/**
 * Merges kubeconfig files as kubectl does (clientcmd's loading rules): the first file that names a cluster,
 * user or context wins, and so does the first non-empty `current-context`.
 */
export function mergeKubeconfigFiles(files: readonly string[]): Result<MergedKubeconfig, Diagnostic> {
  const merged: MergedKubeconfig = { clusters: [], users: [], contexts: [], currentContext: undefined };
  const seen = { clusters: new Set<string>(), users: new Set<string>(), contexts: new Set<string>() };
  for (const file of files) {
    let doc: unknown;
    try {
      doc = parse(readFileSync(file, 'utf8'));
    } catch (e) {
      return fail(error(`Cannot read kubeconfig "${file}": ${(e as Error).message.split('\n')[0] ?? ''}`));
    }
    const config = record(doc) ?? {};
    for (const key of lists) {
      const list = Array.isArray(config[key]) ? (config[key] as unknown[]) : [];
      for (const item of list) {
        const entry = record(item);
        const name = entry?.['name'];
        if (!entry || typeof name !== 'string' || seen[key].has(name)) continue;
        seen[key].add(name);
        merged[key].push(withAbsolutePaths({ ...entry, name }, key, dirname(resolve(file))));
      }
    }
    const named = config['current-context'];
    if (merged.currentContext === undefined && typeof named === 'string' && named !== '')
      merged.currentContext = named;
  }
  return ok(merged);
}

function withAbsolutePaths(entry: NamedEntry, key: (typeof lists)[number], dir: string): NamedEntry {
  const { body, fields } = pathFields[key];
  const inner = record(entry[body]);
  if (!inner) return entry;
  const copy: Record<string, unknown> = { ...inner };
  for (const field of fields) {
    const value = copy[field];
    if (typeof value === 'string' && value !== '' && !isAbsolute(value)) copy[field] = join(dir, value);
  }
  const exec = record(copy['exec']);
  const command = exec?.['command'];
  // An exec command is a file only when it names a path; a bare name is looked up on PATH.
  if (exec && typeof command === 'string' && command.includes('/') && !isAbsolute(command))
    copy['exec'] = { ...exec, command: join(dir, command) };
  return { ...entry, [body]: copy };
}

/** Reads the kubeconfig of `env` and the identity of `kubeContext` (or the current context). */
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
  const read = mergeKubeconfigFiles(files);
  if (!read.ok) return read;
  const merged = read.value;
  const contextName = kubeContext ?? merged.currentContext;
  if (!contextName) {
    return fail(
      error(`Cannot use kubeconfig "${source}": it has no current context`, undefined, 'pass --kube-context'),
    );
  }
  const context = record(merged.contexts.find((c) => c.name === contextName)?.['context']);
  if (!context) {
    const hint = kubeContext ? 'check --kube-context' : 'check current-context in the kubeconfig';
    return fail(
      error(`Cannot use kube context "${contextName}": "${source}" has no such context`, undefined, hint),
    );
  }
  const clusterName = typeof context['cluster'] === 'string' ? context['cluster'] : '';
  const cluster = record(merged.clusters.find((c) => c.name === clusterName)?.['cluster']);
  const server = cluster?.['server'];
  if (typeof server !== 'string' || server === '') {
    return fail(error(`Cannot use kube context "${contextName}": its cluster has no server in "${source}"`));
  }
  const namespace =
    typeof context['namespace'] === 'string' && context['namespace'] !== ''
      ? context['namespace']
      : 'default';
  return ok({ identity: { server, context: contextName, namespace }, files, source, merged });
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/**
 * The namespace a deployment's namespaced objects go to, as DevSpace decides it: the deployment's own
 * `namespace:` (or its dependency's), else `-n`, else the context's.
 */
export function targetNamespace(
  settings: { namespace?: string },
  deployment: DeploymentConfig,
  identity: ClusterIdentity | undefined,
): string {
  return deployment.namespace ?? settings.namespace ?? identity?.namespace ?? 'default';
}
