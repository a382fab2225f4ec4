// The adversaries: and claim: sections: defaults off, --set and closest-key errors, and every impossible
// combination refused with one line naming the key.
import { describe, expect, it } from 'vitest';
import { scenarioFromObject, defaultScenario } from '../../src/scenario/load.js';
import { InputError } from '../../src/scenario/errors.js';
import { activeBehaviours, ADVERSARY_BEHAVIOURS, describeAllowed, specAt } from '../../src/scenario/schema.js';

const load = (raw: Record<string, unknown>, set: string[] = []) => scenarioFromObject(raw, 'a.yaml', { set });
function refusal(raw: Record<string, unknown>, set: string[] = []): string {
  try {
    load(raw, set);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    const msg = (e as Error).message;
    expect(msg.split('\n')).toHaveLength(1);
    return msg;
  }
  throw new Error('expected an InputError');
}

describe('adversaries: section', () => {
  it('is off by default, and every behaviour is a key of the section', () => {
    const s = defaultScenario();
    expect(activeBehaviours(s.adversaries)).toEqual([]);
    for (const b of ADVERSARY_BEHAVIOURS) expect(specAt(`adversaries.${b}.join_at`), b).toBeDefined();
    expect(s.claim).toBeUndefined(); // resolved only when used
    expect(s.adversaries).toBeUndefined();
  });

  it('takes --set values and resolves them', () => {
    const s = load({}, ['adversaries.biased_reputers.count=3', 'adversaries.biased_reputers.target=1', 'adversaries.sybil_inferers.identities=4']);
    expect(s.adversaries!.biased_reputers).toMatchObject({ count: 3, target: 1 });
    expect(activeBehaviours(s.adversaries)).toEqual(['biased_reputers', 'sybil_inferers']);
    expect(describeAllowed(specAt('adversaries.biased_reputers.target')!)).toBe("'best', 'worst' or an index ≥ 0");
  });

  it('names the closest key for a misspelt behaviour or knob', () => {
    expect(refusal({ adversaries: { biased_reputer: { count: 1 } } })).toMatch(/did you mean 'adversaries.biased_reputers'/);
    expect(refusal({}, ['adversaries.sybil_inferers.identites=3'])).toMatch(/did you mean 'adversaries.sybil_inferers.identities'/);
  });

  it.each([
    [['adversaries.biased_reputers.count=1', 'adversaries.biased_reputers.stake_share=1'], /stake_share: must be a number in \[0, 1\)/],
    [['adversaries.biased_reputers.count=2', 'adversaries.biased_reputers.stake_share=0.6', 'adversaries.sybil_reputers.identities=2', 'adversaries.sybil_reputers.stake_share=0.5'], /add up to 1\.1/],
    [['adversaries.sybil_inferers.identities=0'], /identities: must be an integer ≥ 1/],
    [['adversaries.outlier_inferers.count=1', 'adversaries.outlier_inferers.join_at=2000'], /join_at: must be an integer in \[1, epochs\] = \[1, 1000\]/],
    [['adversaries.outlier_inferers.count=1', 'adversaries.outlier_inferers.join_at=20', 'adversaries.outlier_inferers.leave_at=10'], /leave_at: must be 0 \(stay\) or an epoch after join_at = 20/],
    [['adversaries.biased_reputers.count=1', 'adversaries.biased_reputers.target=3'], /target: must be 'best', 'worst' or an inferer index in \[0, 2\]/],
    [['adversaries.colluding_forecasters.count=1', 'adversaries.colluding_forecasters.favour=9'], /favour: .*index in \[0, 2\]/],
    [['adversaries.copycat_inferers.count=1', 'adversaries.copycat_inferers.copy=current_median'], /needs adversaries.visibility.current_submissions: true/],
    [['adversaries.lazy_reputers.count=1', 'adversaries.lazy_reputers.copy=current_mean'], /needs adversaries.visibility.current_reports: true/],
    [['adversaries.biased_reputers.count=1', 'adversaries.biased_reputers.base=consensus'], /needs adversaries.visibility.current_reports: true/],
    [['adversaries.copycat_forecasters.count=1', 'adversaries.copycat_forecasters.owner=third_party'], /needs adversaries.visibility.current_submissions: true/],
    [['adversaries.copycat_forecasters.count=1', 'participants.forecasters.count=0'], /no honest forecasters/],
    [['adversaries.defecting_inferers.count=1', 'adversaries.defecting_inferers.defect_at=5000'], /defect_at: must be an integer in \[join_at, epochs\]/],
    [['claim.scope=stake_share < lots'], /claim.scope: must be `metric op number`/],
  ])('refuses %j', (set, re) => {
    const msg = refusal({}, set as string[]);
    expect(msg).toMatch(re);
    expect(msg.startsWith('a.yaml: --set ')).toBe(true);
  });

  it('accepts the visibility-dependent modes when visible', () => {
    const s = load({}, ['adversaries.copycat_inferers.count=1', 'adversaries.copycat_inferers.copy=current_best', 'adversaries.visibility.current_submissions=true']);
    expect(s.adversaries!.copycat_inferers.copy).toBe('current_best');
  });
});
