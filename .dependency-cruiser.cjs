// dsg's layering, checked on every test run (scripts/test.sh): core/ ← cache/ ← tasks/ ← engine/.
// Each layer imports only those below it; nothing imports tests or scripts; no module takes part in a cycle.

/** A rule that fails the check: `from` may not import `to`; `comment` says why, for the message. */
const rule = (name, comment, from, to) => ({ name, comment, severity: 'error', from, to });

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    rule(
      'core-is-the-bottom',
      'core/ is the shared vocabulary (Result, diagnostics, Json, config and task types): it imports only core/ and node built-ins.',
      { path: '^core/' },
      { pathNot: ['^core/', '^node:'], dependencyTypesNot: ['core'] },
    ),
    rule(
      'cache-sees-only-core',
      'cache/ (keys, records, digests, stamps, memos) imports core/ and npm packages, never tasks/ or engine/.',
      { path: '^cache/' },
      { path: '^(tasks|engine|bin|scripts|test)/' },
    ),
    rule(
      'tasks-never-see-the-engine',
      'tasks/<kind>/ import core/, cache/ and npm packages; the engine registers them, not the other way round.',
      { path: '^tasks/' },
      { path: '^(engine|bin|scripts|test)/' },
    ),
    rule(
      'product-never-imports-tests-or-scripts',
      'What ships (bin, core, cache, tasks, engine, schemas) does not import test/ or scripts/.',
      { path: '^(bin|core|cache|tasks|engine|schemas)/' },
      { path: '^(test|scripts)/' },
    ),
    rule(
      'no-circular',
      'A module that reaches itself through its imports cannot be read (or loaded lazily) in one direction.',
      { path: '^(bin|core|cache|tasks|engine|schemas)/' },
      { circular: true },
    ),
    rule(
      'no-unresolvable',
      'An import that does not resolve is a typo or a missing dependency.',
      {},
      { couldNotResolve: true },
    ),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules|examples|\\.tools|\\.dsg)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
