import { nameKey } from "../model/users.js";

/** How many recipients one work may name, and how long a plain name may be. */
export const GIFT_LIMITS = { recipients: 30, name: 255 } as const;

/** The work form's "Gift this work to" field. */
export const RECIPIENTS_FIELD = "work[recipients]";

/** Someone a work is given to: one of the archive's pseuds, or a plain name (AO3's gift "for" a person without an account). */
export type GiftRecipient = { kind: "pseud"; pseudId: number } | { kind: "name"; name: string };

/** The key that makes one gift per recipient and work: "p:PSEUD_ID" or "n:NAME KEY". */
export function recipientKey(recipient: GiftRecipient): string {
  return recipient.kind === "pseud" ? `p:${recipient.pseudId}` : `n:${nameKey(recipient.name)}`;
}
