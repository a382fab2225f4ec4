import { existsSync, readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { PARAM_SPECS } from '../../src/engine/params.js';
import {
  SCENARIO_SPEC,
  SCHEMA_FILE,
  agentsJsonSchema,
  describeAllowed,
  leafPaths,
  scenarioJsonSchema,
  schemaFileText,
  specAt,
  specDefaults,
  writeSchemaFile,
} from '../../src/scenario/schema.js';

describe('scenario JSON Schema', () => {
  it('the committed schema/scenario.schema.json is up to date (UPDATE_SCHEMA=1 rewrites it)', () => {
    if (process.env.UPDATE_SCHEMA === '1') writeSchemaFile();
    expect(existsSync(SCHEMA_FILE), `${SCHEMA_FILE} missing: run UPDATE_SCHEMA=1 npx vitest run test/scenario/schema.test.ts`).toBe(true);
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(schemaFileText());
  });

  it('compiles under ajv strict mode; accepts the defaults and tokenomics documents, rejects bad agents documents', () => {
    const ajv = new Ajv({ allErrors: true, allowUnionTypes: true, strict: true });
    const validate = ajv.compile(scenarioJsonSchema());
    expect(validate(specDefaults())).toBe(true);
    expect(validate({})).toBe(true);
    expect(validate({ kind: 'tokenomics', months: 96, setups: [] })).toBe(true);
    expect(validate({ kind: 'agents', months: 96 })).toBe(false);
    expect(validate({ epochs: 0 })).toBe(false);
    const agents = new Ajv({ allErrors: true, allowUnionTypes: true, strict: true }).compile(agentsJsonSchema());
    expect(agents(specDefaults())).toBe(true);
  });

  it('generates the mechanism section from PARAM_SPECS', () => {
    for (const k of Object.keys(PARAM_SPECS)) expect(specAt(`mechanism.${k}`)).toBeDefined();
    const mech = (agentsJsonSchema().properties as Record<string, { properties: Record<string, unknown> }>).mechanism;
    expect(mech.properties.p).toMatchObject({ type: 'number', exclusiveMinimum: 0 });
    expect(mech.properties.alpha).toMatchObject({ exclusiveMinimum: 0, maximum: 1 });
  });

  it('every leaf except name/tokenomics/mechanism has a default', () => {
    const d = specDefaults();
    for (const p of leafPaths(SCENARIO_SPEC)) {
      if (p === 'name' || p.startsWith('mechanism.')) continue;
      const v = p.split('.').reduce<unknown>((o, s) => (o as Record<string, unknown>)[s], d);
      expect(v, p).not.toBeUndefined();
    }
  });

  it('describes allowed ranges', () => {
    expect(describeAllowed(specAt('participants.inferers.count')!)).toBe('an integer ≥ 1');
    expect(describeAllowed(specAt('mechanism.alpha')!)).toBe('a number in (0, 1]');
    expect(describeAllowed(specAt('mechanism.p')!)).toBe('a number > 0');
    expect(describeAllowed(specAt('ground_truth.model')!)).toBe("one of 'ar1', 'zero', 'randomwalk'");
    expect(describeAllowed(specAt('switches.fc_expected')!)).toBe('true or false');
  });
});
