// The configuration vocabulary: one project's config after loading, resolving and conversion (the v2beta1 shape).
import type { SourceLocation } from './diagnostics.ts';
import type { Json } from './json.ts';

/** Finds where the value at a path of the resolved config was written, e.g. `['images', 'api', 'dockerfile']`. */
export type Locator = (path: readonly (string | number)[]) => SourceLocation | undefined;

/** One project's configuration after loading, variables, profiles and version conversion (the v2beta1 shape). */
export interface ProjectConfig {
  /** The config file, relative to the working directory dsg was started in (for messages). */
  file: string;
  /** Absolute directory of the project; every relative path below is relative to it. */
  dir: string;
  name: string;
  /** The `version:` the file was written in, before conversion. */
  sourceVersion: string;
  /** Resolved variable values (`vars`, predefined, `--var`), for `dsg why` and specs. */
  vars: Record<string, string>;
  /** Values of this project's secret variables (`password: true`, or named like a secret): never shown in clear. */
  secrets: string[];
  images: ImageConfig[];
  deployments: DeploymentConfig[];
  dependencies: DependencyConfig[];
  /** `hooks`: local commands run around the project's builds, deploys and purges. */
  hooks: HookConfig[];
  /** `dev`: the pods whose logs `dsg dev` follows (v2beta1 only). */
  dev: DevConfig[];
  locate: Locator;
  /** The config as dsg read it, a v2beta1 document after variables, profiles and conversion (`dsg print`). */
  resolved?: { [key: string]: Json };
  /** Set for a project checked out of git (a git dependency): where it came from. */
  origin?: ProjectOrigin;
}

/** A project's git source: the repository, the ref as written, the commit checked out and the folder in it. */
export interface ProjectOrigin {
  git: string;
  /** `branch "main"`, `tag "v1"`, `revision "3f2a…"` or `the default branch`. */
  ref: string;
  commit: string;
  subPath?: string;
}

/** How an image is built. */
export type BuilderConfig =
  | { kind: 'docker' }
  | {
      kind: 'custom';
      /** The command line, run by a shell in the project directory. */
      command: string;
      args: string[];
      appendArgs: string[];
      /** Globs relative to the project directory whose files are the build's inputs. */
      onChange: string[];
      /** When false, `<image>:<tag>` (or `imageFlag <image>:<tag>`) is appended to the command. */
      skipImageArg: boolean;
      imageFlag?: string;
      imageTagOnly: boolean;
    };

/** `images.NAME`: what to build and where it goes. */
export interface ImageConfig {
  name: string;
  at: SourceLocation;
  /** Repository, e.g. `127.0.0.1:5000/shop/api`. */
  image: string;
  /** Tag templates as written (`${...}`, `#` placeholders); empty means the content-addressed default. */
  tags: string[];
  /** Relative to the project directory. */
  dockerfile: string;
  /** Relative to the project directory. */
  context: string;
  buildArgs: Record<string, string>;
  target?: string;
  network?: string;
  entrypoint?: string[];
  cmd?: string[];
  appendDockerfileInstructions: string[];
  rebuildStrategy: 'default' | 'always' | 'ignoreContextChanges';
  skipPush: boolean;
  builder: BuilderConfig;
}

/** A DevSpace patch (`op`, `path`, `value`) applied to rendered manifests or config. */
export interface PatchConfig {
  op: 'add' | 'replace' | 'remove';
  path: string;
  value?: Json;
  target?: { apiVersion?: string; kind?: string; name?: string };
}

/** Fields every deployment has. */
interface DeploymentBase {
  name: string;
  at: SourceLocation;
  namespace?: string;
  /** `updateImageTags: false` turns off tag replacement. */
  updateImageTags: boolean;
}

/** `deployments.NAME.kubectl`. */
export interface KubectlDeployment extends DeploymentBase {
  type: 'kubectl';
  /** Files, folders or globs relative to the project directory (or a kustomization folder). */
  manifests: string[];
  kustomize: boolean;
  inlineManifest?: string;
  patches: PatchConfig[];
  applyArgs: string[];
  kustomizeArgs: string[];
}

/** `deployments.NAME.helm` with a chart. */
export interface HelmDeployment extends DeploymentBase {
  type: 'helm';
  releaseName: string;
  chart: { name: string; version?: string; repo?: string };
  values: { [key: string]: Json };
  valuesFiles: string[];
  templateArgs: string[];
  upgradeArgs: string[];
}

/** A DevSpace component deployment (old `component:` or helm without a chart), rendered natively. */
export interface ComponentDeployment extends DeploymentBase {
  type: 'component';
  /** Component chart values: containers, service, ingress, volumes, replicas, ... */
  values: { [key: string]: Json };
}

/** `deployments.NAME`. */
export type DeploymentConfig = KubectlDeployment | HelmDeployment | ComponentDeployment;

/** One of `hooks`: a local command and the events it runs at (`before:build`, `after:deploy:web`, …). */
export interface HookConfig {
  /** `name`, or `hooks[2]` when it has none (for messages). */
  name: string;
  at: SourceLocation;
  events: string[];
  /** A shell line, or the program when `args` is set (DevSpace's rule). */
  command: string;
  args?: string[];
}

/** `dependencies.NAME`. */
export interface DependencyConfig {
  name: string;
  at: SourceLocation;
  /** Absolute directory of the dependency project. */
  dir: string;
  /** The dependency's config, loaded with its own profiles and vars (shared by every project that names it). */
  project: ProjectConfig;
  /** `dependencies.NAME.pipeline` or `skipDeploy`-style choices that limit what runs. */
  deploy: boolean;
}

/** `dev.NAME`: the pods `dsg dev` follows the logs of and forwards ports to. */
export interface DevConfig {
  name: string;
  at: SourceLocation;
  /** Pods with a container of this image (repository, with or without a tag); at least one selector is set. */
  imageSelector?: string;
  /** Pods with all these labels. */
  labelSelector?: Record<string, string>;
  /** Where to look; the deploy's namespace when unset. */
  namespace?: string;
  /** The container to follow; the one the image selector matched, else the pod's first. */
  container?: string;
  /** Set when `logs:` is written and not `enabled: false` (DevSpace's rule): the lines shown at first. */
  logs?: { lastLines: number };
  /** Local ports `dsg dev` listens on, each forwarded to a port of the newest selected pod. */
  ports: DevPortConfig[];
}

/** One of `dev.NAME.ports`: listen on `bindAddress:local`, forward each connection to the pod's `remote`. */
export interface DevPortConfig {
  local: number;
  remote: number;
  bindAddress: string;
  at: SourceLocation;
}
