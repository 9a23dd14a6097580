// Container endpoints, enough to run a built image once and read what it printed (tests, smoke checks).
import type { Result } from '../../core/result.ts';
import { fail, ok } from '../../core/result.ts';
import type { DockerClient } from './client.ts';
import type { DockerFailure } from './failure.ts';

/** What a finished container left behind. */
export interface ContainerRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Options for one container run. */
export interface RunOptions {
  /** Overrides the image's CMD; omitted keeps it. */
  cmd?: string[];
  /** Overrides the image's ENTRYPOINT; omitted keeps it. */
  entrypoint?: string[];
  signal?: AbortSignal;
}

/** Creates, starts and waits for a container of `image`, returns its output, then removes it. */
export async function runContainer(
  docker: DockerClient,
  image: string,
  options: RunOptions = {},
): Promise<Result<ContainerRun, DockerFailure>> {
  const signal = options.signal ? { signal: options.signal } : {};
  const created = await docker.json({
    method: 'POST',
    path: '/containers/create',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      Image: image,
      ...(options.cmd ? { Cmd: options.cmd } : {}),
      ...(options.entrypoint ? { Entrypoint: options.entrypoint } : {}),
      Tty: false,
      HostConfig: { NetworkMode: 'none' },
    }),
    ...signal,
  });
  if (!created.ok) return created;
  const id = (created.value as { Id?: unknown }).Id;
  if (typeof id !== 'string')
    return fail({ reason: 'http', status: 500, message: 'the engine returned no container id' });
  try {
    const started = await docker.request({ method: 'POST', path: `/containers/${id}/start`, ...signal });
    if (!started.ok) return started;
    await started.value.body.dump();
    const waited = await docker.json({ method: 'POST', path: `/containers/${id}/wait`, ...signal });
    if (!waited.ok) return waited;
    const exitCode = (waited.value as { StatusCode?: unknown }).StatusCode;
    const logs = await docker.request({
      method: 'GET',
      path: `/containers/${id}/logs`,
      query: { stdout: 'true', stderr: 'true' },
      ...signal,
    });
    if (!logs.ok) return logs;
    const { stdout, stderr } = demultiplex(Buffer.from(await logs.value.body.arrayBuffer()));
    return ok({ exitCode: typeof exitCode === 'number' ? exitCode : -1, stdout, stderr });
  } finally {
    const removed = await docker.request({
      method: 'DELETE',
      path: `/containers/${id}`,
      query: { force: 'true' },
    });
    if (removed.ok) await removed.value.body.dump();
  }
}

/** Splits the engine's multiplexed log stream (8-byte frame headers: stream type, size) into stdout and stderr. */
export function demultiplex(data: Buffer): { stdout: string; stderr: string } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= data.length) {
    const type = data[offset];
    const size = data.readUInt32BE(offset + 4);
    const frame = data.subarray(offset + 8, offset + 8 + size);
    (type === 2 ? err : out).push(frame);
    offset += 8 + size;
  }
  return { stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}
