// What `dsg dev` runs beside the loop for the `dev:` section: it follows the logs of the selected pods' containers
// (`logs:`), printed as `[NAME] line`, and forwards `ports` to the newest selected pod (dev-ports.ts). After each
// deploy that succeeded, and a moment after a followed pod went away (a rollout replaced it) or while an entry has
// no pod yet, it lists the pods again and follows the new ones. Nothing here stops the loop: an unreachable
// cluster or a refused log is a warning, said once.
import type { DevConfig } from '../../core/config.ts';
import type { KubeClient } from '../../tasks/kube/client.ts';
import type { KubeTarget } from '../../tasks/kube/kube-target.ts';
import { labelSelectorOf, newestPod, selectContainers, type SelectedContainer } from './dev-pods.ts';
import { DevPorts } from './dev-ports.ts';
import type { DevViewEvent } from './events.ts';

/** What the services need from the command. */
export interface DevServicesDeps {
  env: Readonly<Record<string, string>>;
  kubeContext?: string;
  /** `-n`: the namespace of entries that name none (else the kubeconfig context's). */
  namespace?: string;
  emit(event: DevViewEvent): void;
}

/** How soon to look again after a followed pod went away, and while an entry has no pod. */
const AFTER_POD_GONE_MS = 300;
const WHILE_NO_POD_MS = 1000;

interface Follower {
  stop: AbortController;
}

/** The log followers and port-forwards of one `dsg dev` session. */
export class DevServices {
  private devs: DevConfig[] = [];
  private readonly followers = new Map<string, Follower>();
  private readonly warned = new Set<string>();
  private readonly closing = new AbortController();
  private client: { kube: KubeClient; target: KubeTarget } | undefined | null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private refreshing: Promise<void> | undefined;
  private again = false;
  private deployed = false;
  /** The pod each entry's forwards go to. */
  private readonly chosen = new Map<string, SelectedContainer>();
  private readonly ports: DevPorts;

  constructor(private readonly deps: DevServicesDeps) {
    this.ports = new DevPorts({
      emit: (event) => deps.emit(event),
      warnOnce: (key, message) => this.warnOnce(key, message),
      clearWarnings: (prefix) => {
        for (const key of this.warned) if (key.startsWith(prefix)) this.warned.delete(key);
      },
      podFor: (dev, fresh) => this.podFor(dev, fresh),
    });
  }

  /** The `dev:` entries of the (re)loaded config; followers of entries that are gone stop, ports listen. */
  setConfig(devs: readonly DevConfig[]): void {
    this.devs = devs.filter((d) => d.logs !== undefined || d.ports.length > 0);
    this.ports.setConfig(this.devs);
    const names = new Set(this.devs.map((d) => d.name));
    for (const [key, f] of this.followers) {
      if (!names.has(key.split('\n')[0] ?? '')) {
        f.stop.abort();
        this.followers.delete(key);
      }
    }
  }

  /** A deploy succeeded: follow the pods it made. */
  afterDeploy(): void {
    this.deployed = true;
    this.refresh();
  }

  /** Stops every follower and timer; resolves when the streams are closed. */
  async close(): Promise<void> {
    this.closing.abort();
    if (this.timer !== undefined) clearTimeout(this.timer);
    for (const f of this.followers.values()) f.stop.abort();
    this.followers.clear();
    await this.ports.close();
    await this.refreshing;
    if (this.client) this.client.kube.close();
  }

  private refresh(): void {
    if (this.closing.signal.aborted || !this.deployed) return;
    if (this.refreshing) {
      this.again = true;
      return;
    }
    this.refreshing = this.look()
      .catch((e: unknown) => this.warnOnce('dev', `Cannot follow the dev pods: ${(e as Error).message}`))
      .finally(() => {
        this.refreshing = undefined;
        if (this.again) {
          this.again = false;
          this.refresh();
        }
      });
  }

