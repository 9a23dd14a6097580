// Helm deployments: values files and inline values merged, image references replaced in them (and in a local
// chart's own defaults, under them), then `helm template` with the result. The merged values are kept: deploy
// installs the chart with them.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { ComponentDeployment, HelmDeployment } from '../../core/config.ts';
import { error } from '../../core/diagnostics.ts';
import { fail, ok } from '../../core/result.ts';
import { checkChart, chartSource, type ChartSource } from '../helm/chart.ts';
import { chartFileSystem, readLocalChart } from '../helm/chart-files.ts';
import { helmTemplate } from '../helm/template.ts';
import { loadValues, mergeValues } from '../helm/values.ts';
import { renderComponent } from './component.ts';
import { parseManifests } from './manifests.ts';
import { isObject, type JsonObject } from './object.ts';
import type { Renderer, RenderContext } from './render-context.ts';
import { legacyNames, substituteRuntimeRefsIn } from '../../core/runtime-refs.ts';
import { unresolved } from './render-context.ts';
import { defaultOverrides, replaceInValues } from './tag-replacement.ts';
import type { Json } from '../../core/json.ts';

/** Renders a helm deployment with `helm template`. */
export const renderHelm: Renderer<HelmDeployment> = async (ctx) => {
  const d = ctx.deployment;
  const source = chartSource(d);
  const exists = await checkChart(source, ctx.projectDir);
  if (!exists.ok) return fail(error(exists.error, ctx.configAt(['helm', 'chart', 'name'])));
  const loaded = await loadValues(ctx.projectDir, d.valuesFiles, d.values, ctx.locate);
  if (!loaded.ok) return loaded;
  const prepared = prepareValues(ctx, loaded.value);
  if (!prepared.ok) return fail(error(prepared.error, ctx.configAt(['helm', 'values'])));
  const values = await withChartDefaults(ctx, source, prepared.value);
  const dir = await mkdtemp(join(tmpdir(), 'dsg-values-'));
  try {
    const valuesFile = join(dir, 'values.yaml');
    await writeFile(valuesFile, stringify(values, { version: '1.1', lineWidth: 0 }));
    const rendered = await helmTemplate(
      {
        deployment: d.name,
        release: d.releaseName,
        namespace: ctx.namespace,
        source,
        valuesFile,
        templateArgs: d.templateArgs,
      },
      { cwd: ctx.projectDir, env: ctx.env, signal: ctx.signal },
    );
    if (!rendered.ok) return fail(error(rendered.error, ctx.configAt(['helm', 'chart'])));
    const parsed = parseManifests(
      rendered.value,
      `helm template output of "${d.name}"`,
      () => ctx.deployment.at.file,
    );
    if (!parsed.ok) return fail({ ...parsed.error, location: d.at });
    return ok({ objects: parsed.value.map((o) => ({ object: o.object })), values });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};

/**
 * The deployment's values with the replacements made in the local chart's own `values.yaml` under them: a default
 * that names a config image gets the built tag, as the deployment's values do, unless those values set it.
 */
async function withChartDefaults(
  ctx: RenderContext<HelmDeployment>,
  source: ChartSource,
  values: JsonObject,
): Promise<JsonObject> {
  if (source.kind !== 'local' || !ctx.deployment.updateImageTags) return values;
  const chart = await readLocalChart(ctx.projectDir, source.path, chartFileSystem, { valuesOnly: true });
  if (!chart.values) return values;
  let defaults: Json;
  try {
    defaults = (parse(chart.values.text, { maxAliasCount: 1000 }) ?? {}) as Json;
  } catch {
    // helm reports a broken values.yaml of its chart itself, with its own words.
    return values;
  }
  const made: string[] = [];
  const overrides = defaultOverrides(defaults, values, ctx.images, {}, made);
  for (const line of made) ctx.log(`image ${line} (default in ${chart.values.file})`);
  return isObject(overrides) ? mergeValues(overrides, values) : values;
}

/** Renders a component deployment natively from its component-chart values. */
export const renderComponentDeployment: Renderer<ComponentDeployment> = async (ctx) => {
  const values = prepareValues(ctx, ctx.deployment.values);
  if (!values.ok) return fail(error(values.error, ctx.configAt(['helm', 'values'])));
  const objects = renderComponent(ctx.deployment.name, values.value);
  if (!objects.ok) return fail(error(objects.error, ctx.configAt(['helm', 'values'])));
  return ok({ objects: objects.value.map((object) => ({ object })) });
};

/** Resolves `${runtime.images...}` and, unless `updateImageTags: false`, replaces image names in values. */
function prepareValues(
  ctx: RenderContext,
  values: JsonObject,
): { ok: true; value: JsonObject } | { ok: false; error: string } {
  // DevSpace 5's `image(NAME)` / `tag(NAME)` are read in any string of values, as DevSpace does.
  const legacy = { names: legacyNames(ctx.task.project.config.images) };
  const resolved = substituteRuntimeRefsIn(values, ctx.runtime, legacy);
  if (!resolved.ok) return { ok: false, error: unresolved(resolved.error.text) };
  const made: string[] = [];
  const replaced = ctx.deployment.updateImageTags
    ? replaceInValues(resolved.value, ctx.images, {}, made)
    : resolved.value;
  for (const line of made) ctx.log(`image ${line}`);
  if (!isObject(replaced)) throw new Error('tag replacement turned the values into a non-object');
  return { ok: true, value: replaced };
}
