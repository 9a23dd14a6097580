// The tag task: apply every ref of a built image in the engine and push it, unless the registry already has it.
import { createHash } from 'node:crypto';
import type { Diagnostic } from '../../core/diagnostics.ts';
import { error } from '../../core/diagnostics.ts';
import type { ImageConfig } from '../../core/config.ts';
import type { TaskNodeOf } from '../../core/task.ts';
import type { Result } from '../../core/result.ts';
import { fail, ok } from '../../core/result.ts';
import type { DockerClient } from '../docker/client.ts';
import { openDocker } from '../docker/client.ts';
import { failureDetail } from '../docker/failure.ts';
import { inspectImage, pushImage, tagImage } from '../docker/images.ts';
import type { ProgressMessage } from '../docker/progress.ts';
import type { RegistryCredentials } from '../registry/auth-config.ts';
import { dockerConfigFile, engineAuthHeader, registryCredentials } from '../registry/auth-config.ts';
import { getManifest } from '../registry/client.ts';
import {
  credentialsHint,
  isAuthError,
  refusedMessage,
  registryFailureDetail,
  registryFailureMessage,
} from '../registry/messages.ts';
import type { RepositoryRef } from '../../core/image-ref.ts';
import { parseRepository, splitRef } from '../../core/image-ref.ts';
import type {
  ArtifactStatus,
  InputsContext,
  TaskContext,
  TaskInputs,
  TaskKindImpl,
  TaskOutput,
} from '../../core/task-kind.ts';
import { isBuiltImage, type BuiltImage } from '../build/output.ts';
import { isTaggedImage, type TaggedImage } from './output.ts';

type TagTask = TaskNodeOf<'tag'>;

function pushes(image: ImageConfig, settings: TaskContext['settings']): boolean {
  return !image.skipPush && !settings.skipPush;
}

/** Inputs of a tag task: repository, registry, tag templates, push or not. Credentials never enter a key. */
async function tagInputs(task: TagTask, ctx: InputsContext): Promise<Result<TaskInputs, Diagnostic>> {
  const { image } = task.spec;
  return ok({
    spec: {
      image: image.image,
      registry: parseRepository(image.image).registry,
      tags: image.tags,
      cliTags: ctx.settings.tags,
      push: pushes(image, ctx.settings),
      builder: image.builder.kind,
    },
    files: [],
    env: {},
    tools: {},
    reads: [],
  });
}

/** The build output this tag task consumes (`build:NAME` of the same project scope). */
function builtImage(task: TagTask, ctx: TaskContext): TaskOutput<BuiltImage> {
  const id = `${task.project.scope}build:${task.name}`;
  const output = ctx.upstream.get(id);
  if (!output || !isBuiltImage(output.data)) throw new Error(`${task.id} ran without the output of ${id}`);
  return { digest: output.digest, data: output.data };
}

function tagOutput(result: TaggedImage): TaskOutput<TaggedImage> {
  // Render tasks substitute refs, so the digest covers the refs as well as the content.
  const digest = createHash('sha256')
    .update(JSON.stringify([result.refs, result.digest]))
    .digest('hex');
  return { digest, data: result };
}

/** Tags every ref in the engine, then pushes each ref the registry does not already hold for this image. */
async function tagRun(task: TagTask, ctx: TaskContext): Promise<Result<TaskOutput<TaggedImage>, Diagnostic>> {
  const { image } = task.spec;
  const output = builtImage(task, ctx);
  const { data } = output;
  const refs = data.tags.map((t) => `${image.image}:${t}`);
  const base = { name: image.name, image: image.image, tag: data.tag, refs, imageId: data.imageId };
  if (image.builder.kind === 'custom') {
    // DevSpace semantics: the custom command tagged and pushed the image itself; dsg only records the refs.
    const digest = data.imageId !== '' ? data.imageId : output.digest;
    return ok(tagOutput({ ...base, digest, pushed: false, alreadyInRegistry: false }));
  }
  const pushing = pushes(image, ctx.settings);
  let access: RegistryAccess | undefined;
  const present = new Map<string, string>();
  if (pushing) {
    // The registry first: when it holds every ref for this image, the engine need not even have the image
    // (a build skipped because another machine pushed it).
    const found = await registryAccess(image, ctx.env);
    if (!found.ok) return fail(error(found.error, image.at));
    access = found.value;
    for (const ref of refs) {
      const digest = await registryDigest(ctx, access, ref, data.imageId);
      if (!digest.ok) return fail(error(digest.error, image.at));
      if (digest.value !== undefined) present.set(ref, digest.value);
    }
    if (present.size === refs.length) {
      ctx.log(`${refs.join(', ')} already in the registry, push skipped`);
      return ok(
        tagOutput({
          ...base,
          digest: present.get(refs[0] ?? '') ?? '',
          pushed: false,
          alreadyInRegistry: true,
        }),
      );
    }
  }
  const docker = await openDocker(ctx.env, ctx.signal);
  if (!docker.ok) return fail(error(failureDetail(docker.error), image.at));
  try {
    for (const ref of refs) {
      const { repository, tag } = splitRef(ref);
      const tagged = await tagImage(docker.value, data.imageId, repository, tag, ctx.signal);
      if (!tagged.ok) {
        return fail(
          error(`Cannot tag image "${image.name}" as "${ref}": ${failureDetail(tagged.error)}`, image.at),
        );
      }
    }
    if (access === undefined) {
      ctx.log(`tagged ${refs.join(', ')} (push skipped)`);
      return ok(tagOutput({ ...base, digest: data.imageId, pushed: false, alreadyInRegistry: false }));
    }
    let first = '';
    for (const ref of refs) {
      const known = present.get(ref);
      const digest = known ?? (await pushRef(ctx, docker.value, access, ref));
      if (typeof digest !== 'string') return fail(error(digest.error, image.at));
      if (known !== undefined) ctx.log(`${ref} is already in the registry (${known}), push skipped`);
      if (first === '') first = digest;
    }
    return ok(tagOutput({ ...base, digest: first, pushed: true, alreadyInRegistry: false }));
  } finally {
    await docker.value.close().catch(() => undefined);
  }
}

