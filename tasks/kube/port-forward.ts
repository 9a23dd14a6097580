// One TCP connection carried to a pod's port through the API server's `pods/NAME/portforward` subresource, over a
// websocket of the `v4.channel.k8s.io` protocol (what kubectl's and client-node's websocket forwarders speak):
// every binary message starts with a channel byte; the port has data channel 0 and error channel 1, and the
// server's first two bytes on each are the port number, little-endian. Text on the error channel is the kubelet's
// reason the forward failed (nothing listens on the port, the pod's network is gone). The only module that
// imports `ws`, which runs the same under Node and Deno.
import { Buffer } from 'node:buffer';
import type { Socket } from 'node:net';
import WebSocket from 'ws';
import { fail, ok, type Result } from '../../core/result.ts';
import { failureOf, toFailure, type KubeFailure } from './errors.ts';
import type { UpgradeOptions } from './object-api.ts';

/** The channel protocol spoken; the server must choose it. */
export const PORT_FORWARD_PROTOCOL = 'v4.channel.k8s.io';

/** Bytes queued towards the server before the local socket is paused. */
const HIGH_WATER = 1 << 20;

/**
 * Carries `socket` to the port the upgrade URL names until either side closes it or `signal` aborts. A refused
 * upgrade (the pod is gone or not running) is a failure with the answer's status; the kubelet's words on the
 * error channel are a failure without one. The socket is closed when this resolves, except after a refused
 * upgrade, which read nothing from it: the caller closes it or carries it elsewhere.
 */
export function forwardSocket(
  options: UpgradeOptions,
  socket: Socket,
  signal: AbortSignal,
): Promise<Result<void, KubeFailure>> {
  return new Promise((resolve) => {
    // Nothing is read from the connection until the pod's end is there to take it.
    socket.pause();
    let failure: KubeFailure | undefined;
    let errorText = '';
    let opened = false;
    const prefix = [2, 2];
    const ws = new WebSocket(options.url, [PORT_FORWARD_PROTOCOL], {
      headers: options.headers,
      ...options.tls,
      perMessageDeflate: false,
    });
    const finish = (): void => {
      signal.removeEventListener('abort', abort);
      if (errorText !== '' && !failure) failure = { reason: 'server', detail: errorText.trim() };
      // A refused upgrade read nothing from the connection: the caller may carry it to another pod. Else the
      // pod's side ended: what it sent still reaches the client, then the connection closes.
      if (failure?.status !== undefined && !opened) socket.pause();
      else if (failure) socket.destroy();
      else socket.end(() => socket.destroy());
      resolve(failure && !signal.aborted ? fail(failure) : ok(undefined));
    };
    const abort = (): void => {
      ws.terminate();
      socket.destroy();
    };
    signal.addEventListener('abort', abort, { once: true });
    if (signal.aborted) abort();

    ws.on('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('close', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text.trim();
        try {
          body = JSON.parse(text) as unknown;
        } catch {
          // the kubelet's answers are plain text
        }
        failure = failureOf(res.statusCode ?? 0, body);
        ws.terminate();
      });
    });
    ws.on('error', (e) => {
      failure ??= toFailure(e);
    });
    ws.on('open', () => {
      if (ws.protocol !== PORT_FORWARD_PROTOCOL) {
        failure = { reason: 'server', detail: `the server chose protocol "${ws.protocol}"` };
        ws.close();
        return;
      }
      opened = true;
      socket.resume();
    });
    ws.on('message', (data: Buffer, binary: boolean) => {
      if (!binary || data.length === 0) return;
      const channel = data[0] ?? 0;
      let payload = data.subarray(1);
      const skip = Math.min(prefix[channel] ?? 0, payload.length);
      if (skip > 0) {
        prefix[channel] = (prefix[channel] ?? 0) - skip;
        payload = payload.subarray(skip);
      }
      if (payload.length === 0) return;
      if (channel === 1) errorText += payload.toString('utf8');
      else if (channel === 0 && !socket.write(payload)) {
        ws.pause();
        socket.once('drain', () => ws.resume());
      }
    });
    ws.on('close', finish);

    let held = false;
    socket.on('data', (chunk: Buffer) => {
      if (ws.readyState !== WebSocket.OPEN) return;
      ws.send(Buffer.concat([Buffer.from([0]), chunk]), () => {
        if (held && ws.bufferedAmount <= HIGH_WATER) {
          held = false;
          socket.resume();
        }
      });
      if (ws.bufferedAmount > HIGH_WATER) {
        held = true;
        socket.pause();
      }
    });
    socket.on('error', () => socket.destroy());
    // The channel protocol has no half-close: the forward lasts until the whole connection closes.
    socket.on('close', () => {
      if (ws.readyState === WebSocket.OPEN) ws.close(1000);
      else if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
    });
  });
}
