// Where the Docker Engine listens: DOCKER_HOST as the docker CLI reads it, or the default unix socket.
import type { Result } from '../../core/result.ts';
import { fail, ok } from '../../core/result.ts';

/** The default engine address on Linux. */
export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';

/** A parsed engine address: undici needs an origin, plus a socket path for unix sockets. */
export interface DockerHost {
  /** The address as the user wrote it (or the default), for messages. */
  display: string;
  /** HTTP origin for requests; a placeholder host for unix sockets. */
  origin: string;
  socketPath?: string;
}

/** Reads DOCKER_HOST from `env` (unix:///path, tcp://host:port, http://host:port). */
export function dockerHost(env: Readonly<Record<string, string>>): Result<DockerHost, string> {
  const raw = env['DOCKER_HOST'];
  const display = raw === undefined || raw === '' ? DEFAULT_DOCKER_HOST : raw;
  if (display.startsWith('unix://')) {
    const socketPath = display.slice('unix://'.length);
    if (socketPath === '') return fail(`DOCKER_HOST "${display}" names no socket path`);
    return ok({ display, origin: 'http://docker', socketPath });
  }
  const match = /^(tcp|http):\/\/([^/]+?)\/?$/.exec(display);
  if (match?.[2] !== undefined) {
    return ok({ display, origin: `http://${match[2]}` });
  }
  if (display.startsWith('https://') || display.startsWith('ssh://') || display.startsWith('npipe://')) {
    return fail(`DOCKER_HOST "${display}" uses a transport dsg does not support yet (use unix:// or tcp://)`);
  }
  return fail(
    `DOCKER_HOST "${display}" is not an address dsg understands (use unix:///path or tcp://host:port)`,
  );
}
