// Bundles the CLI into dist/cli/: one ESM entry (`dsg.js`) plus chunks that each command loads on demand.
// Start-up is dominated by module loading (resolving and compiling hundreds of small files), so `dsg graph`
// must read a few large files instead; `dsg --version` loads the entry alone. tsc still type-checks and
// compiles the tests and scripts; this step only packages what `bin` runs.
//   node dist/scripts/bundle.js [--metafile]     (`npm run build` runs it after tsc)
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';

// Runs compiled from dist/scripts/ (or from source under Deno).
const repo = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../../' : '../', import.meta.url));

/** Packages loaded from node_modules at run time instead of inlined: the heavy ones only `dsg run` needs (their
 * own lazy loading and file lookups keep working), and `yaml`, which the config and graph stages import on
 * demand: esbuild turns `await import()` of a CommonJS package into a chunk with only a default export. */
export const EXTERNAL = ['@kubernetes/client-node', 'undici', 'tar-stream', 'yaml'];

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

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  // `package.json` `bin` and the tests' `dsgCommand()` point at dist/cli/dsg.js.
  const outdir = join(repo, 'dist/cli');
  const metafile = await bundleCli(outdir);
  // Which modules went into which chunk (esbuild.github.io/analyze).
  if (process.argv.includes('--metafile'))
    await writeFile(join(outdir, 'meta.json'), JSON.stringify(metafile));
}
