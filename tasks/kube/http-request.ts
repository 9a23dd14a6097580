// The transport under the API client: one node:http(s) request, body in, status, text and warnings out.
// Sending through client-node's bundled node-fetch and observable wrappers cost about a third more CPU per
// request, which shows when a deploy sends hundreds of applies.
import { Buffer } from 'node:buffer';
import http from 'node:http';
import https from 'node:https';

/** One request. */
export interface HttpRequest {
  method: string;
  headers: Record<string, string>;
  body?: string | undefined;
  agent: http.Agent;
}

/** An answer: the status code, the body as text, and each `Warning` header's text. */
export interface HttpAnswer {
  status: number;
  text: string;
  warnings: string[];
}

/** Sends one request over the agent's pooled connections. */
export function sendHttp(url: string, request: HttpRequest): Promise<HttpAnswer> {
  const transport = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    const options: https.RequestOptions = {
      method: request.method,
      headers: request.headers,
      agent: request.agent,
    };
    const req = transport.request(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          text: Buffer.concat(chunks).toString('utf8'),
          warnings: warningsOf(res.rawHeaders),
        }),
      );
    });
    req.on('error', reject);
    if (request.body !== undefined && request.body !== '') req.end(request.body);
    else req.end();
  });
}

/**
 * The texts of `Warning` headers. The API server sends one header per warning, shaped `299 - "text"` (RFC 7234
 * warn-code, agent `-`, quoted text; k8s.io/apiserver/pkg/warning). Raw headers keep them apart: Node joins
 * repeated headers with commas, which warning texts contain too.
 */
export function warningsOf(rawHeaders: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i]?.toLowerCase() !== 'warning') continue;
    const value = rawHeaders[i + 1] ?? '';
    const match = /^\d{3} \S+ "((?:[^"\\]|\\.)*)"/.exec(value);
    out.push(match ? (match[1] ?? '').replace(/\\(.)/g, '$1') : value);
  }
  return out;
}
