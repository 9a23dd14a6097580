// Benchmark of the deploy path: 300 objects (100 Deployments, 100 Services, 100 ConfigMaps) to a fresh
// stand-in API server, dsg's deploy task against `kubectl apply --server-side -f`, and a re-deploy with
// nothing changed. The server runs in its own process, so both clients pay the same for it.
// Usage: node dist/scripts/bench-deploy.js [--runs N] [--objects-per-kind N]   (kubectl from .tools/bin)
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import process from 'node:process';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { deployKind } from '../tasks/deploy/kind.ts';
import { KubeClient } from '../tasks/kube/client.ts';
import { loadKubeTarget } from '../tasks/kube/kube-target.ts';
import { syncObjects } from '../tasks/kube/sync.ts';
import { loadRenderedObjects, type RenderedData } from '../tasks/render/output.ts';
import { renderKind } from '../tasks/render/kind.ts';
import { runProcess } from '../core/process.ts';
import type { TaskOutput } from '../core/task-kind.ts';
import {
  deployNode,
  kubectlDeployment,
  renderNode,
  settings,
  taskContext,
} from '../test/fixtures/render/tasks.ts';
import { repoRoot } from '../test/helpers/paths.ts';

interface ServerStats {
  total: number;
  writes: number;
}

/** The stand-in API server in a child process, driven over stdin/stdout. */
class ServerProcess {
  private constructor(
    private readonly child: ChildProcessByStdio<Writable, Readable, null>,
    private readonly lines: AsyncIterator<string>,
    readonly url: string,
  ) {}

  static async start(readyDelayMs: number): Promise<ServerProcess> {
    const fromSource = import.meta.url.endsWith('.ts');
    const index = pathToFileURL(
      join(repoRoot, fromSource ? 'test/kube-server/index.ts' : 'dist/test/kube-server/index.js'),
    ).href;
    const code = [
      `const { startKubeServer } = await import(${JSON.stringify(index)});`,
      `const server = await startKubeServer({ readyDelayMs: ${readyDelayMs} });`,
      "const { createInterface } = await import('node:readline');",
      'console.log(server.url);',
      'for await (const line of createInterface({ input: process.stdin })) {',
      "  const [command, arg] = line.split(' ');",
      "  if (command === 'kubeconfig') { await server.writeKubeconfig(arg); console.log('ok'); }",
      "  else if (command === 'stats') { const s = server.stats(); console.log(JSON.stringify({ total: s.total, writes: s.writes })); }",
      "  else if (command === 'reset') { server.resetStats(); console.log('ok'); }",
      "  else if (command === 'cpu') { const c = process.cpuUsage(); console.log(String((c.user + c.system) / 1000)); }",
      "  else if (command === 'close') { await server.close(); console.log('ok'); process.exit(0); }",
      '}',
    ].join('\n');
    const args = fromSource ? ['eval', code] : ['--input-type=module', '-e', code];
    const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const first = await lines.next();
    return new ServerProcess(child, lines, String(first.value));
  }

  async ask(command: string): Promise<string> {
    this.child.stdin.write(`${command}\n`);
    const answer = await this.lines.next();
    return String(answer.value);
  }

  /** CPU milliseconds the server process has used so far. */
  async cpu(): Promise<number> {
    return Number(await this.ask('cpu'));
  }

  async stats(): Promise<ServerStats> {
    return JSON.parse(await this.ask('stats')) as ServerStats;
  }
}

function manifests(perKind: number): Record<string, string> {
  const docs = (make: (i: number) => string[]): string =>
    Array.from({ length: perKind }, (_, i) => ['---', ...make(i)].join('\n')).join('\n') + '\n';
  return {
    'objects/configmaps.yaml': docs((i) => [
      'apiVersion: v1',
      'kind: ConfigMap',
      `metadata: { name: cfg-${i} }`,
      `data: { index: "${i}" }`,
    ]),
    'objects/services.yaml': docs((i) => [
      'apiVersion: v1',
      'kind: Service',
      `metadata: { name: svc-${i} }`,
      `spec: { selector: { app: app-${i} }, ports: [{ port: 80 }] }`,
    ]),
    'objects/deployments.yaml': docs((i) => [
      'apiVersion: apps/v1',
      'kind: Deployment',
      `metadata: { name: app-${i} }`,
      'spec:',
      '  replicas: 1',
      `  selector: { matchLabels: { app: app-${i} } }`,
      '  template:',
      `    metadata: { labels: { app: app-${i} } }`,
      '    spec: { containers: [{ name: app, image: busybox }] }',
    ]),
  };
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, performance.now() - start];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

