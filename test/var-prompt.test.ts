// Variables without a value: asked (question, options, password, validation) when the loader may ask, shown
// unresolved with a warning for `dsg graph`, a located error otherwise; the terminal asker held to its keys.
import assert from 'node:assert/strict';
import test from 'node:test';
import { terminalAsker, type Terminal } from '../engine/cli/prompt.ts';
import type { VarQuestion } from '../engine/config/var-question.ts';
import { lines, load, loaded, project } from './fixtures/config/load-helpers.ts';

const config = [
  'version: v2beta1',
  'name: shop',
  'vars:',
  '  REGISTRY:',
  '    question: Which registry?',
  '    options: [reg.one, reg.two]',
  '  DB_PASSWORD:',
  '    password: true',
  '  REPLICAS:',
  '    source: input',
  '    validationPattern: "^[0-9]+$"',
  '    validationMessage: a number, please',
  'images:',
  '  api:',
  '    image: ${REGISTRY}/shop/api',
  'deployments:',
  '  api:',
  '    kubectl:',
  '      inlineManifest: |',
  '        kind: Secret',
  '        stringData: { password: "${DB_PASSWORD}", replicas: "${REPLICAS}" }',
  '',
].join('\n');

test('a variable without a value is asked with its question, options, password and pattern, once per name', async () => {
  const dir = await project({ 'devspace.yaml': config });
  const asked: VarQuestion[] = [];
  const answers: Record<string, string> = { REGISTRY: 'reg.two', DB_PASSWORD: 's3cret-pw', REPLICAS: '3' };
  const result = loaded(
    await load(dir, {
      unanswered: (q) => {
        asked.push(q);
        return Promise.resolve(answers[q.name]);
      },
    }),
  );
  assert.equal(result.root.images[0]?.image, 'reg.two/shop/api');
  assert.deepEqual(
    asked.map((q) => q.name),
    ['REGISTRY', 'DB_PASSWORD', 'REPLICAS'],
  );
  assert.deepEqual(asked[0], {
    name: 'REGISTRY',
    question: 'Which registry?',
    password: false,
    options: ['reg.one', 'reg.two'],
  });
  assert.deepEqual(asked[1], {
    name: 'DB_PASSWORD',
    question: 'Please enter a value for DB_PASSWORD',
    password: true,
  });
  assert.equal(asked[2]?.validationPattern, '^[0-9]+$');
  assert.equal(asked[2]?.validationMessage, 'a number, please');
  assert.match(result.reads.volatile ?? '', /asked in a terminal/, 'an answered load is never memoised');
});

test('an unanswered question is the located error; dsg graph shows the variable unresolved with a warning', async () => {
  const dir = await project({ 'devspace.yaml': config });
  const refused = await load(dir, { unanswered: () => Promise.resolve(undefined) });
  assert.equal(refused.ok, false);
  assert.ok(
    lines(refused).includes(
      'devspace.yaml:15:12: error: Variable "REGISTRY" has no value: the question was not answered',
    ),
    lines(refused).join('\n'),
  );
  const noTerminal = await load(dir);
  assert.ok(
    lines(noTerminal).includes(
      'devspace.yaml:15:12: error: Variable "REGISTRY" has no value: DevSpace would ask for it in a terminal; pass --var REGISTRY=VALUE',
    ),
  );
  const graph = loaded(await load(dir, { unanswered: 'unresolved' }));
  assert.equal(graph.root.images[0]?.image, '${REGISTRY}/shop/api');
  assert.deepEqual(
    lines({ ok: true, value: graph }).filter((l) => l.includes('REGISTRY')),
    [
      'devspace.yaml:15:12: warning: Variable "REGISTRY" has no value: shown unresolved as ${REGISTRY}; dsg run asks for it in a terminal',
    ],
  );
  assert.equal(graph.reads.volatile, undefined, 'an unresolved graph is repeatable');
});

test('a validationPattern that is no regular expression is a located error', async () => {
  const dir = await project({
    'devspace.yaml': 'version: v2beta1\nname: x\nvars:\n  A:\n    validationPattern: "(["\n',
  });
  assert.deepEqual(lines(await load(dir)), [
    'devspace.yaml:5:24: error: `vars.A.validationPattern` is not a valid regular expression: "(["',
  ]);
});

/** A terminal whose keystrokes are scripted chunks, delivered in order to whoever reads. */
function scripted(chunks: string[]): Terminal & { shown: string; interrupted: number } {
  const term = {
    shown: '',
    interrupted: 0,
    read(onKeys: (keys: string) => void) {
      let live = true;
      // Chunks arrive one per turn, as a terminal sends them, until the reader stops listening.
      const next = (): void => {
        const keys = live ? chunks.shift() : undefined;
        if (keys === undefined) return;
        onKeys(keys);
        setImmediate(next);
      };
      setImmediate(next);
      return () => (live = false);
    },
    write(text: string) {
      term.shown += text;
    },
    interrupt() {
      term.interrupted++;
    },
  };
  return term;
}

test('the terminal asker: a choice by number, a pattern asked again, a hidden answer never shown', async () => {
  const term = scripted(['7\r', '2\r', 'x\r', 'ab\u007fc\r', '1\r', 'pa', 'ss\r']);
  const ask = terminalAsker(term);
  const registry = await ask({ name: 'R', question: 'Which?', options: ['one', 'two'], password: false });
  assert.equal(registry, 'two');
  assert.equal(
    await ask({
      name: 'N',
      question: 'Name?',
      password: false,
      validationPattern: '^a',
      validationMessage: 'starts with a',
    }),
    'ac',
    'backspace removes the last character',
  );
  assert.equal(
    await ask({ name: 'R', question: 'again', password: false }),
    'two',
    'each name is asked once',
  );
  assert.equal(await ask({ name: 'C', question: 'Choose', options: ['x', 'y'], password: false }), 'x');
  assert.equal(await ask({ name: 'P', question: 'Password?', password: true }), 'pass');
  assert.equal(
    term.shown,
    [
      '? Which?\n  1) one\n  2) two\nChoose 1-2: 7\n',
      'Please answer with a number from 1 to 2 or one of the options\nChoose 1-2: 2\n',
      '? Name?\n> x\nstarts with a\n> ab\b \bc\n',
      '? Choose\n  1) x\n  2) y\nChoose 1-2: 1\n',
      '? Password? (hidden)\n> \n',
    ].join(''),
  );
});

test('the terminal asker: Ctrl-D is no answer, Ctrl-C raises an interrupt', async () => {
  const term = scripted(['\u0004', '\u0003']);
  const ask = terminalAsker(term);
  assert.equal(await ask({ name: 'A', question: 'A?', password: false }), undefined);
  assert.equal(await ask({ name: 'B', question: 'B?', password: false }), undefined);
  assert.equal(term.interrupted, 1);
});
