// Bundles the CLI into dist/cli/: one ESM entry (`dsg.js`) plus chunks that each command loads on demand.
// Start-up is dominated by module loading (resolving and compiling hundreds of small files), so `dsg graph`
// must read a few large files instead; `dsg --version` loads the entry alone. tsc still type-checks and
// compiles the tests and scripts; this step only packages what `bin` runs.
// It also builds the page of `dsg graph --format html` (engine/graph/page/): its script, styles and layout library
// inlined into one HTML template, `dist/cli/graph-page.html`, which the CLI only fills with data.
//   node dist/scripts/bundle.js [--metafile]     (`npm run build` runs it after tsc)
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { PAGE_TEMPLATE } from '../engine/graph/page-asset.ts';
import { GRAPH_CSS } from '../engine/graph/page/draw.ts';

// Runs compiled from dist/scripts/ (or from source under Deno).
const repo = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../../' : '../', import.meta.url));

/** Packages loaded from node_modules at run time instead of inlined: the heavy ones only `dsg run` needs (their
 * own lazy loading and file lookups keep working), and `yaml`, which the config and graph stages import on
 * demand: esbuild turns `await import()` of a CommonJS package into a chunk with only a default export; and
 * @parcel/watcher (`dsg dev`), which finds its native addon beside it; and `ws` (`dsg dev` port-forwards), whose
 * optional native helpers are looked up at run time. */
export const EXTERNAL = ['@kubernetes/client-node', 'undici', 'tar-stream', 'yaml', '@parcel/watcher', 'ws'];

/** Writes the bundle of `bin/dsg.ts` to `outdir` (emptied first) and returns esbuild's metafile. */
export async function bundleCli(outdir: string): Promise<Metafile> {
  // Chunk names carry content hashes: start empty so that no stale chunk survives a rebuild.
  await rm(outdir, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: repo,
    entryPoints: { dsg: 'bin/dsg.ts' },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: EXTERNAL,
    chunkNames: 'chunks/[name]-[hash]',
    // Inlined CommonJS packages (picomatch) call `require` for Node built-ins.
    banner: {
      js: "import { createRequire as __dsgRequire } from 'node:module'; const require = __dsgRequire(import.meta.url);",
    },
    // Readable output: a bug's stack trace still names dsg's functions (minifying saved no start-up time).
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
  });
  return result.metafile;
}

/** The page's source folder. */
const PAGE_DIR = 'engine/graph/page';

/**
 * The page template: page.html with the bundled, minified script (layout library included) and the styles
 * inlined, its data placeholder left for format-html.ts. Returns its text.
 */
export async function bundlePage(): Promise<string> {
  const result = await build({
    absWorkingDir: repo,
    entryPoints: [`${PAGE_DIR}/main.ts`],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  const script = result.outputFiles[0]?.text ?? '';
  const [html, css] = await Promise.all([
    readFile(join(repo, PAGE_DIR, 'page.html'), 'utf8'),
    readFile(join(repo, PAGE_DIR, 'page.css'), 'utf8'),
  ]);
  // Inside <script> and <style> only a closing tag could end the element early.
  const safeScript = script.replace(/<\/(script)/gi, '<\\/$1');
  return html
    .split('/*__DSG_STYLE__*/')
    .join(`${GRAPH_CSS}\n${css}`.replace(/<\/(style)/gi, '<\\/$1'))
    .split('/*__DSG_SCRIPT__*/')
    .join(safeScript);
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  // `package.json` `bin` and the tests' `dsgCommand()` point at dist/cli/dsg.js.
  const outdir = join(repo, 'dist/cli');
  const metafile = await bundleCli(outdir);
  await writeFile(join(outdir, PAGE_TEMPLATE), await bundlePage());
  // Which modules went into which chunk (esbuild.github.io/analyze).
  if (process.argv.includes('--metafile'))
    await writeFile(join(outdir, 'meta.json'), JSON.stringify(metafile));
}
