import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PARAM_SPECS, PROFILES } from '../../src/engine/params.js';
import { InputError } from '../../src/scenario/errors.js';
import {
  anyScenarioFromObject,
  defaultScenario,
  loadAnyScenario,
  loadScenario,
  parseSetArg,
  parseValue,
  registerTokenomicsValidator,
  scenarioFromObject,
} from '../../src/scenario/load.js';
import { specAt } from '../../src/scenario/schema.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'allora-scenario-'));
});

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** The InputError message thrown by fn (fails if fn does not throw an InputError). */
function inputError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    const msg = (e as Error).message;
    expect(msg.includes('\n'), `one line: ${msg}`).toBe(false);
    return msg;
  }
  throw new Error('expected an InputError');
}

describe('loading', () => {
  it('loads YAML and applies defaults', () => {
    const f = file('a.yaml', 'epochs: 50\nparticipants:\n  inferers:\n    count: 4\n');
    const s = loadScenario(f);
    expect(s.source).toBe(f);
    expect(s.name).toBe('a');
    expect(s.kind).toBe('agents');
    expect(s.epochs).toBe(50);
    expect(s.warmup).toBe(0);
    expect(s.runs).toBe(1);
    expect(s.seed).toBe(1);
    expect(s.profile).toBe('reference');
    expect(s.mechanism).toEqual(PROFILES.reference);
    expect(s.participants.inferers).toEqual({
      count: 4,
      error_log_mean: -0.7,
      error_log_dispersion: 0.176,
      bias_dispersion: 0.05,
      outperform_factor: 0.3,
    });
    expect(s.participants.forecasters.count).toBe(3);
    expect(s.participants.reputers).toMatchObject({ count: 5, alpha_log_mean: -1.523, alpha_log_dispersion: 0.301 });
    expect(s.participants.experience).toEqual({ rate: 0.03, floor: 0.5 });
    expect(s.ground_truth).toEqual({ model: 'ar1', rho: 0.8, sigma: 0.1, initial: 0 });
    expect(s.emission).toEqual({ model: 'stochastic', per_stake: 0.004, rho: 0.9, s: 0.2 });
    expect(Object.values(s.switches).every((v) => v === false)).toBe(true);
    expect(s.overrides).toEqual([]);
  });

  it('loads JSON (with a $schema key) to the same result as the equivalent YAML', () => {
    const y = loadScenario(file('b.yaml', 'seed: abc\nmechanism:\n  p: 2\nswitches:\n  fc_expected: true\n'));
    const j = loadScenario(
      file('b.json', JSON.stringify({ $schema: '../schema/scenario.schema.json', seed: 'abc', mechanism: { p: 2 }, switches: { fc_expected: true } })),
    );
    expect({ ...j, source: '' }).toEqual({ ...y, source: '' });
    expect(j.seed).toBe('abc');
    expect(j.mechanism.p).toBe(2);
    expect(j.switches.fc_expected).toBe(true);
  });

  it('an empty file is all defaults', () => {
    const s = loadScenario(file('empty.yaml', '# nothing\n'));
    expect({ ...s, source: '', name: '' }).toEqual({ ...defaultScenario(), source: '', name: '' });
  });

  it('loads the committed scenario files', () => {
    const s = loadScenario(resolve('scenarios/figure2-3.yaml'));
    expect(s.participants.inferers.count).toBe(3);
    expect(s.participants.forecasters.count).toBe(3);
    expect(s.participants.reputers.count).toBe(5);
    expect(s.epochs).toBe(1000);
    expect(s.warmup).toBe(100);
    // The file spells out the paper's values, which are also the defaults.
    const d = defaultScenario();
    expect(s.participants).toEqual(d.participants);
    expect(s.ground_truth).toEqual(d.ground_truth);
    expect(s.emission).toEqual(d.emission);
    expect(s.switches).toEqual(d.switches);
    // The reference profile, with docs/agents.md #8–9's first epochs (initial regrets 0, plain means before any
    // network loss).
    expect(s.mechanism).toEqual({ ...PROFILES.reference, no_previous_loss: 'regret_weights', initial_regret_rule: 'fixed' });
  });
});

