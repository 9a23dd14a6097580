// The last successful deploy of a deployment to one cluster, kept under `<stateDir>/deployed/`: which
// objects it left (so the next deploy can prune kinds that left the render entirely) and their write
// markers (so a hand edit is noticed even though the content digest did not change).
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { readJsonFile, writeFileAtomic } from '../../cache/atomic.ts';
import { sha256Hex } from '../../cache/canonical.ts';
import type { TaskNode } from '../../core/task.ts';
import { renderedBase } from '../render/output.ts';
import type { DeployedObject } from './inventory.ts';
import type { ClusterIdentity } from './kubeconfig.ts';

/** What the state file holds. */
export interface DeployState {
  objects: DeployedObject[];
}

/** The state file of a deployment in one cluster and namespace. */
export function statePath(
  stateDir: string,
  task: TaskNode,
  identity: ClusterIdentity,
  namespace: string,
): string {
  const cluster = sha256Hex(`${identity.server}\n${identity.context}\n${namespace}`).slice(0, 12);
  return join(stateDir, 'deployed', `${renderedBase(task)}.${cluster}.json`);
}

/** The recorded state; empty when there is none or it cannot be read (a deploy then prunes less, never more). */
export async function readState(path: string): Promise<DeployState> {
  const read = await readJsonFile(path);
  if (read.status !== 'ok') return { objects: [] };
  const objects = (read.value as { objects?: unknown }).objects;
  return { objects: Array.isArray(objects) ? (objects as DeployedObject[]) : [] };
}

/** Records the state of a successful deploy. */
export async function writeState(path: string, state: DeployState): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(state));
}

/** Forgets the state (after a purge). */
export async function removeState(path: string): Promise<void> {
  await rm(path, { force: true });
}
