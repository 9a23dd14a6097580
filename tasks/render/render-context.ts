// What each deployment type's renderer receives, so the three of them read alike.
import { dirname, join, normalize } from 'node:path';
import type { DeploymentConfig } from '../../core/config.ts';
import type { Diagnostic, SourceLocation } from '../../core/diagnostics.ts';
import type { TaskNode } from '../../core/task.ts';
import type { Result } from '../../core/result.ts';
import type { RunSettings } from '../../core/task-kind.ts';
import type { JsonObject, SourcedObject } from './object.ts';
import type { RuntimeLookup } from '../../core/runtime-refs.ts';
import type { BuiltImage } from './tag-replacement.ts';

/** The inputs of one render. */
export interface RenderContext<D extends DeploymentConfig = DeploymentConfig> {
  task: TaskNode;
  deployment: D;
  /** Absolute project directory; every path of the deployment is relative to it. */
  projectDir: string;
  env: Readonly<Record<string, string>>;
  signal: AbortSignal;
  settings: RunSettings;
  log: (line: string) => void;
  /** The namespace helm renders the release for (`-n`, the deployment's, the kube context's, `default`). */
  namespace: string;
  /** The images of the upstream tag tasks. */
  images: BuiltImage[];
  /** Fills in the task's `${runtime...}` references (resolved by the compiler) from the upstream outputs. */
  runtime: RuntimeLookup;
  /** A project-relative path as messages name it (relative to where dsg was started). */
  locate: (projectRelative: string) => string;
  /** Where a part of this deployment's config was written, falling back to the deployment itself. */
  configAt: (path: readonly (string | number)[]) => SourceLocation;
}

/** What a renderer produced: the objects, and for helm the values it rendered them with. */
export interface Rendered {
  objects: SourcedObject[];
  values?: JsonObject;
}

/** A renderer of one deployment type. */
export type Renderer<D extends DeploymentConfig> = (
  ctx: RenderContext<D>,
) => Promise<Result<Rendered, Diagnostic>>;

/** Builds the path helpers of a task: project paths as messages show them, config locations. */
export function locators(
  task: TaskNode,
  deployment: DeploymentConfig,
): Pick<RenderContext, 'locate' | 'configAt'> {
  const configDir = dirname(task.project.config.file);
  return {
    locate: (rel) => normalize(join(configDir, rel)),
    configAt: (path) =>
      task.project.config.locate(['deployments', deployment.name, ...path]) ?? deployment.at,
  };
}

/** The message for a runtime reference render found no image for (the compiler resolves every one it can see). */
export function unresolved(text: string): string {
  return `Cannot resolve "${text}": no image of that name was built for this deployment`;
}
