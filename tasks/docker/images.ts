// Image endpoints of the Engine API: build from a tar stream, inspect, tag, push.
import type { Readable } from 'node:stream';
import type { Result } from '../../core/result.ts';
import { fail, ok } from '../../core/result.ts';
import type { DockerClient } from './client.ts';
import { compareVersions } from './client.ts';
import type { DockerFailure } from './failure.ts';
import { failureFromError } from './failure.ts';
import { LineSplitter, progressError, progressMessages } from './progress.ts';
import type { ProgressMessage } from './progress.ts';

/** What `/build` needs; the context is a tar stream that already holds the Dockerfile. */
export interface BuildRequest {
  context: Readable;
  /** Path of the Dockerfile inside the tar. */
  dockerfile: string;
  /** Every `repository:tag` to apply. */
  refs: readonly string[];
  buildArgs: Readonly<Record<string, string>>;
  target?: string;
  networkMode?: string;
  noCache?: boolean;
  /** Base64 JSON of registry credentials for `FROM` pulls (`X-Registry-Config`). */
  registryConfig?: string;
  signal?: AbortSignal;
  /** Receives each complete line of build output. */
  onLine: (line: string) => void;
}

/** A failed build: why, and the Dockerfile step the engine was running (`RUN exit 3`). */
export interface BuildFailure {
  failure: DockerFailure;
  step: string | undefined;
}

const STEP_LINE = /^Step \d+\/\d+ : (.*)$/;

/** Builds an image with the engine's classic builder and returns its id (`sha256:...`). */
export async function buildImage(
  docker: DockerClient,
  req: BuildRequest,
): Promise<Result<string, BuildFailure>> {
  const query = {
    dockerfile: req.dockerfile,
    t: req.refs,
    buildargs: JSON.stringify(req.buildArgs),
    target: req.target,
    networkmode: req.networkMode,
    rm: 'true',
    // `rm` alone keeps the container of a failed step (for debugging, as `docker build` does); a failed or
    // cancelled dsg build leaves nothing behind (`docker build --force-rm`).
    forcerm: 'true',
    nocache: req.noCache === true ? 'true' : undefined,
    // `version=1` pins the classic builder; BuildKit over this API needs a session dsg does not speak yet.
    version: compareVersions(docker.apiVersion, '1.38') >= 0 ? '1' : undefined,
  };
  const res = await docker.request({
    method: 'POST',
    path: '/build',
    query,
    headers: {
      'content-type': 'application/x-tar',
      ...(req.registryConfig !== undefined ? { 'x-registry-config': req.registryConfig } : {}),
    },
    body: req.context,
    ...(req.signal ? { signal: req.signal } : {}),
  });
  if (!res.ok) return fail({ failure: res.error, step: undefined });

  const lines = new LineSplitter();
  let step: string | undefined;
  let imageId: string | undefined;
  let shortId: string | undefined;
  const emit = (line: string): void => {
    const m = STEP_LINE.exec(line);
    if (m?.[1] !== undefined) step = m[1];
    const built = /^Successfully built ([0-9a-f]+)$/.exec(line);
    if (built?.[1] !== undefined) shortId = built[1];
    req.onLine(line);
  };
  try {
    for await (const message of progressMessages(res.value.body)) {
      if (message.stream !== undefined) lines.push(message.stream).forEach(emit);
      const error = progressError(message);
      if (error !== undefined) {
        lines.flush().forEach(emit);
        return fail({ failure: { reason: 'stream', message: error.trim() }, step });
      }
      const id = message.aux?.['ID'];
      if (typeof id === 'string') imageId = id;
    }
  } catch (err) {
    return fail({ failure: failureFromError(err, docker.host.display, req.signal), step });
  }
  lines.flush().forEach(emit);
  if (imageId === undefined && shortId !== undefined) {
    const inspected = await inspectImage(docker, shortId, req.signal);
    if (inspected.ok && inspected.value) imageId = inspected.value.id;
  }
  if (imageId === undefined) {
    return fail({ failure: { reason: 'stream', message: 'the engine reported no image id' }, step });
  }
  return ok(imageId);
}

/** The parts of `/images/{name}/json` dsg reads. */
export interface ImageInfo {
  id: string;
  repoTags: string[];
  repoDigests: string[];
}

/** Inspects an image by id or reference; `undefined` when the engine does not have it. */
export async function inspectImage(
  docker: DockerClient,
  name: string,
  signal?: AbortSignal,
): Promise<Result<ImageInfo | undefined, DockerFailure>> {
  const res = await docker.json({
    method: 'GET',
    path: `/images/${name}/json`,
    ...(signal ? { signal } : {}),
  });
  if (!res.ok) return res.error.reason === 'http' && res.error.status === 404 ? ok(undefined) : res;
  const v = res.value as { Id?: unknown; RepoTags?: unknown; RepoDigests?: unknown };
  return ok({
    id: typeof v.Id === 'string' ? v.Id : '',
    repoTags: strings(v.RepoTags),
    repoDigests: strings(v.RepoDigests),
  });
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
}

/** Points `repository:tag` at the image `source` (an id or reference). */
export async function tagImage(
  docker: DockerClient,
  source: string,
  repository: string,
  tag: string,
  signal?: AbortSignal,
): Promise<Result<void, DockerFailure>> {
  const res = await docker.request({
    method: 'POST',
    path: `/images/${source}/tag`,
    query: { repo: repository, tag },
    ...(signal ? { signal } : {}),
  });
  if (!res.ok) return res;
  await res.value.body.dump();
  return ok(undefined);
}

/** What a push reported at its end. */
export interface PushResult {
  /** Manifest digest in the registry (`sha256:...`). */
  digest: string;
}

/** Pushes `repository:tag`; `auth` is the `X-Registry-Auth` value, never logged. */
export async function pushImage(
  docker: DockerClient,
  repository: string,
  tag: string,
  auth: string,
  onMessage: (m: ProgressMessage) => void,
  signal?: AbortSignal,
): Promise<Result<PushResult, DockerFailure>> {
  const res = await docker.request({
    method: 'POST',
    path: `/images/${repository}/push`,
    query: { tag },
    headers: { 'x-registry-auth': auth },
    ...(signal ? { signal } : {}),
  });
  if (!res.ok) return res;
  let digest = '';
  try {
    for await (const message of progressMessages(res.value.body)) {
      const error = progressError(message);
      if (error !== undefined) return fail({ reason: 'stream', message: error.trim() });
      const d = message.aux?.['Digest'];
      if (typeof d === 'string') digest = d;
      onMessage(message);
    }
  } catch (err) {
    return fail(failureFromError(err, docker.host.display, signal));
  }
  return ok({ digest });
}