describe('profiles and --set', () => {
  it('--profile picks the base; file mechanism keys, then --set, go on top', () => {
    const f = file('p.yaml', 'profile: reference\nmechanism:\n  p: 4\n  guard_rails: true\n');
    const s = loadScenario(f, { profile: 'whitepaper' });
    expect(s.profile).toBe('whitepaper');
    expect(s.mechanism).toEqual({ ...PROFILES.whitepaper, p: 4, guard_rails: true });
    const t = loadScenario(f, { profile: 'whitepaper', set: ['p=2', 'mechanism.c=0.5'] });
    expect(t.mechanism).toEqual({ ...PROFILES.whitepaper, p: 2, c: 0.5, guard_rails: true });
  });

  it('the file profile is used without --profile', () => {
    const s = loadScenario(file('wp.yaml', 'profile: whitepaper\n'));
    expect(s.mechanism).toEqual(PROFILES.whitepaper);
  });

  it('--set by full path and by alias, with value parsing', () => {
    const s = defaultScenario({
      set: [
        'participants.inferers.count=7',
        'N_r=2',
        'alpha=0.2',
        'epsilon_r=0.02',
        'guard_rails=false',
        'fc_outperf=true',
        'ground_truth.model=zero',
        'seed=12',
        'name=x y',
        'lambda=1e-2',
      ],
    });
    expect(s.participants.inferers.count).toBe(7);
    expect(s.participants.reputers.count).toBe(2);
    expect(s.mechanism.alpha).toBe(0.2);
    expect(s.mechanism.epsilon_reputer).toBe(0.02);
    expect(s.mechanism.guard_rails).toBe(false);
    expect(s.switches.fc_outperf).toBe(true);
    expect(s.ground_truth.model).toBe('zero');
    expect(s.seed).toBe(12);
    expect(s.name).toBe('x y');
    expect(s.mechanism.lambda).toBe(0.01);
    expect(s.overrides[1]).toEqual({ key: 'N_r', path: 'participants.reputers.count', value: 2 });
  });

  it('later --set wins; --set profile works', () => {
    const s = defaultScenario({ set: ['p=2', 'p=5', 'profile=whitepaper'] });
    expect(s.mechanism.p).toBe(5);
    expect(s.mechanism.f_plus).toBe('whitepaper');
  });

  it('parses values by the type of the key', () => {
    expect(parseValue('3', specAt('epochs'))).toBe(3);
    expect(parseValue('-0.5e1', specAt('mechanism.c'))).toBe(-5);
    expect(parseValue('true', specAt('switches.ln_reading'))).toBe(true);
    expect(parseValue('FALSE', specAt('switches.ln_reading'))).toBe(false);
    expect(parseValue('10', specAt('mechanism.f_plus'))).toBe('10');
    expect(parseValue('42', specAt('seed'))).toBe(42);
    expect(parseValue('run-a', specAt('seed'))).toBe('run-a');
    expect(parseValue('abc', specAt('epochs'))).toBe('abc');
    expect(parseValue('1.5')).toBe(1.5);
    expect(parseValue('true')).toBe(true);
    expect(parseValue('hello')).toBe('hello');
    expect(parseSetArg('a.b = 3')).toEqual({ key: 'a.b', value: '3' });
  });
});

