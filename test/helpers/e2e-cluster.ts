// The cluster of a deploy end-to-end test: the stand-in API server (started per test), or, when
// DSG_TEST_KUBECONFIG names a kubeconfig, that real cluster with a fresh namespace per test (CI runs the same
// tests against kind, .github/workflows/e2e-kind.yml). Assertions read the cluster through the real kubectl,
// so they hold in both places; what only the stand-in can do (inject a failing pod, lag discovery, restrict
// a token) is reached through `standIn`, and tests say so where they use it.
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import process from 'node:process';
import { kubectlPath, runTool, type ToolResult } from '../kube-server/clients.ts';
import {
  startKubeServer,
  type KubeObject,
  type KubeServer,
  type KubeServerOptions,
} from '../kube-server/index.ts';
import { toolEnv } from '../fixtures/render/tasks.ts';
import { tempDir } from './cli.ts';

/** A cluster for one test. */
export interface E2eCluster {
  /** The stand-in; undefined on a real cluster. */
  standIn: KubeServer | undefined;
  /** HOME, PATH (kubectl and helm first) and KUBECONFIG for dsg and the tools. */
  env: Record<string, string>;
  stateDir: string;
  /** A namespace no other test uses: the kubeconfig context's namespace. */
  namespace: string;
  kubectl(args: readonly string[], input?: string): Promise<ToolResult>;
  /** The live object, read with `kubectl get -o json`; undefined when it does not exist. */
  get(apiVersion: string, kind: string, name: string, namespace?: string): Promise<KubeObject | undefined>;
  /** Stops the stand-in, or deletes the test's namespace on a real cluster. */
  close(): Promise<void>;
}

/** The real cluster's kubeconfig when the tests are asked to use one. */
export const realKubeconfig: string | undefined = process.env['DSG_TEST_KUBECONFIG'] || undefined;

/** A cluster for one test; `options` configure the stand-in (ignored on a real cluster). */
export async function e2eCluster(
  options: KubeServerOptions & { env?: Record<string, string> } = {},
): Promise<E2eCluster> {
  const home = await tempDir('dsg-e2e-');
  const namespace = `dsg-e2e-${randomBytes(4).toString('hex')}`;
  const kubeconfig = join(home, 'kubeconfig');
  let standIn: KubeServer | undefined;
  if (realKubeconfig) {
    await writeFile(kubeconfig, await readFile(realKubeconfig, 'utf8'), { mode: 0o600 });
  } else {
    standIn = await startKubeServer(options);
    await standIn.writeKubeconfig(kubeconfig, { namespace });
  }
  const env = await toolEnv({ KUBECONFIG: kubeconfig, ...options.env });
  const kubectl = (args: readonly string[], input?: string): Promise<ToolResult> =>
    runTool(kubectlPath, args, input === undefined ? { env } : { env, input });
  if (realKubeconfig) {
    const set = await kubectl(['config', 'set-context', '--current', `--namespace=${namespace}`]);
    if (set.code !== 0) throw new Error(`Cannot set the test namespace: ${set.stderr}`);
  }
  return {
    standIn,
    env,
    stateDir: join(home, 'state'),
    namespace,
    kubectl,
    get: async (apiVersion, kind, name, ns = namespace) => {
      const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
      const resource = group ? `${kind.toLowerCase()}.${version ?? ''}.${group}` : kind.toLowerCase();
      const got = await kubectl(['get', resource, name, '-n', ns, '-o', 'json', '--ignore-not-found']);
      if (got.code !== 0) throw new Error(`kubectl get ${resource} ${name}: ${got.stderr}`);
      return got.stdout.trim() === '' ? undefined : (JSON.parse(got.stdout) as KubeObject);
    },
    close: async () => {
      if (standIn) await standIn.close();
      else await kubectl(['delete', 'namespace', namespace, '--wait=false', '--ignore-not-found']);
    },
  };
}
