// Whether an image can be pulled. The stand-in runs no kubelet, so it asks the registries it was told about
// (`registries: ['127.0.0.1:5000']`) for the manifest, as a pull would (registry API v2, HEAD manifests);
// an image in any other registry is taken as pullable, since the stand-in cannot know.
import { request } from 'node:http';

/** The image check of one server. */
export class ImageCheck {
  readonly #registries: readonly string[];
  readonly #known = new Map<string, { exists: boolean; at: number }>();

  /** Checks images of the given registry hosts (`host:port`); none means every image is pullable. */
  constructor(registries: readonly string[]) {
    this.#registries = registries;
  }

  /** Asks the registries about the images that are theirs, so that `missing` can answer synchronously. */
  async prepare(images: readonly string[]): Promise<void> {
    await Promise.all(
      images.map(async (image) => {
        const ref = this.#ref(image);
        const cached = this.#known.get(image);
        // A short memory: a push after a failed rollout is seen by the next reconcile.
        if (!ref || (cached && Date.now() - cached.at < 500)) return;
        this.#known.set(image, { exists: await manifestExists(ref), at: Date.now() });
      }),
    );
  }

  /** True when a registry this server checks said the image is not there. */
  missing(image: string): boolean {
    return this.#known.get(image)?.exists === false;
  }

  #ref(image: string): { host: string; repository: string; reference: string } | undefined {
    const slash = image.indexOf('/');
    const host = slash > 0 ? image.slice(0, slash) : '';
    if (!this.#registries.includes(host)) return undefined;
    const rest = image.slice(slash + 1);
    const at = rest.indexOf('@');
    if (at >= 0) return { host, repository: rest.slice(0, at), reference: rest.slice(at + 1) };
    const colon = rest.lastIndexOf(':');
    return colon > 0
      ? { host, repository: rest.slice(0, colon), reference: rest.slice(colon + 1) }
      : { host, repository: rest, reference: 'latest' };
  }
}

const manifestTypes = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

function manifestExists(ref: { host: string; repository: string; reference: string }): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      `http://${ref.host}/v2/${ref.repository}/manifests/${ref.reference}`,
      { method: 'HEAD', headers: { Accept: manifestTypes } },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    // An unreachable registry fails the pull too.
    req.on('error', () => resolve(false));
    req.end();
  });
}
