// The corpus of real devspace.yaml files (../shared/corpus): every file loads or fails with located
// diagnostics that name what dsg cannot do — never a crash, never a message without a location.
// The expected outcome of each file is listed so that a change of behaviour shows up here.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import type { Diagnostic } from '../core/diagnostics.ts';
import { loadConfig } from '../engine/config/load.ts';
import { diagnosticsOf, testEnv } from './fixtures/config/load-helpers.ts';
import { repoRoot } from './helpers/paths.ts';

const corpus = join(repoRoot, '..', 'shared', 'corpus');
const offline = {
  git: 'offline' as const,
  env: testEnv({ XDG_CACHE_HOME: join(tmpdir(), 'dsg-corpus-no-cache') }),
};

/** Why a corpus file cannot load: each error message must fall in one of these. */
const REASONS = {
  // No network here: git sources load offline from an empty git cache.
  git: /^Cannot fetch (dependency ".+"|import \d+ of ".+") from ".+" \(.+\): it is not in the git cache \(".+"\) and --offline fetches nothing$/,
  missingSource:
    /^Cannot load (dependency ".+"|import \d+ of ".+"): ".+" (does not exist|has no devspace\.yaml)$/,
  needsVar: /^Variable ".+" has no value: DevSpace would ask for it in a terminal; pass --var [^= ]+=VALUE$/,
  // A variable the missing import would have declared.
  undeclaredVar:
    /^Cannot resolve variable ".+": it is not declared under `vars`, not set in the environment and not predefined$/,
  unknownKey: /^Unknown key ".+": DevSpace v1beta\d+ configs have no such key$/,
} as const;

type Reason = keyof typeof REASONS;
type Outcome = 'clean' | 'warnings' | Reason[];

/** Files whose dependencies, inputs or git sources are not part of the corpus fail for those reasons. */
const FAILING: Record<string, Reason[]> = {
  'Addono__container-registry-proxy__devspace.yaml': ['needsVar'],
  'AugustasV__nettracer-bpf__devspace.yaml': ['git'],
  'Azure__arc-cicd-demo-src__devspace.yaml': ['needsVar'],
  'FactFiber__devspace-nginx-auth-jwt__devspace.yaml': ['needsVar', 'needsVar'],
  'devspace-sh__devspace@v3.4.0__examples__php-mysql-example__devspace.yaml': ['needsVar'],
  'devspace-sh__devspace@v3.5.0__examples__dependencies__devspace.yaml': [
    'missingSource',
    'missingSource',
    'git',
  ],
  'devspace-sh__devspace@v3.5.0__examples__hooks__devspace.yaml': ['needsVar'],
  'devspace-sh__devspace@v4.0.0__examples__multiple-profiles__devspace.yaml': ['needsVar'],
  // Upstream typo: a top-level `command:` next to `commands:`.
  'devspace-sh__devspace@v4.0.0__examples__variables__devspace.yaml': ['needsVar', 'unknownKey'],
  'devspace-sh__devspace@v4.1.0__examples__dependencies__dependency1__devspace.yaml': [
    'needsVar',
    'missingSource',
  ],
  'devspace-sh__devspace@v4.5.1__e2e__tests__deploy__testdata__profile__devspace.yaml': [
    'needsVar',
    'needsVar',
    'missingSource',
  ],
  'devspace-sh__devspace@v4.5.1__examples__dependencies__devspace.yaml': [
    'missingSource',
    'missingSource',
    'git',
  ],
  'devspace-sh__devspace@v4.9.0__examples__dependencies__devspace.yaml': [
    'missingSource',
    'missingSource',
    'git',
  ],
  'devspace-sh__devspace@v5.0.3__examples__variables__devspace.yaml': ['needsVar'],
  'devspace-sh__devspace__e2e__tests__config__testdata__profile__devspace.yaml': ['needsVar'],
  'devspace-sh__devspace__e2e__tests__config__testdata__runtime-variables__devspace.yaml': ['missingSource'],
  'devspace-sh__devspace__e2e__tests__dependencies__testdata__git__devspace.yaml': ['git', 'git', 'git'],
  'devspace-sh__devspace__e2e__tests__imports__testdata__local__devspace.yaml': [
    'missingSource',
    'missingSource',
    'missingSource',
    'undeclaredVar',
    'missingSource',
  ],
  'devspace-sh__devspace__e2e__tests__pipelines__testdata__flags__devspace.yaml': ['missingSource'],
  'devspace-sh__devspace__examples__dependencies__devspace.yaml': ['missingSource', 'missingSource', 'git'],
  'devspace-sh__devspace__examples__microservices__devspace.yaml': ['missingSource', 'missingSource'],
  'edgefarm__devspace.base__devspace.yaml': ['missingSource', 'missingSource', 'missingSource'],
};