  private later(ms: number): void {
    if (this.closing.signal.aborted || this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.refresh();
    }, ms);
    this.timer.unref?.();
  }

  private async look(): Promise<void> {
    if (this.devs.length === 0) return;
    const client = await this.connect();
    if (!client) return;
    let waiting = false;
    for (const dev of this.devs) {
      if (this.closing.signal.aborted) return;
      const selected = await this.select(dev, client);
      if (!selected || selected.length === 0) waiting = true;
      for (const c of selected ?? []) this.follow(dev, c, client.kube);
    }
    if (waiting) this.later(WHILE_NO_POD_MS);
  }

  /** Lists the pods `dev` selects and chooses the one its forwards go to; undefined when the LIST failed. */
  private async select(
    dev: DevConfig,
    client: { kube: KubeClient; target: KubeTarget },
  ): Promise<SelectedContainer[] | undefined> {
    const namespace = dev.namespace ?? this.deps.namespace ?? client.target.identity.namespace;
    const listed = await client.kube.list('v1', 'Pod', namespace, labelSelectorOf(dev));
    if (!listed.ok) {
      if (!this.closing.signal.aborted)
        this.warnOnce(`list:${dev.name}`, `dev.${dev.name}: cannot list pods: ${listed.error.detail}`);
      return undefined;
    }
    this.warned.delete(`list:${dev.name}`);
    const selected = selectContainers(dev, listed.value);
    if (dev.ports.length > 0) {
      const pod = newestPod(selected);
      if (pod?.uid !== this.chosen.get(dev.name)?.uid) {
        if (pod) this.chosen.set(dev.name, pod);
        else this.chosen.delete(dev.name);
        this.ports.selected(dev, pod);
      }
    }
    return selected;
  }

  /** The pod a new connection of `dev` goes to; lists the pods first when none is known or `fresh`. */
  private async podFor(
    dev: DevConfig,
    fresh: boolean,
  ): Promise<{ pod: SelectedContainer; kube: KubeClient } | undefined> {
    const client = await this.connect();
    if (!client) return undefined;
    if (fresh || !this.chosen.has(dev.name)) await this.select(dev, client);
    const pod = this.chosen.get(dev.name);
    return pod && { pod, kube: client.kube };
  }

  private async connect(): Promise<{ kube: KubeClient; target: KubeTarget } | undefined> {
    if (this.client !== undefined) return this.client ?? undefined;
    const { loadKubeTarget } = await import('../../tasks/kube/kube-target.ts');
    const target = loadKubeTarget(this.deps.env, this.deps.kubeContext);
    if (!target.ok) {
      this.client = null;
      this.warnOnce(
        'kubeconfig',
        `Cannot follow the logs or forward the ports of \`dev:\`: ${target.error.message}`,
      );
      return undefined;
    }
    const { KubeClient } = await import('../../tasks/kube/client.ts');
    // Each followed log holds a connection of its own (object-api.ts): the pool is for the LISTs.
    // Closing drops the pool's connections, which ends a LIST in flight at once.
    this.client = {
      kube: KubeClient.connect(target.value, 4, this.closing.signal),
      target: target.value,
    };
    return this.client;
  }

  private follow(dev: DevConfig, c: SelectedContainer, kube: KubeClient): void {
    const key = `${dev.name}\n${c.uid}\n${c.container}`;
    if (this.followers.has(key) || !dev.logs) return;
    const stop = new AbortController();
    const closing = this.closing.signal;
    const ended = (): void => {
      this.followers.delete(key);
      if (!stop.signal.aborted && !closing.aborted) this.later(AFTER_POD_GONE_MS);
    };
    this.followers.set(key, { stop });
    let partial = '';
    const emit = (line: string): void => this.deps.emit({ type: 'dev-log', source: dev.name, line });
    const onText = (text: string): void => {
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) emit(line.replace(/\r$/, ''));
    };
    const signal = AbortSignal.any([stop.signal, closing]);
    void kube
      .followLog(
        { name: c.pod, namespace: c.namespace },
        { container: c.container, tailLines: dev.logs.lastLines },
        onText,
        signal,
      )
      .then((followed) => {
        if (partial !== '') emit(partial);
        if (!followed.ok && !signal.aborted) {
          this.warnOnce(
            key,
            `dev.${dev.name}: cannot follow the log of container "${c.container}" of pod "${c.pod}": ${followed.error.detail}`,
          );
          // A refusal (an unknown container) would be refused again: the follower stays, as a marker. A
          // dropped connection is tried again with the next look.
          if (followed.error.status !== undefined && followed.error.status < 500) return;
        }
        ended();
      });
  }

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.deps.emit({ type: 'dev-warning', message });
  }
}
