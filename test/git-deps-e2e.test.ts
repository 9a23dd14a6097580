// A diamond of git dependencies (app → api, app → web, api → db, web → db) from local repositories the test
// creates, reached through file:// URLs on a branch, a tag and a revision, deployed end to end by the real CLI
// against the test API server: the shared project runs once; a change pushed to db's branch is picked up and
// re-runs db, and above it only the deploys that wait on db's; --offline deploys without the remotes.
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'node:test';
import { runDsg, tempDir } from './helpers/cli.ts';
import { endStatuses } from './helpers/custom-project.ts';
import { e2eCluster } from './helpers/e2e-cluster.ts';
import { testRepo } from './helpers/git-repo.ts';

const configMap = (name: string, value: string): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  value: "${value}"\n`;

/** A project with one kubectl deployment of one ConfigMap, and `deps` as v2beta1 dependencies. */
const projectFiles = (name: string, value: string, deps: string[] = []): Record<string, string> => ({
  'devspace.yaml': [
    'version: v2beta1',
    `name: ${name}`,
    ...(deps.length > 0 ? ['dependencies:', ...deps] : []),
    'deployments:',
    `  ${name}:`,
    '    kubectl:',
    '      manifests: [cm.yaml]',
    '',
  ].join('\n'),
  'cm.yaml': configMap(name, value),
});

const gitDep = (name: string, url: string, ref: string): string[] => [
  `  ${name}:`,
  `    git: ${url}`,
  `    ${ref}`,
];

test('a diamond of git dependencies deploys once per project, follows a moved branch, and deploys --offline', async () => {
  const cluster = await e2eCluster();
  try {
    const db = await testRepo(projectFiles('db', 'one'), 'db');
    // api and web both name db on branch main: the same source, so one project in the graph.
    const api = await testRepo(projectFiles('api', 'api', gitDep('db', db.url, 'branch: main')), 'api');
    await api.git('tag', 'v1');
    const web = await testRepo(projectFiles('web', 'web', gitDep('db', db.url, 'branch: main')), 'web');
    const webCommit = await web.git('rev-parse', 'HEAD');
    const dir = await tempDir('dsg-diamond-');
    for (const [file, text] of Object.entries(
      projectFiles('app', 'app', [
        ...gitDep('api', api.url, 'tag: v1'),
        ...gitDep('web', web.url, `revision: ${webCommit}`),
      ]),
    ))
      await writeFile(join(dir, file), text);
    const env = { ...cluster.env, XDG_CACHE_HOME: await tempDir('dsg-gitcache-') };
    const deploy = async (...flags: string[]) => {
      const run = await runDsg(['run', 'deploy', '--json', ...flags], { cwd: dir, env });
      assert.equal(run.code, 0, run.stderr + run.stdout.slice(-2000));
      return endStatuses(run.stdout);
    };
    const valueOf = async (name: string) =>
      ((await cluster.get('v1', 'ConfigMap', name))?.['data'] as { value?: string } | undefined)?.value;

    const first = await deploy();
    assert.deepEqual(
      [...first].filter(([id]) => id.endsWith('deploy:db')),
      [['api/db/deploy:db', 'ran']],
      'the shared dependency is one project and deploys once',
    );
    assert.deepEqual(
      [...first.values()].filter((s) => s === 'ran').length,
      8,
      'render and deploy of four projects',
    );
    assert.equal(await valueOf('db'), 'one');
    assert.equal(await valueOf('app'), 'app');

    assert.deepEqual([...new Set((await deploy()).values())], ['cached'], 'a second run changes nothing');

    // dsg graph groups tasks by project: a level in text, clusters in dot and mermaid, named by git source.
    const graphOf = async (...flags: string[]) => {
      const run = await runDsg(['graph', ...flags], { cwd: dir, env });
      assert.equal(run.code, 0, run.stderr);
      return run.stdout;
    };
    assert.ok(
      (await graphOf()).includes(
        [
          '4 projects:',
          '  (root)  app (.) · 2 tasks',
          `  api/  api (${api.url}, tag "v1") · 2 tasks`,
          `  web/  web (${web.url}, revision "${webCommit}") · 2 tasks`,
          `  api/db/  db (${db.url}, branch "main") · 2 tasks`,
        ].join('\n'),
      ),
    );
    const dot = await graphOf('--format', 'dot');
    assert.equal(dot.match(/subgraph cluster_/g)?.length, 4);
    assert.ok(dot.includes(`label=${JSON.stringify(`db (${db.url}, branch "main")`)};`), dot);
    assert.equal((await graphOf('--format', 'mermaid')).match(/^ {2}subgraph p/gm)?.length, 4);

    // A commit on db's branch: the run fetches it and re-runs db's tasks. The deploys of api and web wait on
    // db's deploy, whose output is in their keys, so they run and apply nothing; app's inputs did not change.
    await db.commit({ 'cm.yaml': configMap('db', 'two') });
    cluster.standIn?.resetStats();
    const moved = await deploy();
    const ran = [...moved].filter(([, s]) => s === 'ran').map(([id]) => id);
    assert.deepEqual(ran.sort(), [
      'api/db/deploy:db',
      'api/db/render:db',
      'api/deploy:api',
      'web/deploy:web',
    ]);
    if (cluster.standIn) assert.equal(cluster.standIn.stats().writes, 1, "only db's ConfigMap is written");
    assert.equal(await valueOf('db'), 'two', 'the moved branch was picked up');

    // Without the remotes: --offline deploys from the git cache; a run that fetches names what it could not reach.
    await Promise.all([db, api, web].map((r) => rm(r.dir, { recursive: true })));
    assert.deepEqual([...new Set((await deploy('--offline')).values())], ['cached']);
    const fetching = await runDsg(['run', 'deploy'], { cwd: dir, env });
    assert.equal(fetching.code, 1);
    assert.match(fetching.stderr, /Cannot fetch dependency "db" from "file:.*" \(branch "main"\)/);
    assert.doesNotMatch(fetching.stderr, /\n\s+at /, 'no stack trace');
  } finally {
    await cluster.close();
  }
});
