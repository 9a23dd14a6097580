// Running the real kubectl and helm against a test server, each in its own sandbox: a temp HOME, a
// kubeconfig, and cache/config directories inside it, so runs never share (or pollute) discovery caches.
import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { repoRoot } from '../helpers/paths.ts';
import type { KubeServer } from './index.ts';

/** The kubectl the repository's setup script installs. */
export const kubectlPath: string = join(repoRoot, '.tools/bin/kubectl');

/** The helm the repository's setup script installs. */
export const helmPath: string = join(repoRoot, '.tools/bin/helm');

/** What a finished tool process left behind. */
export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion with the given environment (added to the current one). */
export function runTool(
  command: string,
  args: readonly string[],
  options: { env: Record<string, string>; cwd?: string; input?: string },
): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? process.cwd(),
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** A temp directory wired to one server: run kubectl and helm there. */
export interface KubeSandbox {
  dir: string;
  kubeconfig: string;
  env: Record<string, string>;
  kubectl(args: readonly string[], input?: string): Promise<ToolResult>;
  helm(args: readonly string[]): Promise<ToolResult>;
  /** Removes the sandbox directory. */
  cleanup(): Promise<void>;
}

/** Makes a sandbox for `server`; `token` overrides the token written to the kubeconfig. */
export async function kubeSandbox(
  server: KubeServer,
  options: { token?: string; namespace?: string } = {},
): Promise<KubeSandbox> {
  const dir = await mkdtemp(join(tmpdir(), 'dsg-kube-'));
  const kubeconfig = join(dir, 'kubeconfig');
  const kubeconfigOptions: { namespace?: string; token?: string } = {};
  if (options.token !== undefined) kubeconfigOptions.token = options.token;
  if (options.namespace !== undefined) kubeconfigOptions.namespace = options.namespace;
  await server.writeKubeconfig(kubeconfig, kubeconfigOptions);
  const home = join(dir, 'home');
  await mkdir(home);
  const env = {
    HOME: home,
    KUBECONFIG: kubeconfig,
    KUBECACHEDIR: join(dir, 'kube-cache'),
    HELM_CACHE_HOME: join(dir, 'helm-cache'),
    HELM_CONFIG_HOME: join(dir, 'helm-config'),
    HELM_DATA_HOME: join(dir, 'helm-data'),
    NO_COLOR: '1',
  };
  return {
    dir,
    kubeconfig,
    env,
    kubectl: (args, input) =>
      runTool(kubectlPath, args, input === undefined ? { env, cwd: dir } : { env, cwd: dir, input }),
    helm: (args) => runTool(helmPath, args, { env, cwd: dir }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A raw HTTP answer from the server. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Sends one request to the server (HTTP or HTTPS, trusting its CA), for tests below the client tools. */
export function requestServer(
  server: KubeServer,
  method: string,
  path: string,
  options: { body?: string | Uint8Array; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  const url = new URL(path, server.url);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      { method, headers: options.headers ?? {}, ...(server.ca === undefined ? {} : { ca: server.ca }) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
