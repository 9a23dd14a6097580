// Reads what a docker build sends: the Dockerfile (rewritten if configured, or to build on an image of this run),
// where it goes in the tar, which files.
import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, posix, relative, sep } from 'node:path';
import { createHash } from 'node:crypto';
import type { Diagnostic } from '../../core/diagnostics.ts';
import { error } from '../../core/diagnostics.ts';
import type { ImageConfig } from '../../core/config.ts';
import type { TaskNodeOf } from '../../core/task.ts';
import type { Result } from '../../core/result.ts';
import { fail, ok } from '../../core/result.ts';
import type { ListFiles } from '../../core/task-kind.ts';
import { IgnoreMatcher, parseDockerignore } from '../../cache/dockerignore.ts';
import type { GeneratedEntry } from './context-tar.ts';
import { hasAdditions, rewriteDockerfile } from './dockerfile.ts';
import { dockerfileFroms, replaceFroms, type FromReference } from './dockerfile-from.ts';

/** The Dockerfile of a build, read and placed. */
export interface DockerfilePlan {
  image: ImageConfig;
  /** Project-relative path, `/`-separated. */
  dockerfile: string;
  /** The path for messages: relative to the directory dsg was started in. */
  display: string;
  /** The text the build sends. */
  content: string;
  /** True when `content` differs from the file (a `FROM` replaced, entrypoint, cmd or instructions added). */
  rewritten: boolean;
  /** The project-relative ignore file that applies (`<Dockerfile>.dockerignore` or `<context>/.dockerignore`), if any. */
  ignoreFile: string | undefined;
}

/**
 * Reads the Dockerfile and finds the ignore file; a missing Dockerfile is a diagnostic at `images.NAME.dockerfile`.
 * `from` gives the reference to build on in place of a `FROM` line's image, when there is one (an image built in
 * this run).
 */
export async function planDockerfile(
  task: TaskNodeOf<'build'>,
  from?: (line: FromReference) => string | undefined,
): Promise<Result<DockerfilePlan, Diagnostic>> {
  const { image } = task.spec;
  const dockerfile = normalizeRel(image.dockerfile);
  const display = toPosix(join(dirname(task.project.config.file), dockerfile));
  const where = task.project.config.locate(['images', image.name, 'dockerfile']) ?? image.at;
  let original: string;
  try {
    original = await readFile(join(task.project.dir, dockerfile), 'utf8');
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const detail =
      code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'it is a directory' : (err as Error).message;
    return fail(error(`Cannot read Dockerfile "${display}": ${detail}`, where));
  }
  const additions = {
    entrypoint: image.entrypoint,
    cmd: image.cmd,
    instructions: image.appendDockerfileInstructions,
    target: image.target,
  };
  let content = from ? replaceFroms(original, dockerfileFroms(original, image.buildArgs), from) : original;
  if (hasAdditions(additions)) {
    const rewritten = rewriteDockerfile(content, additions);
    if (rewritten === undefined) {
      const at = task.project.config.locate(['images', image.name, 'target']) ?? image.at;
      return fail(
        error(
          `Cannot add instructions to Dockerfile "${display}": stage "${image.target ?? ''}" not found`,
          at,
        ),
      );
    }
    content = rewritten;
  }
  const specific = `${dockerfile}.dockerignore`;
  const contextIgnore = toPosix(posix.join(toPosix(image.context), '.dockerignore'));
  const ignoreFile = (await isFile(join(task.project.dir, specific)))
    ? specific
    : (await isFile(join(task.project.dir, contextIgnore)))
      ? contextIgnore
      : undefined;
  return ok({ image, dockerfile, display, content, rewritten: content !== original, ignoreFile });
}

/** The tar layout of a build: files relative to the context, the Dockerfile's name there, generated entries. */
export interface ContextPlan {
  /** Absolute context directory. */
  dir: string;
  /** The context directory relative to the project, normalized (`.` for the project itself). */
  contextRel: string;
  files: string[];
  dockerfileName: string;
  generated: GeneratedEntry[];
}

/**
 * Lays out the context so that the image gets what `docker build` would put in it. The lister returns the
 * Dockerfile and the ignore file even when the patterns exclude them (Docker sends them); the classic builder
 * drops files after reading them only when the tar's `.dockerignore` matches them. So: excluded forced files
 * are left out, and a Dockerfile that must not stay (excluded, outside the context, rewritten) goes in under a
 * generated name that the tar's `.dockerignore` lists.
 */
