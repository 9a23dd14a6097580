// The engine reports builds and pushes as a stream of JSON messages, one per line; parse them as they arrive.

/** One message of a build or push progress stream. */
export interface ProgressMessage {
  /** Build output text, may hold several lines or a partial one. */
  stream?: string;
  /** Push/pull status, e.g. `Pushed`, with the layer in `id`. */
  status?: string;
  id?: string;
  progress?: string;
  error?: string;
  errorDetail?: { message?: string; code?: number };
  /** Build: `{ ID }` of the built image; push: `{ Tag, Digest, Size }`. */
  aux?: { [key: string]: unknown };
}

/** Yields each JSON message of `chunks` as soon as its line is complete; non-JSON lines become `stream` text. */
export async function* progressMessages(
  chunks: AsyncIterable<Uint8Array | string>,
): AsyncGenerator<ProgressMessage> {
  const decoder = new TextDecoder();
  let pending = '';
  for await (const chunk of chunks) {
    pending += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      const message = parseLine(line);
      if (message) yield message;
      newline = pending.indexOf('\n');
    }
  }
  pending += decoder.decode();
  const last = parseLine(pending);
  if (last) yield last;
}

function parseLine(line: string): ProgressMessage | undefined {
  const trimmed = line.trim();
  if (trimmed === '') return undefined;
  try {
    const value: unknown = JSON.parse(trimmed);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value;
  } catch {
    // An engine (or proxy) that interleaves plain text: keep it as output rather than lose it.
  }
  return { stream: `${trimmed}\n` };
}

/** The error a message carries, if any. */
export function progressError(m: ProgressMessage): string | undefined {
  return m.errorDetail?.message ?? m.error;
}

/** Splits `stream` text into complete lines, keeping a partial last line for the next call. */
export class LineSplitter {
  #partial = '';

  /** Returns the complete lines in `text` (without newline), buffering the rest. */
  push(text: string): string[] {
    const parts = (this.#partial + text).split(/\r?\n/);
    this.#partial = parts.pop() ?? '';
    return parts;
  }

  /** Returns what is left once the stream ended. */
  flush(): string[] {
    const rest = this.#partial;
    this.#partial = '';
    return rest === '' ? [] : [rest];
  }
}
