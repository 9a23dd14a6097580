// Small helpers shared by the benchmark scripts: timing child processes and printing tables.
import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import process from 'node:process';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository root (benchmarks run compiled from dist/scripts or from source under Deno). */
export const repo = fileURLToPath(
  new URL(import.meta.url.includes('/dist/') ? '../../' : '../', import.meta.url),
);

/** The command that starts dsg: the bundle that `bin` runs (`npm run build`). */
export const dsg = [process.execPath, join(repo, 'dist/cli/dsg.js')];

/** Runs a command and returns its wall time in ms; throws when it fails unless `allowFail`. */
export function timeCommand(
  argv: readonly string[],
  cwd: string,
  env: Record<string, string> = {},
  allowFail = false,
): { ms: number; stdout: string; stderr: string } {
  const [cmd, ...args] = argv;
  const start = performance.now();
  const r = spawnSync(cmd ?? '', args, {
    cwd,
    env: { ...process.env, NO_COLOR: '1', ...env },
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const ms = performance.now() - start;
  if (r.status !== 0 && !allowFail)
    throw new Error(`${argv.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return { ms, stdout: r.stdout, stderr: r.stderr };
}

/** The median of some measurements. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Prints rows as an aligned table. */
export function printTable(header: string[], rows: (string | number)[][]): void {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  for (const r of cells) process.stdout.write(`${r.map((c, i) => c.padStart(widths[i] ?? 0)).join('  ')}\n`);
}

interface ServerStats {
  total: number;
  writes: number;
}

/** The stand-in API server in a child process, driven over stdin/stdout. */
export class ServerProcess {
  private constructor(
    private readonly child: ChildProcessByStdio<Writable, Readable, null>,
    private readonly lines: AsyncIterator<string>,
    readonly url: string,
  ) {}

  static async start(): Promise<ServerProcess> {
    const fromSource = import.meta.url.endsWith('.ts');
    const index = pathToFileURL(
      join(repo, fromSource ? 'test/kube-server/index.ts' : 'dist/test/kube-server/index.js'),
    ).href;
    const code = [
      `const { startKubeServer } = await import(${JSON.stringify(index)});`,
      'const server = await startKubeServer();',
      "const { createInterface } = await import('node:readline');",
      'console.log(server.url);',
      'for await (const line of createInterface({ input: process.stdin })) {',
      "  const [command, arg] = line.split(' ');",
      "  if (command === 'kubeconfig') { await server.writeKubeconfig(arg); console.log('ok'); }",
      "  else if (command === 'stats') { const s = server.stats(); console.log(JSON.stringify({ total: s.total, writes: s.writes })); }",
      "  else if (command === 'reset') { server.resetStats(); console.log('ok'); }",
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

  async stats(): Promise<ServerStats> {
    return JSON.parse(await this.ask('stats')) as ServerStats;
  }
}

export interface Cluster {
  server: ServerProcess;
  env: Record<string, string>;
}

export async function freshCluster(base: Record<string, string>, dir: string): Promise<Cluster> {
  const server = await ServerProcess.start();
  const kubeconfig = join(dir, `kubeconfig-${randomBytes(4).toString('hex')}`);
  await server.ask(`kubeconfig ${kubeconfig}`);
  return { server, env: { ...base, KUBECONFIG: kubeconfig } };
}

/** Runs `fn` against a fresh server, which is closed after it. */
export async function measure(
  env: Record<string, string>,
  dir: string,
  fn: (c: Cluster) => unknown,
): Promise<void> {
  const cluster = await freshCluster(env, dir);
  try {
    await fn(cluster);
  } finally {
    await cluster.server.ask('close');
  }
}
