// DevSpace's questions for variables without a value, asked in the terminal dsg runs in: the question on
// stderr, the answer typed on stdin in raw mode (so a password is never echoed), `options` as a numbered
// choice, `validationPattern` asked again until it matches. Each name is asked once per dsg process.
import process from 'node:process';
import type { AskVariable, VarQuestion } from '../config/var-question.ts';

/** A terminal to ask in: raw keystrokes in, text out. */
export interface Terminal {
  /** Delivers keystrokes to `onKeys` in raw mode until the returned function is called. */
  read(onKeys: (keys: string) => void): () => void;
  write(text: string): void;
  /** Ctrl-C typed at a question: in raw mode the terminal sends no SIGINT, so dsg raises its own. */
  interrupt(): void;
}

/** The process's terminal when both stdin and stderr are one; undefined otherwise (CI, pipes). */
export function processTerminal(): Terminal | undefined {
  const { stdin, stderr } = process;
  if (!stdin.isTTY || !stderr.isTTY) return undefined;
  return {
    read(onKeys) {
      stdin.setRawMode(true);
      stdin.setEncoding('utf8');
      stdin.on('data', onKeys);
      stdin.resume();
      return () => {
        stdin.off('data', onKeys);
        stdin.setRawMode(false);
        stdin.pause();
      };
    },
    write: (text) => void stderr.write(text),
    interrupt: () => process.kill(process.pid, 'SIGINT'),
  };
}

/** Asks through `terminal`, one question at a time, each variable name once. */
export function terminalAsker(terminal: Terminal): AskVariable {
  const answers = new Map<string, string>();
  let queue: Promise<unknown> = Promise.resolve();
  return (question, signal) => {
    const next = queue.then(async () => {
      const known = answers.get(question.name);
      if (known !== undefined) return known;
      const answer = await askUntilValid(terminal, question, signal);
      if (answer !== undefined) answers.set(question.name, answer);
      return answer;
    });
    queue = next.catch(() => undefined);
    return next;
  };
}

async function askUntilValid(
  terminal: Terminal,
  q: VarQuestion,
  signal: AbortSignal | undefined,
): Promise<string | undefined> {
  terminal.write(`? ${q.question}${q.password ? ' (hidden)' : ''}\n`);
  q.options?.forEach((option, i) => terminal.write(`  ${i + 1}) ${option}\n`));
  const pattern = q.validationPattern === undefined ? undefined : new RegExp(q.validationPattern);
  for (;;) {
    terminal.write(q.options ? `Choose 1-${q.options.length}: ` : '> ');
    const line = await readLine(terminal, q.password, signal);
    if (line === undefined) return undefined;
    const answer = q.options ? chosen(q.options, line.trim()) : line;
    if (answer === undefined) {
      terminal.write(
        `Please answer with a number from 1 to ${q.options?.length ?? 0} or one of the options\n`,
      );
    } else if (pattern && !pattern.test(answer)) {
      terminal.write(`${q.validationMessage ?? `The answer must match ${q.validationPattern ?? ''}`}\n`);
    } else return answer;
  }
}

function chosen(options: readonly string[], typed: string): string | undefined {
  const n = /^[0-9]+$/.test(typed) ? Number(typed) : NaN;
  return options[n - 1] ?? options.find((o) => o === typed);
}

/** One line typed in raw mode; undefined on Ctrl-C, Ctrl-D at an empty line, or `signal`. */
function readLine(
  terminal: Terminal,
  hidden: boolean,
  signal: AbortSignal | undefined,
): Promise<string | undefined> {
  return new Promise((resolve) => {
    // Code points, so a backspace removes one whole character.
    const typed: string[] = [];
    const finish = (value: string | undefined): void => {
      stop();
      signal?.removeEventListener('abort', onAbort);
      terminal.write('\n');
      resolve(value);
    };
    const onAbort = (): void => finish(undefined);
    const stop = terminal.read((keys) => {
      // An escape sequence (arrow keys, function keys) moves nothing here: dropped whole.
      if (keys.startsWith('\u001b')) return;
      for (const key of keys) {
        if (key === '\r' || key === '\n') return finish(typed.join(''));
        if (key === '\u0003') {
          finish(undefined);
          return terminal.interrupt();
        }
        if (key === '\u0004') {
          if (typed.length === 0) return finish(undefined);
        } else if (key === '\u007f' || key === '\b') {
          if (typed.length > 0) {
            typed.pop();
            if (!hidden) terminal.write('\b \b');
          }
        } else if (key >= ' ') {
          typed.push(key);
          if (!hidden) terminal.write(key);
        }
      }
    });
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}
