// Starts the test API server stand-in for demos and manual checks:
//   node dist/scripts/kube-server.js --port 6443 --kubeconfig /tmp/kubeconfig [--token T] [--ready-delay 50] [--verbose]
//   deno run -A --no-check scripts/kube-server.ts --port 6443 --kubeconfig /tmp/kubeconfig
// Prints the URL, then serves until killed.
import process from 'node:process';
import { parseArgs } from 'node:util';
import { startKubeServer, type KubeServerOptions } from '../test/kube-server/index.ts';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    port: { type: 'string', default: '0' },
    kubeconfig: { type: 'string' },
    namespace: { type: 'string', default: 'default' },
    token: { type: 'string' },
    'ready-delay': { type: 'string', default: '50' },
    verbose: { type: 'boolean', default: false },
  },
});

const port = Number(values.port);
const readyDelayMs = Number(values['ready-delay']);
if (!Number.isInteger(port) || port < 0 || !Number.isFinite(readyDelayMs)) {
  process.stderr.write(
    `Cannot start the test API server: invalid --port "${values.port}" or --ready-delay\n`,
  );
  process.exit(2);
}

const options: KubeServerOptions = { port, readyDelayMs };
if (values.token !== undefined) options.token = values.token;
if (values.verbose) options.log = (line) => process.stderr.write(`${line}\n`);

// Handlers first: a SIGTERM that arrives right after the URL is printed must still stop cleanly.
const starting = startKubeServer(options);
const stop = (): void => {
  void starting.then((running) => running.close()).then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

const server = await starting;
if (values.kubeconfig !== undefined) {
  await server.writeKubeconfig(values.kubeconfig, { namespace: values.namespace });
  process.stdout.write(`kubeconfig: ${values.kubeconfig}\n`);
}
process.stdout.write(`${server.url}\n`);
