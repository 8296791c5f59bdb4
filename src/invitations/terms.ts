import type { FastifyRequest } from "fastify";
import type { Db, DbOrTrx } from "../platform/db/index.js";
import { nowIso } from "../platform/db/index.js";
import type { FieldErrors } from "../platform/http/components.js";
import { cleanHtml } from "../platform/html/clean.js";
import { html, type TrustedHtml, escapeText } from "../platform/html/trusted-html.js";
import { t } from "../platform/i18n/index.js";

// The archive's terms of service and privacy policy. Each version an admin publishes is a row of
// terms_versions (sanitized HTML), numbered from 1; terms_acceptances records which version each
// user accepted and when. A user who has not accepted the newest version is sent to accept it
// (termsGate) before any other page, logging out and reading the terms aside. Until an admin
// publishes a first version, the archive shows a short default text (version 0), which sign-up
// still asks people to accept, and nobody is sent anywhere.

export interface Terms {
  /** 0 until an admin publishes a first version. */
  version: number;
  tos: TrustedHtml;
  privacy: TrustedHtml;
  publishedAt: string | null;
}

/** The longest text an admin may publish, per document (AO3's terms run to about 60,000 characters). */
export const TERMS_MAX = 200_000;

function defaultText(key: "terms.default_tos" | "terms.default_privacy"): TrustedHtml {
  return html`<p>${escapeText(t(key, { site: t("site.name") }))}</p>`;
}

/** The newest version of the terms (or the default text, version 0). */
export async function currentTerms(db: DbOrTrx): Promise<Terms> {
  const row = await db.selectFrom("terms_versions").selectAll().orderBy("version", "desc").limit(1).executeTakeFirst();
  if (!row) return { version: 0, tos: defaultText("terms.default_tos"), privacy: defaultText("terms.default_privacy"), publishedAt: null };
  return { version: row.version, tos: row.tos, privacy: row.privacy, publishedAt: row.created_at };
}

/** Records that a user accepted a version (again is harmless). */
export async function acceptTerms(db: DbOrTrx, userId: number, version: number): Promise<void> {
  await db
    .insertInto("terms_acceptances")
    .values({ user_id: userId, version, accepted_at: nowIso() })
    .onConflict((oc) => oc.columns(["user_id", "version"]).doNothing())
    .execute();
}

/** The newest published version when this user has not accepted it; null when there is nothing to accept. One query. */
export async function pendingTermsVersion(db: DbOrTrx, userId: number): Promise<number | null> {
  const row = await db
    .selectFrom("terms_versions")
    .leftJoin("terms_acceptances", (join) => join.onRef("terms_acceptances.version", "=", "terms_versions.version").on("terms_acceptances.user_id", "=", userId))
    .select(["terms_versions.version as version", "terms_acceptances.accepted_at as acceptedAt"])
    .orderBy("terms_versions.version", "desc")
    .limit(1)
    .executeTakeFirst();
  return row && row.acceptedAt === null ? row.version : null;
}

/** The versions a user accepted, newest first. */
export function acceptancesOf(db: DbOrTrx, userId: number) {
  return db.selectFrom("terms_acceptances").select(["version", "accepted_at"]).where("user_id", "=", userId).orderBy("version", "desc").execute();
}

/** How many users accepted a version. */
export async function acceptanceCount(db: DbOrTrx, version: number): Promise<number> {
  const row = await db.selectFrom("terms_acceptances").select((eb) => eb.fn.countAll<number>().as("n")).where("version", "=", version).executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface TermsForm {
  tos: string;
  privacy: string;
}

/**
 * Publishes a new version of the terms, sanitized through the one policy, and records that the
 * admin who wrote it accepted it. Everyone else accepts it at their next page. Text unchanged
 * from the newest version publishes nothing. Two admins publishing at once get two versions,
 * one after the other (the version number is the key: a clash is retried).
 */
export async function publishTerms(db: Db, adminId: number, form: TermsForm): Promise<{ ok: true; version: number | null } | { ok: false; errors: FieldErrors }> {
  const errors: FieldErrors = {};
  const tos = form.tos.length > TERMS_MAX ? null : cleanHtml(form.tos, "terms");
  const privacy = form.privacy.length > TERMS_MAX ? null : cleanHtml(form.privacy, "terms");
  if (tos === null) errors["terms[tos]"] = [t("form.too_long", { field: t("terms.tos"), max: TERMS_MAX, length: form.tos.length })];
  else if (!tos) errors["terms[tos]"] = [t("terms.admin.empty", { field: t("terms.tos") })];
  if (privacy === null) errors["terms[privacy]"] = [t("form.too_long", { field: t("terms.privacy"), max: TERMS_MAX, length: form.privacy.length })];
  else if (!privacy) errors["terms[privacy]"] = [t("terms.admin.empty", { field: t("terms.privacy") })];
  if (Object.keys(errors).length || !tos || !privacy) return { ok: false, errors };
  for (let attempt = 0; attempt < 5; attempt++) {
    const version = await db.transaction().execute(async (trx) => {
      const newest = await trx.selectFrom("terms_versions").select(["version", "tos", "privacy"]).orderBy("version", "desc").limit(1).executeTakeFirst();
      if (newest && newest.tos === tos && newest.privacy === privacy) return 0;
      const next = (newest?.version ?? 0) + 1;
      const inserted = await trx
        .insertInto("terms_versions")
        .values({ version: next, tos, privacy, created_by_user_id: adminId, created_at: nowIso() })
        .onConflict((oc) => oc.column("version").doNothing())
        .returning("version")
        .executeTakeFirst();
      if (!inserted) return null;
      await acceptTerms(trx, adminId, next);
      return next;
    });
    if (version === 0) return { ok: true, version: null };
    if (version !== null) return { ok: true, version };
  }
  throw new Error("could not publish the terms: the version number kept clashing");
}

/** Pages a user who has terms to accept may still open: the terms themselves, accepting them, and logging out. */
const OPEN_WHILE_PENDING = new Set(["/tos", "/privacy", "/terms/accept", "/users/logout"]);

/**
 * Where a logged-in user must go before a page (the accept page, when the terms changed since they
 * last accepted), or null to let them through. Asked for every page (GET) by the HTTP layer.
 */
export async function termsGate(req: FastifyRequest): Promise<string | null> {
  if (!req.viewer.user || OPEN_WHILE_PENDING.has(req.routeOptions.url ?? "")) return null;
  if ((await pendingTermsVersion(req.db, req.viewer.user.id)) === null) return null;
  return `/terms/accept?return_to=${encodeURIComponent(req.url)}`;
}