interface Cluster {
  server: ServerProcess;
  env: Record<string, string>;
}

async function freshCluster(
  base: Record<string, string>,
  dir: string,
  readyDelayMs: number,
): Promise<Cluster> {
  const server = await ServerProcess.start(readyDelayMs);
  const kubeconfig = join(dir, `kubeconfig-${randomBytes(4).toString('hex')}`);
  await server.ask(`kubeconfig ${kubeconfig}`);
  return { server, env: { ...base, KUBECONFIG: kubeconfig } };
}

/** Runs kubectl; wall milliseconds and the CPU milliseconds kubectl itself used. */
async function kubectlCpu(
  args: string[],
  dir: string,
  env: Record<string, string>,
): Promise<[number, number]> {
  const script = `TIMEFORMAT='%U %S'; time kubectl "$@" >/dev/null`;
  const [result, ms] = await timed(() =>
    runProcess('bash', ['-c', script, 'kubectl', ...args], { cwd: dir, env }),
  );
  if (!result.ok || result.value.code !== 0) {
    throw new Error(`kubectl ${args.join(' ')} failed: ${JSON.stringify(result)}`);
  }
  const [user = 0, system = 0] = (result.value.stderr.trim().split('\n').pop() ?? '').split(' ').map(Number);
  return [ms, (user + system) * 1000];
}

async function kubectl(args: string[], dir: string, env: Record<string, string>): Promise<number> {
  return (await kubectlCpu(args, dir, env))[0];
}

/** dsg's apply path alone: discovery, listing by label, server-side apply of every object (no rollout). */
async function dsgApply(
  cluster: Cluster,
  stateDir: string,
  render: TaskOutput<RenderedData>,
): Promise<[number, number]> {
  const target = loadKubeTarget(cluster.env);
  if (!target.ok) throw new Error(target.error.message);
  const { data } = render;
  const client = KubeClient.connect(target.value, 16);
  const cpu = process.cpuUsage();
  const [synced, ms] = await timed(async () => {
    const text = await readFile(join(stateDir, data.file), 'utf8');
    return syncObjects({
      client,
      objects: data.objects,
      load: () => loadRenderedObjects(stateDir, render, text),
      namespace: 'default',
      labelValue: 'bench',
      key: 'bench',
      previous: [],
      concurrency: 16,
      log: () => undefined,
      warn: () => undefined,
      bounds: { discoveryMs: 30_000, terminatingMs: 120_000 },
    });
  });
  const used = process.cpuUsage(cpu);
  client.close();
  if (!synced.ok) throw new Error(JSON.stringify(synced.error));
  return [ms, (used.user + used.system) / 1000];
}

