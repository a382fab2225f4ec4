// Participation fees of the deployed chain (docs/chain.md C13): a worker or reputer pays `registration_fee` per
// topic registration and `data_sending_fee` with every payload. Pure arithmetic; who pays and where the fees go
// (the topic's fee revenue, the treasury) is the caller's.

import type { MechanismParams } from './params.js';

/** What the participants of one topic did in one epoch. */
export interface ParticipationCounts {
  /** New registrations of workers and reputers in the topic. */
  registrations: number;
  /** Payloads sent: one per worker (inference and/or forecast) and one per reputer. */
  payloads: number;
}

/** Total fees of one epoch: registrations × `registration_fee` + payloads × `data_sending_fee`. */
export function participationFees(
  counts: ParticipationCounts,
  prm: Pick<MechanismParams, 'registration_fee' | 'data_sending_fee'>,
): number {
  return counts.registrations * prm.registration_fee + counts.payloads * prm.data_sending_fee;
}
