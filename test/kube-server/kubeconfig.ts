// A kubeconfig that points kubectl, helm and @kubernetes/client-node at the stand-in.
import { writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';

/** The name of the cluster, user and context in written kubeconfigs. */
export const contextName = 'dsg-test';

/** The kubeconfig document for a server URL, a namespace, an optional bearer token and CA (PEM). */
export function kubeconfig(
  url: string,
  namespace: string,
  token: string | undefined,
  ca: string | undefined,
): object {
  const cluster =
    ca === undefined
      ? { server: url }
      : { server: url, 'certificate-authority-data': Buffer.from(ca).toString('base64') };
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: contextName, cluster }],
    users: [{ name: contextName, user: token === undefined ? {} : { token } }],
    contexts: [{ name: contextName, context: { cluster: contextName, user: contextName, namespace } }],
    'current-context': contextName,
    preferences: {},
  };
}

/** Writes a kubeconfig file (mode 0600, as kubectl expects for files holding credentials). */
export async function writeKubeconfigFile(
  path: string,
  url: string,
  namespace: string,
  token: string | undefined,
  ca: string | undefined,
): Promise<void> {
  await writeFile(path, stringify(kubeconfig(url, namespace, token, ca)), { mode: 0o600 });
}