/** The registry of an image and how to talk to it; the credentials stay in memory. */
interface RegistryAccess {
  repo: RepositoryRef;
  creds: RegistryCredentials;
  /** What to do when the registry refuses the credentials. */
  hint: string;
}

async function registryAccess(
  image: ImageConfig,
  env: TaskContext['env'],
): Promise<Result<RegistryAccess, string>> {
  const repo = parseRepository(image.image);
  const found = await registryCredentials(repo.registry, env);
  if (!found.ok) return found;
  return ok({
    repo,
    creds: found.value,
    hint: credentialsHint(repo.registry, found.value, dockerConfigFile(env).display),
  });
}

/** The manifest digest of `ref` when the registry holds it for this very image (its config digest is the image id). */
async function registryDigest(
  ctx: TaskContext,
  access: RegistryAccess,
  ref: string,
  imageId: string,
): Promise<Result<string | undefined, string>> {
  const manifest = await getManifest(access.repo, splitRef(ref).tag, access.creds, {
    method: 'GET',
    signal: ctx.signal,
  });
  if (!manifest.ok) return fail(registryFailureMessage(ref, manifest.error, access.hint));
  const m = manifest.value;
  // Without an image id (an output reused from the registry by its content-addressed tag) the tag is the proof.
  const same = imageId === '' || m?.configDigest === imageId;
  return ok(m !== undefined && same && m.digest !== '' ? m.digest : undefined);
}

/** Pushes one ref through the engine; returns the manifest digest or the one message for the failure. */
async function pushRef(
  ctx: TaskContext,
  docker: DockerClient,
  access: RegistryAccess,
  ref: string,
): Promise<string | { error: string }> {
  const { repository, tag } = splitRef(ref);
  ctx.log(`pushing ${ref}`);
  const log = (m: ProgressMessage): void => {
    // Byte counters arrive many times a second; the log keeps the state changes.
    if (m.status !== undefined && m.progress === undefined)
      ctx.log(m.id !== undefined ? `${m.id}: ${m.status}` : m.status);
  };
  const auth = engineAuthHeader(access.creds, access.repo.registry);
  const pushed = await pushImage(docker, repository, tag, auth, log, ctx.signal);
  if (!pushed.ok) {
    const detail = failureDetail(pushed.error);
    if (isAuthError(detail)) return { error: refusedMessage(ref, access.repo.registry, detail, access.hint) };
    return { error: `Push of "${ref}" failed: ${detail}` };
  }
  if (pushed.value.digest !== '') return pushed.value.digest;
  const after = await getManifest(access.repo, tag, access.creds, { method: 'HEAD', signal: ctx.signal });
  return after.ok && after.value ? after.value.digest : '';
}

/** Pushed: every ref's manifest is still in the registry; tag only: every ref still names the image in the engine. */
async function tagStatus(
  task: TagTask,
  output: TaskOutput<TaggedImage>,
  ctx: TaskContext,
): Promise<ArtifactStatus> {
  const { image } = task.spec;
  if (image.builder.kind === 'custom') return { present: true };
  const { data } = output;
  const { refs } = data;
  if (pushes(image, ctx.settings)) {
    const repo = parseRepository(image.image);
    const found = await registryCredentials(repo.registry, ctx.env);
    const creds: RegistryCredentials = found.ok ? found.value : { kind: 'anonymous' };
    for (const ref of refs) {
      const manifest = await getManifest(repo, splitRef(ref).tag, creds, {
        method: 'HEAD',
        signal: ctx.signal,
      });
      if (!manifest.ok)
        return {
          present: false,
          missing: `${ref} in the registry (${registryFailureDetail(manifest.error)})`,
        };
      if (!manifest.value) return { present: false, missing: `${ref} in the registry` };
      if (data.digest !== '' && manifest.value.digest !== data.digest) {
        return {
          present: false,
          missing: `${ref} in the registry (the tag now names ${manifest.value.digest})`,
        };
      }
    }
    return { present: true };
  }
  const docker = await openDocker(ctx.env, ctx.signal);
  if (!docker.ok) return { present: false, missing: `the Docker Engine (${failureDetail(docker.error)})` };
  try {
    for (const ref of refs) {
      const info = await inspectImage(docker.value, ref, ctx.signal);
      if (!info.ok || info.value?.id !== data.imageId)
        return { present: false, missing: `image ${ref} in the Docker Engine` };
    }
    return { present: true };
  } finally {
    await docker.value.close().catch(() => undefined);
  }
}

/** The `tag` task kind. */
export const tagKind: TaskKindImpl<'tag', TaggedImage> = {
  kind: 'tag',
  implVersion: 1,
  isOutput: isTaggedImage,
  inputs: tagInputs,
  // -b rebuilds and pushes again: a rebuilt image under an unchanged tag must still reach the registry.
  forcedBy: (_task, settings) => (settings.forceBuild ? '-b' : undefined),
  status: tagStatus,
  proof: (task) => (task.spec.image.builder.kind === 'custom' ? [] : undefined),
  run: tagRun,
};
