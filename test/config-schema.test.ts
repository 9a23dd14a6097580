// The committed validator must be the one generated from the committed schema.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import test from 'node:test';
import { generateValidator, schemaPaths } from '../schemas/generate-validator.ts';

test('schemas/devspace-v2beta1.validate.ts is up to date with the schema', async () => {
  const { schema, validator } = schemaPaths();
  const expected = await generateValidator(schema);
  assert.ok(
    readFileSync(validator, 'utf8') === expected,
    'regenerate it: npx tsc -p . && node dist/schemas/generate-validator.js',
  );
});

test('the schema describes the sections dsg reads and those it only warns about', () => {
  const { schema } = schemaPaths();
  const json = JSON.parse(readFileSync(schema, 'utf8')) as {
    properties: Record<string, unknown>;
    required: string[];
  };
  assert.deepEqual(json.required, ['version']);
  for (const k of [
    'images',
    'deployments',
    'dependencies',
    'dev',
    'pipelines',
    'hooks',
    'commands',
    'imports',
  ])
    assert.ok(k in json.properties, k);
});
