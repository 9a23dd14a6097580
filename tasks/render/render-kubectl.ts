// kubectl deployments: manifest files, folders and globs (or kustomizations, or an inline manifest), with
// the deployment's patches applied and image references replaced.
import type { KubectlDeployment } from '../../core/config.ts';
import { error, type Diagnostic } from '../../core/diagnostics.ts';
import { fail, ok, type Result } from '../../core/result.ts';
import { buildKustomization } from './kustomize.ts';
import { manifestFiles } from './manifest-files.ts';
import { parseManifests, readManifestFile } from './manifests.ts';
import { isObject, type SourcedObject } from './object.ts';
import { applyPatches } from './patches.ts';
import { unresolved, type Renderer, type RenderContext } from './render-context.ts';
import { legacyNames, substituteRuntimeRefsIn } from '../../core/runtime-refs.ts';
import { replaceImageKeys } from './tag-replacement.ts';

/** Renders a kubectl deployment. */
export const renderKubectl: Renderer<KubectlDeployment> = async (ctx) => {
  const loaded = await loadObjects(ctx);
  if (!loaded.ok) return loaded;
  const out: SourcedObject[] = [];
  const made: string[] = [];
  // DevSpace 5's `image(NAME)` / `tag(NAME)`, which it reads in `image:` fields of manifests.
  const legacy = legacyNames(ctx.task.project.config.images);
  for (const item of loaded.value) {
    const patched = applyPatches(item.object, ctx.deployment.patches);
    if (!patched.ok) {
      return fail(
        error(
          `Cannot apply patch ${patched.error.index + 1} of deployment "${ctx.deployment.name}" to ${patched.error.message}`,
          ctx.configAt(['kubectl', 'patches', patched.error.index]),
        ),
      );
    }
    const resolved = substituteRuntimeRefsIn(patched.value, ctx.runtime, { names: legacy, key: 'image' });
    if (!resolved.ok)
      return fail(
        error(
          unresolved(resolved.error.text),
          item.source
            ? { file: ctx.locate(item.source.file), line: item.source.line, col: 1 }
            : ctx.deployment.at,
        ),
      );
    const replaced = ctx.deployment.updateImageTags
      ? replaceImageKeys(resolved.value, ctx.images, {}, made)
      : resolved.value;
    if (!isObject(replaced)) throw new Error('tag replacement turned an object into a non-object');
    out.push(item.source ? { object: replaced, source: item.source } : { object: replaced });
  }
  for (const line of made) ctx.log(`image ${line}`);
  return ok({ objects: out });
};

async function loadObjects(
  ctx: RenderContext<KubectlDeployment>,
): Promise<Result<SourcedObject[], Diagnostic>> {
  const d = ctx.deployment;
  const objects: SourcedObject[] = [];
  if (d.inlineManifest !== undefined) {
    const at = ctx.configAt(['kubectl', 'inlineManifest']);
    const parsed = parseManifests(
      d.inlineManifest,
      `inlineManifest of deployment "${d.name}"`,
      () => at.file,
    );
    if (!parsed.ok) {
      // Lines of an inline manifest count from the block's first line in devspace.yaml.
      const where = parsed.error.location;
      if (where) where.line = at.line + where.line;
      return parsed;
    }
    objects.push(...parsed.value.map((o) => ({ object: o.object })));
  }
  if (d.kustomize) {
    for (const entry of d.manifests) {
      const built = await buildKustomization(entry, d.kustomizeArgs, {
        projectDir: ctx.projectDir,
        env: ctx.env,
        signal: ctx.signal,
        locate: ctx.locate,
      });
      if (!built.ok) return fail({ ...built.error, location: ctx.configAt(['kubectl', 'manifests']) });
      objects.push(...built.value);
    }
    return ok(objects);
  }
  const files = await manifestFiles(ctx.projectDir, d.manifests);
  if (!files.ok) return fail(error(files.error, ctx.configAt(['kubectl', 'manifests'])));
  for (const file of files.value) {
    const parsed = await readManifestFile(ctx.projectDir, file, ctx.locate);
    if (!parsed.ok) return parsed;
    objects.push(...parsed.value);
  }
  return ok(objects);
}
