// The public surface: every command, its flags and its help text.
import type { FlagSpec } from './args.ts';
import { LOCK_TIMEOUT_FLAG } from './lock-settings.ts';

const HELP: FlagSpec = { name: 'help', short: 'h', type: 'boolean', help: 'Show help for this command' };

/** Flags that choose and shape the config: every command that reads devspace.yaml takes them. */
export const CONFIG_FLAGS: FlagSpec[] = [
  { name: 'config', type: 'string', value: 'FILE', help: 'Config file to use (default: devspace.yaml)' },
  {
    name: 'profile',
    short: 'p',
    type: 'string',
    repeat: true,
    value: 'NAME',
    help: 'Apply a profile (repeatable, in order)',
  },
  { name: 'var', type: 'string', repeat: true, value: 'K=V', help: 'Set a config variable (repeatable)' },
  { name: 'namespace', short: 'n', type: 'string', value: 'NS', help: 'Namespace to deploy to' },
  { name: 'kube-context', type: 'string', value: 'CTX', help: 'Kube context to use' },
  {
    name: 'offline',
    type: 'boolean',
    help: 'Use git dependencies and imports as they are in the git cache; fetch nothing',
  },
  HELP,
];

/** Flags of `dsg run`. */
export const RUN_FLAGS: FlagSpec[] = [
  {
    name: 'force-build',
    short: 'b',
    type: 'boolean',
    help: 'Rebuild every image even when its inputs are unchanged',
  },
  {
    name: 'force-deploy',
    short: 'd',
    type: 'boolean',
    help: 'Redeploy every deployment even when unchanged',
  },
  {
    name: 'force',
    type: 'string',
    repeat: true,
    value: 'TASK',
    help: 'Run this task even when cached (repeatable)',
  },
  { name: 'build-sequential', type: 'boolean', help: 'Build one image at a time' },
  { name: 'max-concurrent-builds', type: 'number', value: 'N', help: 'At most N builds at once' },
  {
    name: 'parallel',
    type: 'number',
    value: 'N',
    help: 'At most N tasks at once (default: 2 × CPUs, at least 4)',
  },
  {
    name: 'tag',
    short: 't',
    type: 'string',
    repeat: true,
    value: 'TAG',
    help: 'Tag images with TAG instead of the content key',
  },
  { name: 'skip-push', type: 'boolean', help: 'Tag images locally, push nothing' },
  {
    name: 'skip-build',
    type: 'boolean',
    help: 'Build nothing: deploy each image as last built (a warning names it; never built is an error)',
  },
  { name: 'skip-deploy', type: 'boolean', help: 'Build and tag only: render and deploy nothing' },
  {
    name: 'keep-going',
    type: 'boolean',
    help: 'After a failure, still run every task that does not depend on it',
  },
  { name: 'dry-run', type: 'boolean', help: 'Print what would run and why; run nothing' },
  { name: 'json', type: 'boolean', help: 'Print one JSON event per line' },
  { name: 'verbose', short: 'v', type: 'boolean', help: 'Print every task log line (plain output)' },
  LOCK_TIMEOUT_FLAG,
  {
    name: 'cache-max-size',
    type: 'number',
    value: 'MB',
    help: 'Prune .dsg/ after a run that grew it past MB (default 500; env DSG_CACHE_MAX_SIZE, 0 = never)',
  },
];

/** Flags of `dsg dev`: those of `dsg run` (a dry run aside), the debounce and the live page. */
export const DEV_FLAGS: FlagSpec[] = [
  ...RUN_FLAGS.filter((f) => f.name !== 'dry-run'),
  {
    name: 'debounce',
    type: 'number',
    value: 'MS',
    help: 'Wait for MS without a change before running (default 100; at most 10× that, 1 s or more, in a stream of saves)',
  },
  { name: 'ui', type: 'boolean', help: 'Serve the live graph page on 127.0.0.1 and print its address' },
];

/** A command of the CLI. */
export interface CommandSpec {
  name: string;
  usage: string;
  summary: string;
  flags: FlagSpec[];
  details?: string;
}

