import type { DbOrTrx } from "../platform/db/index.js";
import { t } from "../platform/i18n/index.js";
import { blocksBetween } from "../blocking/index.js";
import { lookUpPseud, splitNames } from "../model/pseud-names.js";
import { GIFT_LIMITS, type GiftRecipient, recipientKey } from "./schema.js";

export interface GiftContext {
  /** The writer saving the form. */
  writerUserId: number;
  /** Every user credited on the work (the writer among them once it exists). */
  creatorUserIds: number[];
  /** The work being edited; null for a new one. */
  workId: number | null;
}

export type GiftCheck = { ok: true; value: GiftRecipient[] } | { ok: false; errors: string[] };

/**
 * Reads "Gift this work to": comma-separated names, each a pseud (as bylines name it, "Pseud
 * (login)" when several users share the name) or, when no pseud has the name, a plain name. Refused,
 * each with its own message: a name several users share, a creator of the work (yourself included),
 * a user who blocked the writer or a co-creator (AO3's rule: blocked users cannot gift you), someone
 * who already refused this work, too many names, too long a name.
 */
export async function resolveGiftRecipients(db: DbOrTrx, typed: string, context: GiftContext): Promise<GiftCheck> {
  const names = splitNames(typed);
  const errors: string[] = [];
  if (names.length > GIFT_LIMITS.recipients) return { ok: false, errors: [t("gifts.too_many", { max: GIFT_LIMITS.recipients, count: names.length })] };
  const recipients: { name: string; recipient: GiftRecipient; userId: number | null }[] = [];
  // A plain name already on the work stays a plain name, even if someone has since taken it as a pseud.
  const plainNames = context.workId === null ? new Set<string>() : new Set((await db.selectFrom("gifts").select("recipient_key").where("work_id", "=", context.workId).where("pseud_id", "is", null).execute()).map((g) => g.recipient_key));
  for (const name of names) {
    if (name.length > GIFT_LIMITS.name) {
      errors.push(t("gifts.name_too_long", { max: GIFT_LIMITS.name, name: `${name.slice(0, 40)}…` }));
      continue;
    }
    if (plainNames.has(recipientKey({ kind: "name", name }))) {
      recipients.push({ name, recipient: { kind: "name", name }, userId: null });
      continue;
    }
    const found = await lookUpPseud(db, name);
    if (found.kind === "ambiguous") errors.push(t("gifts.ambiguous", { name }));
    else if (found.kind === "none") recipients.push({ name, recipient: { kind: "name", name }, userId: null });
    else if (found.pseud.userId === context.writerUserId) errors.push(t("gifts.self"));
    else if (context.creatorUserIds.includes(found.pseud.userId)) errors.push(t("gifts.creator", { name }));
    else recipients.push({ name, recipient: { kind: "pseud", pseudId: found.pseud.id }, userId: found.pseud.userId });
  }
  const recipientUsers = recipients.flatMap((r) => (r.userId === null ? [] : [r.userId]));
  const givers = [...new Set([context.writerUserId, ...context.creatorUserIds])];
  const blockers = new Set((await blocksBetween(db, recipientUsers, givers)).filter((b) => recipientUsers.includes(b.blocker) && givers.includes(b.blocked)).map((b) => b.blocker));
  const refused = context.workId === null || recipients.length === 0
    ? new Set<string>()
    : new Set((await db.selectFrom("gifts").select("recipient_key").where("work_id", "=", context.workId).where("rejected", "=", 1).where("recipient_key", "in", recipients.map((r) => recipientKey(r.recipient))).execute()).map((r) => r.recipient_key));
  for (const r of recipients) {
    if (r.userId !== null && blockers.has(r.userId)) errors.push(t("gifts.blocked", { name: r.name }));
    else if (refused.has(recipientKey(r.recipient))) errors.push(t("gifts.refused_before", { name: r.name }));
  }
  if (errors.length) return { ok: false, errors };
  // One gift per recipient, however they were typed ("moth" and "Moth (moth)").
  const unique = new Map(recipients.map((r) => [recipientKey(r.recipient), r.recipient]));
  return { ok: true, value: [...unique.values()] };
}
