// One sentence per failure, naming the cluster, the object or the file: what the user reads when a deploy
// stops. Kept apart from the logic so the wording can be read (and tested) in one place.
import { error, type Diagnostic, type SourceLocation } from '../../core/diagnostics.ts';
import { describeRef, type ObjectRef } from '../render/object.ts';
import { formatDuration } from './duration.ts';
import type { KubeFailure } from './errors.ts';
import type { ClusterIdentity } from './kubeconfig.ts';
import type { RolloutFailure } from './rollout.ts';
import type { SyncFailure } from './sync-failure.ts';

/** What a message needs to know about where it happened. */
export interface MessageContext {
  deployment: string;
  identity: ClusterIdentity;
  /** The deployment in devspace.yaml, used when no manifest line is known. */
  at: SourceLocation;
  /** Turns a project-relative `file:line` source into a location. */
  locate: (source: string | undefined) => SourceLocation | undefined;
}

const clusterHint = 'check KUBECONFIG / --kube-context';

/** The message of a failed request that is about the cluster rather than an object, or undefined. */
export function clusterProblem(failure: KubeFailure, identity: ClusterIdentity): Diagnostic | undefined {
  const { server, context } = identity;
  switch (failure.reason) {
    case 'unreachable':
      return error(
        `Cannot reach the cluster at ${server} (context ${context}): ${failure.detail} — is it running? ${clusterHint}`,
      );
    case 'unauthorized':
      return error(
        `The cluster rejected the credentials of context "${context}" (${server}): ${failure.status ?? 401} Unauthorized`,
        undefined,
        'the token or client certificate in the kubeconfig is wrong or expired',
      );
    case 'aborted':
      return error('Cancelled while talking to the cluster');
    default:
      return undefined;
  }
}

/** The diagnostic of a failed sync. */
export function syncProblem(failure: SyncFailure, ctx: MessageContext): Diagnostic {
  const where = (source: string | undefined): SourceLocation => ctx.locate(source) ?? ctx.at;
  switch (failure.kind) {
    case 'not-served':
      return notServed(failure.ref, ctx, where(failure.source));
    case 'still-terminating':
      return error(
        `Cannot deploy "${ctx.deployment}": ${describeRef(failure.ref)} is still terminating after ${formatDuration(failure.waitedMs)}`,
        ctx.at,
        'deploy again once it is gone (kubectl get shows what keeps it), or raise DSG_TERMINATING_TIMEOUT',
      );
    case 'not-served-yet':
      return error(
        `Deployment "${ctx.deployment}": kind "${failure.ref.kind}" (${failure.ref.apiVersion}) of "${failure.ref.name}" is still not served ${formatDuration(failure.waitedMs)} after its CustomResourceDefinition was established`,
        where(failure.source),
        'the API server has not caught up; deploy again, or raise DSG_DISCOVERY_TIMEOUT',
      );
    case 'duplicate':
      return error(
        `Deployment "${ctx.deployment}" renders ${describeRef(failure.ref)} twice (${failure.sources.join(', ')})`,
        where(failure.sources[1]),
      );
    case 'request': {
      const general = clusterProblem(failure.failure, ctx.identity);
      if (general) return general;
      const target = failure.ref ? ` ${describeRef(failure.ref)}` : '';
      const namespace = failure.ref?.namespace ? ` in namespace ${failure.ref.namespace}` : '';
      if (failure.failure.reason === 'forbidden') {
        return error(
          `The cluster forbids to ${failure.action}${target}${namespace} (context ${ctx.identity.context}): ${failure.failure.detail}`,
          where(failure.source),
          missingPermission(failure.failure.detail),
        );
      }
      return error(
        `Cannot ${failure.action}${target}${namespace} of deployment "${ctx.deployment}": ${failure.failure.detail}`,
        where(failure.source),
      );
    }
  }
}

/**
 * The permission a 403 says is missing, as a hint: the authorizer's message names the user, verb, resource,
 * API group and scope (`cannot patch resource "deployments" in API group "apps" in the namespace "shop"`).
 */
export function missingPermission(detail: string): string | undefined {
  const m =
    /cannot (\S+) resource "([^"]+)" in API group "([^"]*)" (?:at the cluster scope|in the namespace "([^"]+)")/.exec(
      detail,
    );
  if (!m) return undefined;
  const resource = m[3] ? `${m[2] ?? ''}.${m[3]}` : (m[2] ?? '');
  const scope = m[4] ? `in namespace ${m[4]}` : 'at cluster scope';
  return `the credentials lack "${m[1] ?? ''}" on ${resource} ${scope}: ask for that permission (a Role or ClusterRole), or deploy where you have it`;
}

/** The diagnostic of a kind the API server does not serve. */
export function notServed(ref: ObjectRef, ctx: MessageContext, at: SourceLocation): Diagnostic {
  return error(
    `Deployment "${ctx.deployment}": kind "${ref.kind}" (${ref.apiVersion}) of "${ref.name}" is not served by the cluster`,
    at,
    'check the kind and apiVersion, or install the CustomResourceDefinition that defines it',
  );
}

/** The diagnostic of a rollout that did not finish. */
export function rolloutProblem(
  failure: RolloutFailure,
  ctx: MessageContext,
  at?: SourceLocation,
): Diagnostic {
  if (failure.kind === 'request') {
    return (
      clusterProblem(failure.failure, ctx.identity) ??
      error(
        `Cannot read the rollout status of deployment "${ctx.deployment}": ${failure.failure.detail}`,
        ctx.at,
      )
    );
  }
  return error(failure.message, at ?? ctx.at);
}

/** A `file:line` source (project-relative) as a location, through `locate` for the file part. */
export function sourceLocation(
  source: string | undefined,
  locate: (file: string) => string,
): SourceLocation | undefined {
  if (!source) return undefined;
  const match = /^(.*):(\d+)$/.exec(source);
  if (!match) return undefined;
  return { file: locate(match[1] ?? ''), line: Number(match[2]), col: 1 };
}
