// Where a registry's API answers.
import { DOCKER_HUB } from '../../core/image-ref.ts';

/** The base URL of a registry's API: plain http for loopback registries (docker's default insecure range). */
export function registryBaseUrl(registry: string): string {
  if (registry === DOCKER_HUB) return 'https://registry-1.docker.io';
  const host = registry.replace(/:\d+$/, '');
  const loopback = host === 'localhost' || /^127\./.test(host) || host === '[::1]';
  return `${loopback ? 'http' : 'https'}://${registry}`;
}
