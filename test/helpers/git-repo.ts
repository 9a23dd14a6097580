// Local git repositories for the tests of git dependencies and imports, reached through `file://` URLs.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { runProcess } from '../../core/process.ts';
import { tempDir } from './cli.ts';

/** A repository the test writes to: its folder, its `file://` URL, and helpers to commit, branch and tag. */
export interface TestRepo {
  dir: string;
  url: string;
  /** Writes `files` (path → content), commits them on the current branch; returns the commit. */
  commit(files: Record<string, string>, message?: string): Promise<string>;
  git(...args: string[]): Promise<string>;
}

const gitEnv = {
  PATH: process.env['PATH'] ?? '/usr/bin:/bin',
  HOME: process.env['HOME'] ?? '/root',
  GIT_AUTHOR_NAME: 'dsg test',
  GIT_AUTHOR_EMAIL: 'test@dsg.invalid',
  GIT_COMMITTER_NAME: 'dsg test',
  GIT_COMMITTER_EMAIL: 'test@dsg.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
};

/** Creates a repository (branch `main`) with `files` committed, in a fresh temp folder. */
export async function testRepo(files: Record<string, string>, name = 'repo'): Promise<TestRepo> {
  const dir = join(await tempDir('dsg-git-'), name);
  await mkdir(dir, { recursive: true });
  const git = async (...args: string[]): Promise<string> => {
    const run = await runProcess('git', args, { cwd: dir, env: gitEnv });
    if (!run.ok || run.value.code !== 0)
      throw new Error(`git ${args.join(' ')}: ${run.ok ? run.value.stderr : run.error.message}`);
    return run.value.stdout.trim();
  };
  await git('init', '--quiet', '--initial-branch=main');
  const repo: TestRepo = {
    dir,
    url: `file://${dir}`,
    git,
    commit: async (changed, message = 'change') => {
      for (const [rel, text] of Object.entries(changed)) {
        await mkdir(dirname(join(dir, rel)), { recursive: true });
        await writeFile(join(dir, rel), text);
      }
      await git('add', '--all');
      await git('commit', '--quiet', '--allow-empty', '-m', message);
      return git('rev-parse', 'HEAD');
    },
  };
  await repo.commit(files, 'first');
  return repo;
}
