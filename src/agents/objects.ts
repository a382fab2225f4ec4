// Stable keys of the objects whose losses reputers report (eq 31, plus the forecast-implied one-out
// inferences the reference rows also carry). The names are the `<object>` suffixes of the golden rows'
// `reputer_m_loss_<object>` columns, so a reputer's EMA follows the same object across epochs.

export const objectKey = {
  network: (): string => 'network_inference',
  naive: (): string => 'naive_network_inference',
  inference: (j: number): string => `inference_${j}`,
  forecastImplied: (k: number): string => `forecast_implied_inference_${k}`,
  forecastImpliedOneOut: (k: number, j: number): string => `forecast_implied_inference_${k}_oneout_${j}`,
  /** l runs over inferers (0..N_i−1) then forecasters (N_i..N_i+N_f−1). */
  networkOneOut: (l: number): string => `network_inference_oneout_${l}`,
  naiveOneIn: (k: number): string => `naive_network_inference_onein_${k}`,
} as const;

/**
 * Every object key of a topic with N_i inferers and N_f forecasters, in the golden rows' column order:
 * inference_j, forecast_implied_inference_k, forecast_implied_inference_k_oneout_j, network_inference,
 * naive_network_inference, network_inference_oneout_l, naive_network_inference_onein_k.
 */
export function objectKeys(nInferers: number, nForecasters: number): string[] {
  const keys: string[] = [];
  for (let j = 0; j < nInferers; j++) keys.push(objectKey.inference(j));
  for (let k = 0; k < nForecasters; k++) keys.push(objectKey.forecastImplied(k));
  for (let k = 0; k < nForecasters; k++) for (let j = 0; j < nInferers; j++) keys.push(objectKey.forecastImpliedOneOut(k, j));
  keys.push(objectKey.network(), objectKey.naive());
  for (let l = 0; l < nInferers + nForecasters; l++) keys.push(objectKey.networkOneOut(l));
  for (let k = 0; k < nForecasters; k++) keys.push(objectKey.naiveOneIn(k));
  return keys;
}
