// The build task kind: the Docker Engine builder, or DevSpace's custom builder when `custom:` is set.
import { dockerBuildInputs, dockerBuildRun, dockerBuildStatus } from './build-docker.ts';
import { customBuildInputs, customBuildRun } from './build-custom.ts';
import type { TaskNode } from '../engine/graph/types.ts';
import type { TaskKindImpl } from './types.ts';

const isCustom = (task: TaskNode): boolean => task.spec.kind === 'build' && task.spec.image.builder.kind === 'custom';

/** `build:NAME`: makes the image from its Dockerfile and context (or runs the custom command). */
export const buildKind: TaskKindImpl = {
  kind: 'build',
  implVersion: 1,
  inputs: (task, ctx) => (isCustom(task) ? customBuildInputs(task, ctx) : dockerBuildInputs(task, ctx)),
  // A custom command's product is invisible to dsg; trust the record.
  status: async (task, output, ctx) => (isCustom(task) ? { present: true } : dockerBuildStatus(task, output, ctx)),
  run: (task, ctx) => (isCustom(task) ? customBuildRun(task, ctx) : dockerBuildRun(task, ctx)),
};
