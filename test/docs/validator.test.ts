// The precompiled scenario validator (src/scenario/agents-validator.generated.ts) is the one of the current
// schema; `npm run docs` (UPDATE_DOCS=1) rewrites it.
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.js';
import { agentsValidator, generatedValidatorSource } from '../../src/scenario/validator.js';
import { SCHEMA_SHA256 } from '../../src/scenario/agents-validator.generated.js';
import { agentsJsonSchema } from '../../src/scenario/schema.js';
import { schemaSha256 } from '../../src/scenario/validator.js';

const FILE = join(ROOT, 'src/scenario/agents-validator.generated.ts');

describe('precompiled scenario validator', () => {
  it('is generated from the current schema', () => {
    const want = generatedValidatorSource();
    if (process.env.UPDATE_DOCS) writeFileSync(FILE, want);
    expect(readFileSync(FILE, 'utf8') === want, 'src/scenario/agents-validator.generated.ts is stale: run npm run docs').toBe(true);
    expect(SCHEMA_SHA256).toBe(schemaSha256(agentsJsonSchema()));
  });

  it('accepts and rejects what the compiled schema does', () => {
    const v = agentsValidator();
    expect(v({ name: 'x' })).toBe(true);
    expect(v({ name: 'x', no_such_key: 1 })).toBe(false);
    expect(v.errors?.[0]?.keyword).toBe('additionalProperties');
  });
});
