// Runs a command line for a task with zx: per-call cwd, env and AbortSignal, output streamed to the task's log.

/** How a command ended. */
export interface CommandResult {
  exitCode: number | null;
  /** The last lines of output, for the failure message. */
  tail: string[];
  aborted: boolean;
}

/** Options of one command run. */
export interface CommandOptions {
  cwd: string;
  env: Readonly<Record<string, string>>;
  signal: AbortSignal;
  log: (line: string) => void;
}

/** Runs `commandLine` with `sh -c`, line by line into `log`; never throws for a non-zero exit. */
export async function runShell(commandLine: string, options: CommandOptions): Promise<CommandResult> {
  const tail: string[] = [];
  const sink = (chunk: Buffer | string, pending: { text: string }): void => {
    pending.text += chunk.toString();
    const lines = pending.text.split(/\r?\n/);
    pending.text = lines.pop() ?? '';
    for (const line of lines) emit(line);
  };
  const emit = (line: string): void => {
    options.log(line);
    tail.push(line);
    if (tail.length > 20) tail.shift();
  };
  // zx loads only when a command actually runs: a cached run never pays for it.
  const { $ } = await import('zx');
  // The command line goes to /bin/sh as written (not quoted, no bash prefix): one shell per task, as
  // `sh -c` would run it, which saves a bash start-up on every build.
  const shell = $({
    cwd: options.cwd,
    env: { ...options.env },
    signal: options.signal,
    nothrow: true,
    quiet: true,
    verbose: false,
    shell: '/bin/sh',
    prefix: '',
    postfix: '',
    quote: (arg: string) => arg,
  });
  const child = shell`${commandLine}`;
  const out = { text: '' };
  const err = { text: '' };
  child.stdout.on('data', (c: Buffer) => sink(c, out));
  child.stderr.on('data', (c: Buffer) => sink(c, err));
  const result = await child;
  for (const rest of [out.text, err.text]) if (rest !== '') emit(rest);
  return { exitCode: result.exitCode, tail, aborted: options.signal.aborted };
}

/** Quotes one argument for `sh`: plain words stay as they are, anything else goes in single quotes. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