/** Every command, in help order. */
export const COMMANDS: CommandSpec[] = [
  {
    name: 'run',
    usage: 'dsg run deploy|build|render|purge [DEPLOYMENT...] [flags]',
    summary: 'Run a pipeline over the task graph, skipping what is unchanged',
    flags: [...RUN_FLAGS, ...CONFIG_FLAGS],
    details:
      'Pipelines:\n  deploy  build → tag (push) → render → deploy, dependencies first\n  build   build and tag (push) every image\n  render  write the rendered manifests to .dsg/rendered/, touch no cluster\n  purge   remove what dsg deployed, dependencies last\n\nDEPLOYMENT...: only these deployments (`web`, or `db/postgres` in dependency db), with what they\ndepend on (their images, the deployments of their dependencies); purge removes only those named.',
  },
  {
    name: 'dev',
    usage: 'dsg dev [flags]',
    summary: 'Deploy, then watch the inputs and re-run only the affected tasks on every save',
    flags: [...DEV_FLAGS, ...CONFIG_FLAGS],
    details:
      'Runs the deploy pipeline, then watches every input of the graph. A save re-runs the tasks whose inputs\nchanged and what depends on them; a change to devspace.yaml compiles the graph again. Holds the project\nlock until Ctrl-C: a dsg run in another terminal waits for it.',
  },
  {
    name: 'graph',
    usage: 'dsg graph [--format text|dot|mermaid|json|html|svg] [--focus TASK] [-o FILE] [flags]',
    summary: 'Print the compiled task graph',
    flags: [
      {
        name: 'format',
        type: 'string',
        value: 'FORMAT',
        help: 'text (default), dot, mermaid, json, html (a page with the last run) or svg',
      },
      {
        name: 'focus',
        type: 'string',
        value: 'TASK',
        help: 'Only TASK, what it depends on and what depends on it',
      },
      { name: 'output', short: 'o', type: 'string', value: 'FILE', help: 'Write to FILE instead of stdout' },
      {
        name: 'run',
        type: 'string',
        value: 'ID',
        help: 'html: draw this run (an id in .dsg/runs/, or its start) instead of the last',
      },
      {
        name: 'open',
        type: 'boolean',
        help: 'html, svg: open the file in a browser ($BROWSER; .dsg/graph.html without -o)',
      },
      ...CONFIG_FLAGS,
    ],
  },
  {
    name: 'why',
    usage: 'dsg why TASK [flags]',
    summary: "Show what changed in a task's inputs since its last successful run",
    flags: [
      { name: 'tag', short: 't', type: 'string', repeat: true, value: 'TAG', help: 'As for dsg run' },
      LOCK_TIMEOUT_FLAG,
      ...CONFIG_FLAGS,
    ],
  },
  {
    name: 'print',
    usage: 'dsg print [flags]',
    summary: 'Print the config as dsg reads it: variables filled in, profiles applied, as v2beta1',
    flags: CONFIG_FLAGS,
  },
  {
    name: 'list',
    usage: 'dsg list deployments [--json] [flags]',
    summary: 'List the deployments: kind, namespace, last deploy (key and time)',
    flags: [{ name: 'json', type: 'boolean', help: 'Print JSON' }, ...CONFIG_FLAGS],
  },
  {
    name: 'logs',
    usage: 'dsg logs TASK [--config FILE]',
    summary: 'Print the log of the last run of a task',
    flags: [CONFIG_FLAGS[0] as FlagSpec, HELP],
  },
  {
    name: 'cache',
    usage: 'dsg cache ls|clear|gc [--max-age DAYS] [--max-size MB] [--json] [--git]',
    summary: 'Inspect and prune the local cache (.dsg/)',
    flags: [
      {
        name: 'max-age',
        type: 'number',
        value: 'DAYS',
        help: 'gc: remove what the latest run does not need and is older than DAYS (default 30)',
      },
      {
        name: 'max-size',
        type: 'number',
        value: 'MB',
        help: 'gc: then remove the oldest of it until .dsg/ holds at most MB',
      },
      { name: 'json', type: 'boolean', help: 'ls: print JSON' },
      {
        name: 'git',
        type: 'boolean',
        help: 'clear: remove the git checkouts of dependencies and imports (shared by every project) instead',
      },
      {
        ...LOCK_TIMEOUT_FLAG,
        help: 'clear, gc: wait at most SECONDS for a running dsg (default: fail at once)',
      },
      CONFIG_FLAGS[0] as FlagSpec,
      HELP,
    ],
  },
];

/** Text of `dsg --help`. */
export function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'dsg — a content-addressed deploy engine for DevSpace projects',
    '',
    'Usage: dsg COMMAND [flags]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Flags:',
    '  -h, --help     Show help (also: dsg COMMAND --help)',
    '  --version      Print the version',
    '',
    'Environment: NO_COLOR turns colour off; KUBECONFIG and DOCKER_HOST are honoured.',
    'Exit codes: 0 success, 1 failure (config, build, deploy), 2 usage error.',
    '',
  ].join('\n');
}

/** Text of `dsg COMMAND --help`. */
export function commandHelp(c: CommandSpec): string {
  const rows = c.flags.map(
    (f) =>
      [`${f.short ? `-${f.short}, ` : '    '}--${f.name}${f.value ? ` ${f.value}` : ''}`, f.help] as const,
  );
  const width = Math.max(...rows.map(([l]) => l.length));
  return [
    `Usage: ${c.usage}`,
    '',
    c.summary,
    ...(c.details ? ['', c.details] : []),
    '',
    'Flags:',
    ...rows.map(([l, h]) => `  ${l.padEnd(width)}  ${h}`),
    '',
  ].join('\n');
}