describe('bad input → one-line InputError naming the file and the key', () => {
  it('unknown key with a suggestion', () => {
    const f = file('u.yaml', 'participants:\n  inferes:\n    count: 3\n');
    const msg = inputError(() => loadScenario(f));
    expect(msg).toBe(`${f}: unknown key 'participants.inferes' — did you mean 'participants.inferers'?`);
  });

  it('unknown key in the wrong section suggests the right path', () => {
    const f = file('u2.yaml', 'p: 3\n');
    expect(inputError(() => loadScenario(f))).toBe(`${f}: unknown key 'p' — did you mean 'mechanism.p'?`);
    const g = file('u3.yaml', 'mechanism:\n  guardrails: true\n');
    expect(inputError(() => loadScenario(g))).toBe(`${g}: unknown key 'mechanism.guardrails' — did you mean 'mechanism.guard_rails'?`);
  });

  it('unknown key without a close match lists the allowed keys', () => {
    const f = file('u4.yaml', 'emission:\n  zzzzzzzz: 1\n');
    const msg = inputError(() => loadScenario(f));
    expect(msg).toContain(`${f}: unknown key 'emission.zzzzzzzz'`);
    expect(msg).toContain('model, per_stake, rho, s');
  });

  it('wrong type', () => {
    const f = file('t.yaml', 'participants:\n  inferers:\n    count: three\n');
    expect(inputError(() => loadScenario(f))).toBe(`${f}: participants.inferers.count: must be an integer ≥ 1 (got 'three')`);
    const g = file('t2.yaml', 'switches:\n  fc_expected: yes\n');
    expect(inputError(() => loadScenario(g))).toBe(`${g}: switches.fc_expected: must be true or false (got 'yes')`);
    const h = file('t3.yaml', 'participants: 3\n');
    expect(inputError(() => loadScenario(h))).toMatch(/^.*t3\.yaml: participants: must be a mapping with keys inferers, forecasters, reputers, experience \(got 3\)$/);
    const i = file('t4.yaml', 'ground_truth:\n  model: brownian\n');
    expect(inputError(() => loadScenario(i))).toBe(`${i}: ground_truth.model: must be one of 'ar1', 'zero', 'randomwalk' (got 'brownian')`);
    const j = file('t5.yaml', 'epochs: 2.5\n');
    expect(inputError(() => loadScenario(j))).toBe(`${j}: epochs: must be an integer ≥ 1 (got 2.5)`);
  });

  it('out of range', () => {
    const cases: [string, string][] = [
      ['mechanism:\n  p: 0\n', 'mechanism.p: must be a number > 0 (got 0)'],
      ['mechanism:\n  p: -1\n', 'mechanism.p: must be a number > 0 (got -1)'],
      ['mechanism:\n  alpha: 0\n', 'mechanism.alpha: must be a number in (0, 1] (got 0)'],
      ['mechanism:\n  alpha: 1.5\n', 'mechanism.alpha: must be a number in (0, 1] (got 1.5)'],
      ['participants:\n  inferers:\n    count: 0\n', 'participants.inferers.count: must be an integer ≥ 1 (got 0)'],
      ['participants:\n  reputers:\n    count: 0\n', 'participants.reputers.count: must be an integer ≥ 1 (got 0)'],
      ['participants:\n  forecasters:\n    count: -1\n', 'participants.forecasters.count: must be an integer ≥ 0 (got -1)'],
      ['epochs: 0\n', 'epochs: must be an integer ≥ 1 (got 0)'],
      ['runs: 0\n', 'runs: must be an integer ≥ 1 (got 0)'],
      ['participants:\n  inferers:\n    error_log_dispersion: -0.1\n', 'participants.inferers.error_log_dispersion: must be a number ≥ 0 (got -0.1)'],
      ['participants:\n  reputers:\n    alpha_log_dispersion: -1\n', 'participants.reputers.alpha_log_dispersion: must be a number ≥ 0 (got -1)'],
      ['emission:\n  rho: 1\n', 'emission.rho: must be a number in (-1, 1) (got 1)'],
      ['epochs: 10\nwarmup: 10\n', 'warmup: must be an integer in [0, epochs − 1] = [0, 9] (got 10)'],
      [
        'switches:\n  rep_ema_none: true\n  rep_ema_linear: true\n',
        'switches.rep_ema_linear: cannot be true together with switches.rep_ema_none (choose one reputer EMA variant)',
      ],
    ];
    cases.forEach(([text, expected], n) => {
      const f = file(`r${n}.yaml`, text);
      expect(inputError(() => loadScenario(f))).toBe(`${f}: ${expected}`);
    });
  });

  it('bad --set values name the file, the argument and the key', () => {
    const f = file('s.yaml', 'epochs: 10\n');
    expect(inputError(() => loadScenario(f, { set: ['p=0'] }))).toBe(`${f}: --set p=0: mechanism.p: must be a number > 0 (got 0)`);
    expect(inputError(() => loadScenario(f, { set: ['alpha=2'] }))).toBe(`${f}: --set alpha=2: mechanism.alpha: must be a number in (0, 1] (got 2)`);
    expect(inputError(() => loadScenario(f, { set: ['N_i=abc'] }))).toBe(
      `${f}: --set N_i=abc: participants.inferers.count: must be an integer ≥ 1 (got 'abc')`,
    );
    expect(inputError(() => loadScenario(f, { set: ['participants.inferes.count=3'] }))).toBe(
      `${f}: --set participants.inferes.count=3: unknown key 'participants.inferes' — did you mean 'participants.inferers'?`,
    );
    expect(inputError(() => loadScenario(f, { set: ['epsilom=0.1'] }))).toBe(
      `${f}: --set epsilom=0.1: unknown key 'epsilom' — did you mean 'mechanism.epsilon'?`,
    );
    expect(inputError(() => loadScenario(f, { set: ['warmup=10'] }))).toBe(
      `${f}: --set warmup=10: warmup: must be an integer in [0, epochs − 1] = [0, 9] (got 10)`,
    );
    expect(inputError(() => loadScenario(f, { set: ['participants=3'] }))).toContain("'participants' is a section");
    expect(inputError(() => loadScenario(f, { set: ['nokey'] }))).toContain('--set nokey: expected key=value');
    expect(inputError(() => loadScenario(f, { profile: 'paper' }))).toBe(`--profile paper: must be one of 'reference', 'whitepaper'`);
  });

  it('unreadable, unparsable or unsupported files', () => {
    const missing = join(dir, 'missing.yaml');
    expect(inputError(() => loadScenario(missing))).toBe(`${missing}: cannot read the scenario file (no such file)`);
    const d = join(dir, 'adir.yaml');
    mkdirSync(d);
    expect(inputError(() => loadScenario(d))).toBe(`${d}: cannot read the scenario file (is a directory)`);
    const txt = file('x.txt', 'epochs: 3');
    expect(inputError(() => loadScenario(txt))).toBe(`${txt}: unsupported file extension '.txt' (use .yaml, .yml or .json)`);
    const badYaml = file('bad.yaml', 'epochs: [1, 2\n');
    expect(inputError(() => loadScenario(badYaml))).toMatch(/bad\.yaml: invalid YAML \(/);
    const dup = file('dup.yaml', 'epochs: 1\nepochs: 2\n');
    expect(inputError(() => loadScenario(dup))).toMatch(/dup\.yaml: invalid YAML \(.*unique/);
    const badJson = file('bad.json', '{"epochs": }');
    expect(inputError(() => loadScenario(badJson))).toMatch(/bad\.json: invalid JSON \(/);
    const list = file('list.yaml', '- 1\n- 2\n');
    expect(inputError(() => loadScenario(list))).toBe(`${list}: the scenario must be a mapping of keys (got a list)`);
  });
});

describe('tokenomics scenarios', () => {
  afterEach(() => registerTokenomicsValidator(undefined));

  it('are routed whole to the tokenomics validator, raw when none is registered', () => {
    const raw = { kind: 'tokenomics', months: 96, setups: [{ name: 'a' }], tokenomics: { anything: [1, 2] } };
    const t = anyScenarioFromObject(raw, 'x.yaml');
    expect(t).toEqual({ kind: 'tokenomics', source: 'x.yaml', raw, resolved: raw });
  });

  it('the committed figure4.yaml is a tokenomics document', () => {
    const t = loadAnyScenario(resolve('scenarios/figure4.yaml'));
    expect(t.kind).toBe('tokenomics');
  });

  it('use the validator from the options or the registered one, with the file name', () => {
    const seen: unknown[] = [];
    const v = (doc: unknown, f: string): unknown => {
      seen.push([doc, f]);
      return { ok: true };
    };
    const t = anyScenarioFromObject({ kind: 'tokenomics', months: 3 }, 'x.yaml', { validateTokenomics: v });
    expect(t.kind === 'tokenomics' && t.resolved).toEqual({ ok: true });
    expect(seen).toEqual([[{ kind: 'tokenomics', months: 3 }, 'x.yaml']]);
    registerTokenomicsValidator(() => {
      throw new InputError('x.yaml: months: bad');
    });
    expect(inputError(() => anyScenarioFromObject({ kind: 'tokenomics' }, 'x.yaml'))).toBe('x.yaml: months: bad');
  });

  it('agents documents go through the agents loader; the agents loader refuses tokenomics documents', () => {
    const a = anyScenarioFromObject({ epochs: 5 }, 'a.yaml');
    expect(a.kind).toBe('agents');
    expect(a.kind === 'agents' && a.epochs).toBe(5);
    expect(inputError(() => scenarioFromObject({ kind: 'tokenomics' }, 'x.yaml'))).toContain("x.yaml: kind: this needs an agents scenario (got 'tokenomics'");
    const f = file('k.yaml', 'kind: agent\n');
    expect(inputError(() => loadScenario(f))).toBe(`${f}: kind: must be one of 'agents', 'tokenomics' (got 'agent')`);
  });
});

describe('conveniences', () => {
  it('a section with every key commented out reads as empty', () => {
    const f = file('c.yaml', 'mechanism:\n  # p: 3\nparticipants:\n  inferers:\n  # count: 3\n');
    const s = loadScenario(f);
    expect(s.mechanism).toEqual(PROFILES.reference);
    expect(s.participants.inferers.count).toBe(3);
  });

  it('a misspelt or misplaced alias suggests the full path', () => {
    const f = file('al.yaml', 'N_I: 3\n');
    expect(inputError(() => loadScenario(f))).toBe(`${f}: unknown key 'N_I' — did you mean 'participants.inferers.count'?`);
    expect(inputError(() => defaultScenario({ set: ['lamda=0.1'] }))).toBe(
      `<defaults>: --set lamda=0.1: unknown key 'lamda' — did you mean 'mechanism.lambda'?`,
    );
  });

  it('a section given a scalar names the section', () => {
    const f = file('m.yaml', 'mechanism: 3\n');
    const n = Object.keys(PARAM_SPECS).length;
    expect(inputError(() => loadScenario(f))).toBe(`${f}: mechanism: must be a mapping with keys p, c, epsilon, alpha, … (${n} in all) (got 3)`);
  });
});
