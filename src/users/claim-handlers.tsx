import type { FastifyReply, FastifyRequest } from "fastify";
import { userPath } from "../model/paths.js";
import { setFlash } from "../platform/http/flash.js";
import { field } from "../platform/http/forms-parser.js";
import { t } from "../platform/i18n/index.js";
import { claimAccount, claimPath, findClaim } from "./claims.js";
import { logIn } from "./handlers.js";
import { ClaimPage, SpentClaimPage } from "./views/claim.js";

function tokenOf(req: FastifyRequest): string {
  return (req.params as { token?: string }).token ?? "";
}

/** The link's token is a key: no other site learns it from a Referer, no cache keeps the page. */
function keepTokenPrivate(reply: FastifyReply): void {
  reply.header("referrer-policy", "no-referrer");
  reply.header("cache-control", "no-store");
}

/** A link that cannot be used: unknown (404), or used, expired or for an account already taken (410). */
function spentPage(reply: FastifyReply, kind: "spent" | "unknown") {
  return reply.page(t("users.claim.spent_heading"), <SpentClaimPage />, { status: kind === "unknown" ? 404 : 410, mainClass: "claims" });
}

/** GET /claim/:token: the form to set a password and take an imported account. */
export async function showClaimPage(req: FastifyRequest, reply: FastifyReply) {
  keepTokenPrivate(reply);
  const token = tokenOf(req);
  const link = await findClaim(req.db, token);
  if (link.kind !== "open") return spentPage(reply, link.kind);
  return reply.page(t("users.claim.heading"), <ClaimPage action={claimPath(token)} login={link.login} errors={{}} csrf={reply.csrf()} />, { mainClass: "claims" });
}

/** POST /claim/:token: takes the account, then logs its owner in. */
export async function submitClaim(req: FastifyRequest, reply: FastifyReply) {
  keepTokenPrivate(reply);
  const token = tokenOf(req);
  const outcome = await claimAccount(req.db, token, field(req.body, "user[password]"), field(req.body, "user[password_confirmation]"));
  if (outcome.kind === "spent" || outcome.kind === "unknown") return spentPage(reply, outcome.kind);
  if (outcome.kind === "invalid") return reply.page(t("users.claim.heading"), <ClaimPage action={claimPath(token)} login={outcome.login} errors={outcome.errors} csrf={reply.csrf()} />, { status: 422, mainClass: "claims" });
  await logIn(req, reply, outcome.userId);
  setFlash(req, reply, [t("users.claim.done")]);
  return reply.redirect(userPath(outcome.login), 303);
}
