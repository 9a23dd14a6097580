// Opens a file in the user's browser: `$BROWSER` when set (the first of a colon-separated list, as
// xdg-utils reads it), else the platform's opener. Detached: dsg does not wait for the browser.
import { spawn } from 'node:child_process';
import process from 'node:process';

/** Starts a browser on `file`; resolves to undefined once it started, or to why it could not. */
export function openInBrowser(
  file: string,
  env: Readonly<Record<string, string>>,
): Promise<string | undefined> {
  const browser = (env['BROWSER'] ?? '').split(':')[0]?.trim() ?? '';
  const [command, args] =
    browser !== ''
      ? [browser, [file]]
      : process.platform === 'darwin'
        ? ['open', [file]]
        : process.platform === 'win32'
          ? ['cmd', ['/c', 'start', '""', file]]
          : ['xdg-open', [file]];
  return new Promise((done) => {
    let child;
    try {
      child = spawn(command, args, { detached: true, stdio: 'ignore', env });
    } catch (error) {
      done(`Cannot start "${command}": ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    child.once('error', (error: NodeJS.ErrnoException) =>
      done(
        error.code === 'ENOENT'
          ? `No browser to open it with ("${command}" is not installed): set BROWSER, or open the file yourself`
          : `Cannot start "${command}": ${error.message}`,
      ),
    );
    child.once('spawn', () => {
      child.unref();
      done(undefined);
    });
  });
}
