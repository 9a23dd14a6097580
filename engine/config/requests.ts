// What the loader is asked to load: a project, or a dependency of one.
import type { SourceLocation } from '../../core/diagnostics.ts';
import type { ProjectOrigin } from '../../core/config.ts';

/** What to load: a config file with its profiles and variables. */
export interface ProjectRequest {
  configFile: string;
  profiles: string[];
  profilesAt?: SourceLocation;
  flags: Record<string, string>;
  /** The namespace a dependency is deployed to (`dependencies.X.namespace`). */
  namespace?: string;
  disableActivation: boolean;
  ignoreDependencies: boolean;
}

/** One dependency to load. */
export interface DependencyRequest extends ProjectRequest {
  name: string;
  /** The dependency's key in the config. */
  at: SourceLocation;
  /** False when the dependency's pipeline does not deploy (e.g. `pipeline: build`). */
  deploy: boolean;
  /** Set when the config file is in a git checkout. */
  origin?: ProjectOrigin;
}
