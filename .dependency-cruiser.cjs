// dsg's layering, checked on every test run (scripts/test.sh): core/ ← cache/ ← tasks/ ← engine/.
// Each layer imports only those below it; nothing imports tests or scripts; no module takes part in a cycle.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-is-the-bottom',
      comment:
        'core/ is the shared vocabulary (Result, diagnostics, Json, config and task types): it imports only core/ and node built-ins.',
      severity: 'error',
      from: { path: '^core/' },
      to: { pathNot: ['^core/', '^node:'], dependencyTypesNot: ['core'] },
    },
    {
      name: 'cache-sees-only-core',
      comment:
        'cache/ (keys, records, digests, stamps, memos) imports core/ and npm packages, never tasks/ or engine/.',
      severity: 'error',
      from: { path: '^cache/' },
      to: { path: '^(tasks|engine|bin|scripts|test)/' },
    },
    {
      name: 'tasks-never-see-the-engine',
      comment:
        'tasks/<kind>/ import core/, cache/ and npm packages; the engine registers them, not the other way round.',
      severity: 'error',
      from: { path: '^tasks/' },
      to: { path: '^(engine|bin|scripts|test)/' },
    },
    {
      name: 'product-never-imports-tests-or-scripts',
      comment: 'What ships (bin, core, cache, tasks, engine, schemas) does not import test/ or scripts/.',
      severity: 'error',
      from: { path: '^(bin|core|cache|tasks|engine|schemas)/' },
      to: { path: '^(test|scripts)/' },
    },
    {
      name: 'no-circular',
      comment:
        'A module that reaches itself through its imports cannot be read (or loaded lazily) in one direction.',
      severity: 'error',
      from: { path: '^(bin|core|cache|tasks|engine|schemas)/' },
      to: { circular: true },
    },
    {
      name: 'no-unresolvable',
      comment: 'An import that does not resolve is a typo or a missing dependency.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules|examples|\\.tools|\\.dsg)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
