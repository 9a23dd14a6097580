// Generates projects built by DevSpace's custom builder: real shell commands whose runs the tests can observe
// (`events.log`), hold back (a gate file per image) and fail on purpose.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { tempDir } from './cli.ts';

/** One image of a generated project. */
export interface CustomImage {
  name: string;
  /** Images whose tag this one's build command receives (a `${runtime.images.X.tag}` edge). */
  after?: string[];
  /** Source files under `<name>/`, with content. */
  files?: Record<string, string>;
  /** Milliseconds the build sleeps. */
  sleepMs?: number;
  buildArgs?: Record<string, string>;
}

/** The build script: logs start and end, waits for `gates/<name>` when `GATED` is set, fails when `fail/<name>` exists. */
const BUILD_SH = `#!/bin/sh
name="$1"; shift
echo "start $name" >> events.log
if [ -n "$GATED" ]; then while [ ! -e "gates/$name" ]; do sleep 0.02; done; fi
if [ -n "$SLEEP" ]; then sleep "$SLEEP"; fi
if [ -e "fail/$name" ]; then echo "build of $name failed on purpose" >&2; exit 3; fi
mkdir -p out
echo "$DSG_IMAGE_REF $*" > "out/$name.$DSG_TAG"
echo "built $name as $DSG_IMAGE_REF"
echo "end $name" >> events.log
`;

/** Writes a custom-builder project with `images` (each with a kubectl deployment when `deploy`) into a temp dir. */
export async function customProject(images: CustomImage[], options: { name?: string } = {}): Promise<string> {
  const dir = await tempDir('dsg-run-');
  await mkdir(join(dir, 'gates'));
  await mkdir(join(dir, 'fail'));
  await writeFile(join(dir, 'build.sh'), BUILD_SH, { mode: 0o755 });
  const lines = ['version: v2beta1', `name: ${options.name ?? 'custom'}`, 'images:'];
  for (const image of images) {
    await mkdir(join(dir, image.name), { recursive: true });
    for (const [file, content] of Object.entries(image.files ?? { 'src.txt': `source of ${image.name}\n` })) {
      await mkdir(dirname(join(dir, image.name, file)), { recursive: true });
      await writeFile(join(dir, image.name, file), content);
    }
    const args = (image.after ?? []).map((a) => `\${runtime.images.${a}.tag}`);
    lines.push(
      `  ${image.name}:`,
      `    image: local/${image.name}`,
      ...(image.buildArgs
        ? ['    buildArgs:', ...Object.entries(image.buildArgs).map(([k, v]) => `      ${k}: "${v}"`)]
        : []),
      '    custom:',
      `      command: ${image.sleepMs ? `SLEEP=${(image.sleepMs / 1000).toFixed(3)} ` : ''}sh build.sh ${image.name}`,
      ...(args.length > 0 ? ['      args:', ...args.map((a) => `        - "${a}"`)] : []),
      '      skipImageArg: true',
      '      onChange:',
      `        - ${image.name}/**`,
    );
  }
  await writeFile(join(dir, 'devspace.yaml'), `${lines.join('\n')}\n`);
  return dir;
}

/** Parses `--json` output into events. */
export function jsonEvents(stdout: string): {
  type: string;
  id?: string;
  status?: string;
  reason?: { type: string; changes?: string[]; by?: string; upstream?: string; what?: string };
}[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as ReturnType<typeof jsonEvents>[number]);
}

/** task id → status of every task-end event. */
export function endStatuses(stdout: string): Map<string, string> {
  return new Map(
    jsonEvents(stdout)
      .filter((e) => e.type === 'task-end')
      .map((e) => [e.id ?? '', e.status ?? '']),
  );
}
