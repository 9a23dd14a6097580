// The sentences a failed push ends in, shared by the registry pre-check and the engine's push stream.
import type { RegistryCredentials } from './auth-config.ts';
import type { RegistryFailure } from './client.ts';

/** What the user should do when `registry` refused the credentials dsg presented. */
export function credentialsHint(registry: string, creds: RegistryCredentials, configDisplay: string): string {
  if (creds.kind === 'helper') {
    return `the credential helper "${creds.helper}" configured for ${registry} is not supported yet — put the credentials under "auths" in ${configDisplay} instead`;
  }
  return `check the credentials for ${registry} in ${configDisplay} (docker login ${registry})`;
}

/** The message for a push refused by the registry. */
export function refusedMessage(ref: string, registry: string, detail: string, hint: string): string {
  return `Push of "${ref}" was refused by ${registry}: ${detail} — ${hint}`;
}

/** The message for any registry failure while pushing `ref`. */
export function registryFailureMessage(ref: string, f: RegistryFailure, hint: string): string {
  switch (f.reason) {
    case 'unauthorized':
    case 'denied':
      return refusedMessage(ref, f.registry, f.detail, hint);
    case 'unreachable':
      return `Push of "${ref}" failed: the registry ${f.registry} is not reachable (${f.detail}) — start it, or check the registry in the image name`;
    case 'http':
      return `Push of "${ref}" failed: the registry ${f.registry} answered ${f.detail}`;
    case 'aborted':
      return `Push of "${ref}" was cancelled`;
  }
}

/** True when an engine push error means the registry refused the credentials. */
export function isAuthError(message: string): boolean {
  return /unauthorized|authentication required|no basic auth credentials|denied|access forbidden/i.test(
    message,
  );
}

/** A short text for a registry failure, for "artifact missing" reasons. */
export function registryFailureDetail(f: RegistryFailure): string {
  switch (f.reason) {
    case 'aborted':
      return 'cancelled';
    case 'unreachable':
      return `${f.registry} is not reachable: ${f.detail}`;
    default:
      return `${f.registry}: ${f.detail}`;
  }
}