const idle = 3_600_000;

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const option = (name: string, fallback: number): number => {
    const i = argv.indexOf(name);
    return i >= 0 ? Number(argv[i + 1]) : fallback;
  };
  const runs = option('--runs', 3);
  const perKind = option('--objects-per-kind', 100);
  const dir = await mkdtemp(join(tmpdir(), 'dsg-bench-deploy-'));
  await mkdir(join(dir, 'objects'), { recursive: true });
  for (const [path, text] of Object.entries(manifests(perKind))) await writeFile(join(dir, path), text);
  const env: Record<string, string> = {
    HOME: dir,
    PATH: [join(repoRoot, '.tools/bin'), process.env['PATH'] ?? ''].join(delimiter),
    DSG_ROLLOUT_TIMEOUT: '2m',
  };
  const deployment = kubectlDeployment({ name: 'bench', manifests: ['objects/'] });
  const apply = ['apply', '--server-side', '--field-manager', 'bench', '-f', 'objects/'];
  const wait = ['wait', '--for=condition=Available', '--all', 'deployments', '--timeout=120s'];
  const r: Record<string, number[]> = {};
  const record = (name: string, value: number): void => void (r[name] ??= []).push(value);

  for (let run = 0; run < runs; run++) {
    const stateDir = join(dir, `state-${run}`);
    const renderTask = renderNode(dir, deployment);
    const [rendered, renderMs] = await timed(() =>
      renderKind.run(renderTask, taskContext(renderTask, env, settings(stateDir))),
    );
    if (!rendered.ok) throw new Error(rendered.error.message);
    record('render', renderMs);

    // A. The apply path alone, controllers idle, so both sides only pay for the applies.
    const a1 = await freshCluster(env, dir, idle);
    const a1cpu = await a1.server.cpu();
    const [dsgMs, dsgCpu] = await dsgApply(a1, stateDir, rendered.value);
    record('dsgApply', dsgMs);
    record('dsgApplyCpu', dsgCpu + (await a1.server.cpu()) - a1cpu);
    await a1.server.ask('close');
    const a2 = await freshCluster(env, dir, idle);
    const a2cpu = await a2.server.cpu();
    const [kMs, kCpu] = await kubectlCpu(apply, dir, a2.env);
    record('kubectlApply', kMs);
    record('kubectlApplyCpu', kCpu + (await a2.server.cpu()) - a2cpu);
    await a2.server.ask('close');

    // B. The whole deploy with rollout (controllers immediate), and a re-deploy with nothing changed.
    const b1 = await freshCluster(env, dir, 0);
    const upstream = new Map<string, TaskOutput>([[renderTask.id, rendered.value]]);
    const task = deployNode(dir, deployment);
    const deploy = (): Promise<[Awaited<ReturnType<typeof deployKind.run>>, number]> =>
      timed(() => deployKind.run(task, taskContext(task, b1.env, settings(stateDir), { upstream })));
    const [first, firstMs] = await deploy();
    if (!first.ok) throw new Error(first.error.message);
    await b1.server.ask('reset');
    const [again, againMs] = await deploy();
    if (!again.ok) throw new Error(again.error.message);
    const stats = await b1.server.stats();
    await b1.server.ask('close');
    record('dsgDeploy', firstMs);
    record('noop', againMs);
    record('noopWrites', stats.writes);
    record('noopRequests', stats.total);
    const b2 = await freshCluster(env, dir, 0);
    const kApply = await kubectl(apply, dir, b2.env);
    const kWait = await kubectl(wait, dir, b2.env);
    record('kubectlDeploy', kApply + kWait);
    record('kubectlAgain', await kubectl(apply, dir, b2.env));
    await b2.server.ask('close');
    console.log(
      `run ${run + 1}: apply path dsg ${last(r, 'dsgApply')} / kubectl ${last(r, 'kubectlApply')} ms; ` +
        `deploy+rollout dsg ${last(r, 'dsgDeploy')} / kubectl apply+wait ${last(r, 'kubectlDeploy')} ms; ` +
        `no-op dsg ${last(r, 'noop')} ms (${stats.writes} writes, ${stats.total} requests) / kubectl ${last(r, 'kubectlAgain')} ms`,
    );
  }
  const m = (k: string): number => median(r[k] ?? []);
  const line = (label: string, value: string): void => console.log(`  ${label.padEnd(52)}${value}`);
  console.log(
    `\n${perKind * 3} objects (${perKind} Deployments, Services, ConfigMaps), median of ${runs} runs, node ${process.versions.node}:`,
  );
  line('render (dsg; not part of the comparison)', `${m('render').toFixed(0)} ms`);
  line('apply path: dsg (discover, list, apply)', `${m('dsgApply').toFixed(0)} ms`);
  line(
    'apply path CPU (client + server): dsg / kubectl',
    `${m('dsgApplyCpu').toFixed(0)} / ${m('kubectlApplyCpu').toFixed(0)} ms  -> dsg uses ${(m('kubectlApplyCpu') / m('dsgApplyCpu')).toFixed(1)}x less`,
  );
  line(
    'apply path: kubectl apply --server-side -f',
    `${m('kubectlApply').toFixed(0)} ms  -> dsg ${(m('kubectlApply') / m('dsgApply')).toFixed(1)}x faster`,
  );
  line('deploy with rollout: dsg', `${m('dsgDeploy').toFixed(0)} ms`);
  line(
    'deploy with rollout: kubectl apply + kubectl wait',
    `${m('kubectlDeploy').toFixed(0)} ms  -> dsg ${(m('kubectlDeploy') / m('dsgDeploy')).toFixed(1)}x faster`,
  );
  line(
    're-deploy, nothing changed: dsg',
    `${m('noop').toFixed(0)} ms  -> ${((100 * m('noop')) / m('dsgDeploy')).toFixed(1)}% of its first deploy; ${m('noopWrites')} writes, ${m('noopRequests')} requests`,
  );
  line('re-deploy, nothing changed: kubectl apply', `${m('kubectlAgain').toFixed(0)} ms`);
}

function last(r: Record<string, number[]>, key: string): string {
  const values = r[key] ?? [];
  return (values[values.length - 1] ?? 0).toFixed(0);
}

await main();
