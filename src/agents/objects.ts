// Stable keys of the objects whose losses reputers report (the objects of eq. 13, plus the forecast-implied
// one-out inferences the reference rows also carry), named after the participants' identities, in the
// engine's object layout (objectLayout in src/engine/synthesis.ts). With identities `0, 1, …` they are the
// `<object>` suffixes of the reference rows' `reputer_m_loss_<object>` columns, so a reputer's EMA and its
// report noise follow the same object across epochs whoever else takes part.

export const objectKey = {
  network: (): string => 'network_inference',
  naive: (): string => 'naive_network_inference',
  inference: (j: string): string => `inference_${j}`,
  forecastImplied: (k: string): string => `forecast_implied_inference_${k}`,
  forecastImpliedOneOut: (k: string, j: string): string => `forecast_implied_inference_${k}_oneout_${j}`,
  /** Workers: inferers first, then forecasters. */
  networkOneOut: (l: string): string => `network_inference_oneout_${l}`,
  naiveOneIn: (k: string): string => `naive_network_inference_onein_${k}`,
} as const;

/**
 * Every object key of a topic with the given inferer and forecaster identities, in the engine's object
 * layout (objectLayout in src/engine/synthesis.ts): network_inference, naive_network_inference, inference_j,
 * forecast_implied_inference_k, forecast_implied_inference_k_oneout_j (forecaster-major),
 * network_inference_oneout_l (inferers, then forecasters as `f<k>`), naive_network_inference_onein_k.
 */
export function objectKeys(inferers: readonly string[], forecasters: readonly string[]): string[] {
  const keys: string[] = [objectKey.network(), objectKey.naive()];
  for (const j of inferers) keys.push(objectKey.inference(j));
  for (const k of forecasters) keys.push(objectKey.forecastImplied(k));
  for (const k of forecasters) for (const j of inferers) keys.push(objectKey.forecastImpliedOneOut(k, j));
  // A forecaster's one-out key carries its identity with an `f` (inferer and forecaster ids may coincide).
  for (const j of inferers) keys.push(objectKey.networkOneOut(j));
  for (const k of forecasters) keys.push(objectKey.networkOneOut(`f${k}`));
  for (const k of forecasters) keys.push(objectKey.naiveOneIn(k));
  return keys;
}
