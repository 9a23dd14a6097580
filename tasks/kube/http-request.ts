// The transport under the object API: one node:http(s) request, body in, status and text out. client-node
// builds the request (path, query, credentials); sending it through its bundled node-fetch and observable
// wrappers costs about a third more CPU per request, which shows when a deploy sends hundreds of applies.
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

/** An answer: the status code and the body as text. */
export interface HttpAnswer {
  status: number;
  text: string;
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
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.on('error', reject);
    if (request.body !== undefined && request.body !== '') req.end(request.body);
    else req.end();
  });
}
