// The deployed chain's topic-level rules (docs/tokenomics.md §9) against the literals of the chain's own unit tests
// (TestCalcTopicRewards, TestGetTargetWeight) and hand-computed values.
import { describe, expect, it } from 'vitest';
import {
  topicRewardsPerBlock,
  topicTargetWeight,
  topicTargetWeightPerEpoch,
} from '../../src/engine/tokenomics.js';

describe('topicRewardsPerBlock (topic_rewards: per_block)', () => {
  it('pays w_t / W × e_block × L_t when the rewards account covers it', () => {
    const r = topicRewardsPerBlock(1, [0.75, 0.25], [100, 200], 1, 1000);
    expect(r.rewards).toEqual([75, 50]);
    expect(r.paid).toBe(125);
  });

  it('shares the rewards account in proportion to w_t L_t when it is short', () => {
    const r = topicRewardsPerBlock(1, [0.5, 0.3, 0.2], [100, 100, 100], 1, 50);
    expect(r.rewards[0]).toBeCloseTo(25, 12);
    expect(r.rewards[1]).toBeCloseTo(15, 12);
    expect(r.rewards[2]).toBeCloseTo(10, 12);
    expect(r.paid).toBeCloseTo(50, 12);
    // One topic takes the whole account.
    expect(topicRewardsPerBlock(10, [0.9], [100], 1, 7).rewards).toEqual([7]);
  });

  it('pays nothing from an empty account or with no weight', () => {
    expect(topicRewardsPerBlock(10, [0.5, 0.5], [100, 100], 1, 0)).toEqual({ rewards: [0, 0], paid: 0 });
    expect(topicRewardsPerBlock(10, [0, 0], [100, 100], 0, 100)).toEqual({ rewards: [0, 0], paid: 0 });
  });

  it('normalises by the stored sum W, not by the weights paid now', () => {
    // W = 2 although the paid weights sum to 1: half the block emission stays in the account.
    const r = topicRewardsPerBlock(8, [0.6, 0.4], [1, 1], 2, 100);
    expect(r.rewards).toEqual([2.4, 1.6]);
  });
});

describe('topic weight: fee revenue per epoch', () => {
  it('S^μ (C/L)^ν: S = 100, L = 10, C = 50 → 10·√5 (eq. 58 as written gives 50√2)', () => {
    expect(topicTargetWeightPerEpoch(100, 50, 10, 0.5, 0.5)).toBeCloseTo(22.360679775, 9);
    expect(topicTargetWeight(100, 50, 0.5, 0.5)).toBeCloseTo(70.710678118654755, 12);
  });
});
