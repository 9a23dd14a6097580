// Command dispatch. Kept light: `dsg --version` loads nothing else, each command loads its own modules.
import process from 'node:process';
import { runtimeVersion, stdoutIsTTY } from '../../core/runtime.ts';
import { processTerminal, terminalAsker } from './prompt.ts';
import { parseFlags, suggest, type FlagValues } from './args.ts';
import { COMMANDS, commandHelp, mainHelp, type CommandSpec } from './commands.ts';
import { interruptCode, type StopSignal } from './interrupt.ts';
import type { Io } from './io.ts';

/** dsg's version. */
export const VERSION = '0.1.0';

type Handler = (io: Io, flags: FlagValues, positionals: string[]) => Promise<number>;

const HANDLERS: Record<string, () => Promise<Handler>> = {
  graph: async () => (await import('./commands/graph.ts')).graphCommand,
  run: async () => (await import('./commands/run.ts')).runCommand,
  dev: async () => (await import('./commands/dev.ts')).devCommand,
  why: async () => (await import('./commands/why.ts')).whyCommand,
  logs: async () => (await import('./commands/logs.ts')).logsCommand,
  cache: async () => (await import('./commands/cache.ts')).cacheCommand,
  print: async () => (await import('./commands/print.ts')).printCommand,
  list: async () => (await import('./commands/list.ts')).listCommand,
};

/** Runs the dsg command line and returns the exit code (0 ok, 1 failure, 2 usage). */
export async function main(args: string[]): Promise<number> {
  const [first, ...rest] = args;
  if (first === '--version' || first === '-V') {
    process.stdout.write(`dsg ${VERSION} (${runtimeVersion})\n`);
    return 0;
  }
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    const topic = COMMANDS.find((c) => c.name === rest[0]);
    process.stdout.write(topic ? commandHelp(topic) : mainHelp());
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === first);
  if (!command) return usage(`Unknown command "${first}"${hint(first)}`);
  const parsed = parseFlags(rest, command.flags);
  if (!parsed.ok) return usage(parsed.message, command);
  if (parsed.flags.help === true) {
    process.stdout.write(commandHelp(command));
    return 0;
  }
  const load = HANDLERS[command.name];
  if (!load) return usage(`Unknown command "${first}"`);
  const controller = new AbortController();
  const stopOn = (signal: StopSignal) => (): void => controller.abort(signal);
  const onInt = stopOn('SIGINT');
  const onTerm = stopOn('SIGTERM');
  process.once('SIGINT', onInt);
  process.once('SIGTERM', onTerm);
  try {
    const code = await (await load())(makeIo(controller.signal), parsed.flags, parsed.positionals);
    // Whatever stopped half-way because of the signal ends with the shell's code for it.
    return controller.signal.aborted && code !== 0 ? interruptCode(controller.signal) : code;
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
}

function hint(word: string): string {
  const close = suggest(
    word,
    COMMANDS.map((c) => c.name),
  );
  return close ? ` — did you mean "${close}"?` : ' — run dsg --help for the list';
}

function usage(message: string, command?: CommandSpec): number {
  process.stderr.write(
    `dsg: ${message}\n${command ? `Usage: ${command.usage}  (dsg ${command.name} --help)` : 'Run dsg --help for usage.'}\n`,
  );
  return 2;
}

function makeIo(signal: AbortSignal): Io {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  // NO_COLOR (non-empty) always wins; FORCE_COLOR turns colour on without a terminal.
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0';
  const color = (env.NO_COLOR ?? '') === '' && (forced || stdoutIsTTY());
  const terminal = processTerminal();
  return {
    cwd: process.cwd(),
    env,
    stdout: { write: (s: string) => process.stdout.write(s), columns: process.stdout.columns },
    stderr: { write: (s: string) => process.stderr.write(s) },
    color,
    stdoutIsTTY: stdoutIsTTY(),
    signal,
    ...(terminal ? { ask: terminalAsker(terminal) } : {}),
  };
}