const CLEAN = new Set([
  'NVIDIA__bare-metal-manager-core__devspace.yaml',
  'devspace-sh__devspace__e2e__tests__deploy__testdata__kubectl_inline_manifest_patches__devspace.yaml',
  'devspace-sh__devspace__examples__dependencies__dependency1__devspace.yaml',
]);

function outcomeOf(file: string): Outcome {
  return FAILING[file] ?? (CLEAN.has(file) ? 'clean' : 'warnings');
}

function reasonOf(d: Diagnostic): Reason | undefined {
  return (Object.keys(REASONS) as Reason[]).find((r) => REASONS[r].test(d.message));
}

function checkLocated(diagnostics: readonly Diagnostic[], name: string): void {
  for (const d of diagnostics) {
    assert.ok(d.location, `${name}: "${d.message}" has no location`);
    assert.ok(d.location.line >= 1 && d.location.col >= 1, `${name}: bad location for "${d.message}"`);
  }
}

test('the corpus is there: 55 devspace.yaml files and 5 projects', () => {
  assert.ok(existsSync(corpus), `corpus missing at ${corpus}`);
  assert.equal(readdirSync(join(corpus, 'devspace-yaml')).length, 55);
  assert.equal(readdirSync(join(corpus, 'projects')).length, 5);
});

test('every corpus file loads, or fails with located diagnostics naming the reason', async () => {
  const files = readdirSync(join(corpus, 'devspace-yaml')).sort();
  const tally = { clean: 0, warnings: 0, errors: 0 };
  for (const file of files) {
    const result = await loadConfig({
      cwd: join(corpus, 'devspace-yaml'),
      configFile: file,
      profiles: [],
      vars: {},
      ...offline,
    });
    const diagnostics = diagnosticsOf(result);
    checkLocated(diagnostics, file);
    for (const d of diagnostics)
      assert.equal(d.location?.file, file, `${file}: diagnostic about another file`);
    const expected = outcomeOf(file);
    if (result.ok) {
      assert.equal(result.value.root.file, file);
      const got = diagnostics.length === 0 ? 'clean' : 'warnings';
      assert.equal(
        got,
        expected,
        `${file}: loaded with ${diagnostics.length} warnings, expected ${JSON.stringify(expected)}`,
      );
      tally[got]++;
    } else {
      const errors = diagnostics.filter((d) => d.severity === 'error');
      const reasons = errors.map((d) => reasonOf(d) ?? `unexpected: ${d.message}`);
      assert.deepEqual(reasons, expected, `${file}: errors differ`);
      tally.errors++;
    }
  }
  assert.deepEqual(tally, { clean: 3, warnings: 30, errors: 22 });
});

test('every warning names a field or section and says what dsg does about it', async () => {
  const file = 'loft-sh__vcluster__devspace.yaml';
  const result = await loadConfig({
    cwd: join(corpus, 'devspace-yaml'),
    configFile: file,
    profiles: [],
    vars: {},
    env: testEnv(),
  });
  assert.deepEqual(
    diagnosticsOf(result).map((d) => `${d.location?.line}: ${d.message}`),
    [
      '21: `images.vcluster.buildKit` is not supported by dsg yet: dsg builds with the Docker Engine',
      '60: `dev.vcluster.workingDir` is not supported by dsg yet and is ignored',
      '61: `dev.vcluster.resources` is not supported by dsg yet and is ignored',
      '65: `dev.vcluster.terminal` is not supported by dsg yet and is ignored: the loop prints the logs of `logs:` instead',
      '69: `dev.vcluster.sync` is not supported by dsg yet and is ignored: a save rebuilds and redeploys what it affects instead',
      '85: `pipelines` is not supported by dsg yet and is ignored',
      '149: `commands` is not supported by dsg yet and is ignored',
    ],
  );
});

test('the corpus example projects load with their dependencies, or name the git dependency', async () => {
  const outcomes: Record<string, string[]> = {};
  for (const name of readdirSync(join(corpus, 'projects')).sort()) {
    const result = await loadConfig({
      cwd: join(corpus, 'projects', name),
      profiles: [],
      vars: {},
      ...offline,
    });
    const diagnostics = diagnosticsOf(result);
    checkLocated(diagnostics, name);
    outcomes[name] = result.ok
      ? [
          `${result.value.root.images.length} images`,
          `${result.value.root.deployments.length} deployments`,
          `${result.value.root.dependencies.length} dependencies`,
        ]
      : diagnostics.filter((d) => d.severity === 'error').map((d) => reasonOf(d) ?? d.message);
  }
  assert.deepEqual(outcomes, {
    'custom-builder': ['1 images', '1 deployments', '0 dependencies'],
    dependencies: ['git'],
    kustomize: ['0 images', '1 deployments', '0 dependencies'],
    microservices: ['0 images', '0 deployments', '2 dependencies'],
    'microservices-v5.18.4': ['2 images', '2 deployments', '0 dependencies'],
  });
});
