// A real headless browser for the graph page's tests: Debian's chromium (scripts/lib/apt.sh installs it),
// driven by playwright-core, which never downloads a browser of its own. Works under Node and Deno.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import process from 'node:process';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { repoRoot } from './paths.ts';

/**
 * Flags without which chromium hangs on connections the closed network never answers. Playwright adds
 * `--headless` itself (headless: true) and the fresh `--user-data-dir` (launchPersistentContext's folder).
 */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The chromium binary on PATH (Debian's `chromium`). */
export function chromiumPath(): string {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    for (const name of ['chromium', 'chromium-browser'])
      if (existsSync(join(dir, name))) return join(dir, name);
  }
  throw new Error('chromium is not installed: run "bash scripts/setup.sh" (it installs Debian\'s chromium)');
}

/** A page in a fresh browser, with what it logged and asked for. */
export interface BrowserPage {
  page: Page;
  /** Console errors and uncaught exceptions. */
  errors: string[];
  /** Every URL the page requested. */
  requests: string[];
  close(): Promise<void>;
}

/** Opens a fresh headless chromium (its own profile folder) with one page of `width`×`height`. */
export async function openPage(width = 1400, height = 900): Promise<BrowserPage> {
  const profile = await mkdtemp(join(tmpdir(), 'dsg-chromium-'));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width, height },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => requests.push(r.url()));
  return {
    page,
    errors,
    requests,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Where tests keep screenshots to look at (git-ignored). */
export async function artifactPath(name: string): Promise<string> {
  const dir = join(repoRoot, 'test-artifacts');
  await mkdir(dir, { recursive: true });
  return join(dir, name);
}
