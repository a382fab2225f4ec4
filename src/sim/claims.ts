// The paper's claims about Figures 2 and 3 (§3.3, §4), each judged on a set of headline metric values (one
// run's, or the medians over seeds).

export interface Claim {
  id: string;
  paper: string;
  test: string;
  holds: boolean;
  numbers: Record<string, number>;
}

/** The paper's claims (§3.3 Figure 2, §4 Figure 3), each judged on the given metric values. */
export function judgeClaims(x: Record<string, number>): Claim[] {
  const pick = (...keys: string[]) => Object.fromEntries(keys.map((k) => [k, x[k]]));
  return [
    {
      id: 'naive_beats_best_inference',
      paper: 'On average, the naive network is as good as or better than the best inference.',
      test: 'naive_log10_loss ≤ best_inferer_log10_loss',
      holds: x.naive_log10_loss <= x.best_inferer_log10_loss,
      numbers: pick('naive_log10_loss', 'best_inferer_log10_loss'),
    },
    {
      id: 'forecast_implied_beats_naive',
      paper: 'The forecast-implied inferences are even more accurate [than the naive network].',
      test: 'mean_forecast_implied_log10_loss < naive_log10_loss',
      holds: x.mean_forecast_implied_log10_loss < x.naive_log10_loss,
      numbers: pick('mean_forecast_implied_log10_loss', 'best_forecast_implied_log10_loss', 'naive_log10_loss'),
    },
    {
      id: 'network_best_of_all',
      paper: 'The network-wide inference outperforms all other inferences on average.',
      test: 'network_log10_loss < min(naive, best inferer, best forecast-implied)',
      holds:
        x.network_log10_loss < x.naive_log10_loss &&
        x.network_log10_loss < x.best_inferer_log10_loss &&
        !(x.network_log10_loss >= x.best_forecast_implied_log10_loss),
      numbers: pick('network_log10_loss', 'naive_log10_loss', 'best_inferer_log10_loss', 'best_forecast_implied_log10_loss'),
    },
    {
      id: 'order_of_magnitude_improvement',
      paper: 'An order of magnitude improvement in loss thanks to the forecasting task (Figure 2 caption).',
      test: 'improvement_over_naive_dex ≥ 1',
      holds: x.improvement_over_naive_dex >= 1,
      numbers: pick('improvement_over_naive_dex'),
    },
    {
      id: 'reputers_smallest_share',
      paper: 'Reputers receive the smallest share of the rewards (Figure 3).',
      test: 'reputer_reward_share < min(inference_reward_share, forecast_reward_share)',
      holds: x.reputer_reward_share < x.inference_reward_share && x.reputer_reward_share < x.forecast_reward_share,
      numbers: pick('reputer_reward_share', 'inference_reward_share', 'forecast_reward_share'),
    },
    {
      id: 'inference_above_forecast',
      paper: 'Cumulatively, the inference class earns more than the forecast class (Figure 3).',
      test: 'inference_reward_share > forecast_reward_share',
      holds: x.inference_reward_share > x.forecast_reward_share,
      numbers: pick('inference_reward_share', 'forecast_reward_share'),
    },
  ];
}