export async function planContext(
  task: TaskNodeOf<'build'>,
  plan: DockerfilePlan,
  listFiles: ListFiles,
): Promise<Result<ContextPlan, Diagnostic>> {
  const contextRel = normalizeRel(plan.image.context);
  const dir = join(task.project.dir, contextRel);
  if (!(await isDirectory(dir))) {
    const at = task.project.config.locate(['images', plan.image.name, 'context']) ?? plan.image.at;
    const display = toPosix(join(dirname(task.project.config.file), contextRel));
    return fail(
      error(`Cannot read build context "${display}" of image "${plan.image.name}": directory not found`, at),
    );
  }
  const listed = await listFiles(contextRel, {
    dockerfile: plan.dockerfile,
    ...(plan.ignoreFile !== undefined ? { ignoreFiles: [plan.ignoreFile] } : {}),
  });
  const inContext = toPosix(relative(dir, join(task.project.dir, plan.dockerfile)));
  const outside = inContext.startsWith('../') || isAbsolute(inContext);
  const ignoreRel = plan.ignoreFile !== undefined ? contextRelative(plan.ignoreFile, contextRel) : undefined;
  const excludes = await ignoreMatcher(task, plan.ignoreFile);
  const forced = new Set([inContext, ignoreRel]);
  const files = listed
    .map((f) => contextRelative(toPosix(f), contextRel))
    .filter((f) => !(forced.has(f) && excludes(f)));
  const keepsIgnore = files.includes('.dockerignore');
  const userIgnore = keepsIgnore ? await readFile(join(dir, '.dockerignore'), 'utf8') : '';

  if (!outside && !plan.rewritten && files.includes(inContext)) {
    // The engine reads the tar's `.dockerignore`; when another ignore file was in effect it must not drop these two.
    const generated =
      keepsIgnore && ignoreRel !== '.dockerignore'
        ? [{ name: '.dockerignore', content: `${userIgnore}\n!${inContext}\n!.dockerignore\n` }]
        : [];
    return ok({
      dir,
      contextRel,
      files: files.filter((f) => !generated.some((g) => g.name === f)),
      dockerfileName: inContext,
      generated,
    });
  }
  const dockerfileName = generatedName(plan.content);
  const ignore = keepsIgnore
    ? `${userIgnore}\n${dockerfileName}\n!.dockerignore\n`
    : `.dockerignore\n${dockerfileName}\n`;
  return ok({
    dir,
    contextRel,
    files: files.filter((f) => f !== '.dockerignore' && f !== dockerfileName),
    dockerfileName,
    generated: [
      { name: dockerfileName, content: plan.content },
      { name: '.dockerignore', content: ignore },
    ],
  });
}

/** Whether the ignore file in effect excludes a context path (its syntax was checked by the lister). */
async function ignoreMatcher(
  task: TaskNodeOf<'build'>,
  ignoreFile: string | undefined,
): Promise<(path: string) => boolean> {
  if (ignoreFile === undefined) return () => false;
  const rules = parseDockerignore(await readFile(join(task.project.dir, ignoreFile), 'utf8'), ignoreFile);
  if (!rules.ok) return () => false;
  const matcher = new IgnoreMatcher(rules.value);
  return (path) => matcher.excludes(path);
}

/** A content-derived name, so that the same Dockerfile text gives the same context (the docker CLI uses a random one). */
function generatedName(content: string): string {
  return `.dockerfile.${createHash('sha256').update(content).digest('hex').slice(0, 20)}`;
}

/** Converts a project-relative path from `listFiles` into one relative to the context. */
function contextRelative(file: string, contextRel: string): string {
  if (contextRel === '.' || contextRel === '') return file;
  const prefix = `${contextRel}/`;
  return file.startsWith(prefix) ? file.slice(prefix.length) : toPosix(posix.relative(contextRel, file));
}

/** A project-relative path in one spelling: `/`-separated, no `./`, no trailing slash. */
export function normalizeRel(p: string): string {
  return posix.normalize(toPosix(p)).replace(/\/+$/, '') || '.';
}

function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}
