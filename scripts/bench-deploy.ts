// Benchmark of the deploy path, every side a process of its own against the same stand-in API server (itself a
// separate process, so both clients pay the same for it), on the same manifests: 3 × N objects (N Deployments,
// Services and ConfigMaps), a fresh server and a fresh .dsg/ for every measurement.
//   apply:   `dsg run deploy` (module load, config, kubeconfig, render, apply) of the Services and ConfigMaps, which
//            have no rollout, against `kubectl apply --server-side -f` of the same files;
//   deploy:  `dsg run deploy` of all of them (apply, then wait for each Deployment's rollout) against
//            `kubectl apply --server-side -f` followed by `kubectl rollout status` per Deployment, one after the
//            other as a script does, and as background jobs (the best the CLI does in parallel);
//   no-op:   `dsg run deploy` again with nothing changed against `kubectl apply --server-side -f` again.
// Usage: npm run build && node dist/scripts/bench-deploy.js [--runs N] [--objects-per-kind N]   (kubectl from .tools/bin)
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import process from 'node:process';
import { type Cluster, dsg, measure, median, repo as repoRoot, timeCommand } from './bench-lib.ts';

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

/** A project deploying `files` (under objects/) with one kubectl deployment, in a fresh folder. */
async function project(root: string, files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(root, 'project-'));
  await mkdir(join(dir, 'objects'));
  for (const [path, text] of Object.entries(files)) await writeFile(join(dir, path), text);
  const yaml = ['version: v2beta1', 'name: bench-deploy', 'deployments:', '  bench:', '    kubectl:'];
  yaml.push('      manifests: [objects/]', '');
  await writeFile(join(dir, 'devspace.yaml'), yaml.join('\n'));
  // Files written within the racy window are not trusted to the run memo: let them age, as a real project's have.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  return dir;
}

/** `dsg run deploy` in `dir` against `cluster`; its wall time, checked to have deployed (or cached) the task. */
function dsgDeploy(dir: string, cluster: Cluster, expect: 'ran' | 'cached'): number {
  const r = timeCommand([...dsg, 'run', 'deploy', '--json'], dir, cluster.env);
  const end = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { type: string; id?: string; status?: string })
    .find((e) => e.type === 'task-end' && e.id === 'deploy:bench');
  if (end?.status !== expect)
    throw new Error(`dsg run deploy: deploy:bench ${end?.status ?? 'missing'}, not ${expect}`);
  return r.ms;
}

/** A bash script as one process, as the CLI is driven from a terminal or CI. */
function shell(script: string, dir: string, cluster: Cluster): number {
  return timeCommand(['bash', '-c', `set -e\n${script}`], dir, cluster.env).ms;
}

const APPLY = 'kubectl apply --server-side --field-manager bench -f objects/ >/dev/null';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const option = (name: string, fallback: number): number => {
    const i = argv.indexOf(name);
    return i >= 0 ? Number(argv[i + 1]) : fallback;
  };
  const runs = option('--runs', 3);
  const perKind = option('--objects-per-kind', 100);
  const root = await mkdtemp(join(tmpdir(), 'dsg-bench-deploy-'));
  const env: Record<string, string> = {
    HOME: root,
    PATH: [join(repoRoot, '.tools/bin'), process.env['PATH'] ?? ''].join(delimiter),
    DSG_ROLLOUT_TIMEOUT: '2m',
  };
  const all = manifests(perKind);
  const noRollout = Object.fromEntries(
    Object.entries(all).filter(([path]) => path !== 'objects/deployments.yaml'),
  );
  const rollouts = Array.from({ length: perKind }, (_, i) => `deployment/app-${i}`);
  const statusLoop = rollouts.map((d) => `kubectl rollout status ${d} --timeout=120s >/dev/null`).join('\n');
  const statusJobs = [
    'pids=()',
    ...rollouts.map((d) => `kubectl rollout status ${d} --timeout=120s >/dev/null & pids+=($!)`),
    'for p in "${pids[@]}"; do wait "$p"; done',
  ].join('\n');
  const r: Record<string, number[]> = {};
  const record = (name: string, value: number): number => ((r[name] ??= []).push(value), value);
  try {
    for (let run = 0; run < runs; run++) {
      // Apply only: objects without a rollout.
      const applyDir = await project(root, noRollout);
      await measure(env, applyDir, (c) => record('dsgApply', dsgDeploy(applyDir, c, 'ran')));
      await measure(env, applyDir, (c) => record('kubectlApply', shell(APPLY, applyDir, c)));

      // Deploy with rollouts, then the no-op, on one server per side.
      const dir = await project(root, all);
      let writes = 0;
      let requests = 0;
      await measure(env, dir, async (c) => {
        record('dsgDeploy', dsgDeploy(dir, c, 'ran'));
        await c.server.ask('reset');
        record('dsgNoop', dsgDeploy(dir, c, 'cached'));
        ({ writes, total: requests } = await c.server.stats());
      });
      await measure(env, dir, (c) => {
        record('kubectlDeploy', shell(`${APPLY}\n${statusLoop}`, dir, c));
        record('kubectlNoop', shell(APPLY, dir, c));
      });
      await measure(env, dir, (c) => record('kubectlDeployJobs', shell(`${APPLY}\n${statusJobs}`, dir, c)));
      await rm(join(dir, '.dsg'), { recursive: true, force: true });
      console.log(
        `run ${run + 1}: apply dsg ${last(r, 'dsgApply')} / kubectl ${last(r, 'kubectlApply')} ms; ` +
          `deploy+rollout dsg ${last(r, 'dsgDeploy')} / kubectl apply+rollout status ${last(r, 'kubectlDeploy')} ` +
          `(jobs ${last(r, 'kubectlDeployJobs')}) ms; no-op dsg ${last(r, 'dsgNoop')} ms (${writes} writes, ` +
          `${requests} requests) / kubectl ${last(r, 'kubectlNoop')} ms`,
      );
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  const m = (k: string): number => median(r[k] ?? []);
  const ratio = (a: string, b: string): string =>
    `${m(a).toFixed(0)} ms  -> dsg / kubectl ${(m(a) / m(b)).toFixed(2)}`;
  const line = (label: string, value: string): void => console.log(`    ${label.padEnd(56)}${value}`);
  console.log(
    `\n${perKind * 3} objects (${perKind} Deployments, Services, ConfigMaps), every side a process, median of ${runs} runs, node ${process.versions.node}:`,
  );
  console.log(`  apply, the ${perKind * 2} objects without a rollout:`);
  line('kubectl apply --server-side', `${m('kubectlApply').toFixed(0)} ms`);
  line('dsg run deploy', ratio('dsgApply', 'kubectlApply'));
  console.log(`  deploy, all ${perKind * 3} objects, until every Deployment has rolled out:`);
  line('kubectl apply, then rollout status per Deployment', `${m('kubectlDeploy').toFixed(0)} ms`);
  line('kubectl apply, then rollout status as background jobs', `${m('kubectlDeployJobs').toFixed(0)} ms`);
  line(
    'dsg run deploy',
    `${ratio('dsgDeploy', 'kubectlDeployJobs')} (jobs), ${(m('dsgDeploy') / m('kubectlDeploy')).toFixed(2)} (in turn)`,
  );
  console.log('  re-deploy, nothing changed:');
  line('kubectl apply --server-side', `${m('kubectlNoop').toFixed(0)} ms`);
  line('dsg run deploy', ratio('dsgNoop', 'kubectlNoop'));
}

function last(r: Record<string, number[]>, key: string): string {
  const values = r[key] ?? [];
  return (values[values.length - 1] ?? 0).toFixed(0);
}

await main();
