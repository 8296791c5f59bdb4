import type { FastifyReply, FastifyRequest } from "fastify";
import { noteTokenUse, viewerForToken, looksLikeToken } from "../api/index.js";
import { countHit, peekHits } from "../platform/http/rate-limits.js";
import type { Viewer } from "../platform/http/viewer.js";
import { passwordLogIn } from "../users/index.js";
import { findUserById, rolesOf } from "../model/users.js";
import { t } from "../platform/i18n/index.js";

/**
 * HTTP Basic credentials (a user's login and password, or login and personal access token) or a
 * personal access token as `Bearer`, for feeds and the OPDS catalog, where e-reader apps and feed
 * readers cannot log in through a form. A token of either scope reads as its user. Without an Authorization header
 * the viewer stays as the session made it (a guest or a logged-in browser); with one, the
 * credentials must be right: "bad" means answer 401, `limitedFor` 429 with Retry-After in seconds
 * (too many wrong ones lately, from this address or, for the account, from any).
 */
export async function basicViewer(req: FastifyRequest): Promise<Viewer | "none" | "bad" | { limitedFor: number }> {
  const header = req.headers.authorization;
  if (!header) return "none";
  const failures = await peekHits(req.db, failureKey(req));
  if (failures.hits >= MAX_FAILURES) return { limitedFor: Math.max(1, Math.ceil(failures.ttlMs / 1000)) };
  const viewer = await checkCredentials(req, header);
  if (viewer === "bad") await countHit(req.db, failureKey(req), FAILURE_WINDOW_MS);
  return viewer === "limited" ? { limitedFor: FAILURE_WINDOW_MS / 1000 } : viewer;
}

/**
 * Wrong credentials allowed per address in FAILURE_WINDOW_MS (as the log-in form's limit: 5 per
 * 20 seconds); past that 429 without checking, so guessing passwords through the catalog is as
 * slow as through the form, and costs no argon2 time. Counted in the database with every other
 * rate limit (src/platform/http/rate-limits.ts), so the limit holds across the archive's processes;
 * only wrong credentials count.
 */
const MAX_FAILURES = 5;
const FAILURE_WINDOW_MS = 20_000;
const failureKey = (req: FastifyRequest) => `OPDS wrong credentials|${req.ip}`;

/** The token's user, when it is a live token (and, from Basic, given with its user's login). */
async function tokenViewer(req: FastifyRequest, token: string, login?: string): Promise<Viewer | "bad"> {
  const found = await viewerForToken(req.db, token);
  if (!found || (login !== undefined && login.toLowerCase() !== found.viewer.user!.login.toLowerCase())) return "bad";
  await noteTokenUse(req.db, found.token);
  return found.viewer;
}

async function checkCredentials(req: FastifyRequest, header: string): Promise<Viewer | "bad" | "limited"> {
  const bearer = /^Bearer +(\S{1,200})$/i.exec(header.trim());
  if (bearer) return tokenViewer(req, bearer[1]!);
  const match = /^Basic ([A-Za-z0-9+/=]{1,1000})$/i.exec(header.trim());
  if (!match) return "bad";
  const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 1) return "bad";
  const login = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  // Apps that only offer a login and password field take a token as the password.
  if (looksLikeToken(password)) return tokenViewer(req, password, login);
  // The account's own log-in protection holds here too (wrong passwords count toward its lock),
  // but a catalog fetch is no log-in: a right password is not written into the account's log.
  const outcome = await passwordLogIn(req.db, login, password, { address: req.ip, userAgent: String(req.headers["user-agent"] ?? "") }, { logSuccess: false });
  if (outcome.kind === "locked" || outcome.kind === "too_soon") return "limited";
  // With two-factor on, a password alone is not enough: such accounts use a personal access token here.
  if (outcome.kind !== "ok") return "bad";
  const user = await findUserById(req.db, outcome.userId);
  if (!user) return "bad";
  return { user: { id: user.id, login: user.login, roles: await rolesOf(req.db, user.id) }, sessionId: null };
}

/** 401 with a Basic challenge, as e-reader apps expect, for wrong credentials. */
export function askForCredentials(reply: FastifyReply): FastifyReply {
  return reply
    .code(401)
    .header("www-authenticate", 'Basic realm="Fanfold catalog", charset="UTF-8"')
    .header("cache-control", "no-store")
    .type("text/plain; charset=utf-8")
    .send(t("feeds.wrong_login_or_password"));
}

/** Sets req.viewer from Basic credentials when given; false when they were wrong (a 401 was sent). */
export async function authenticate(req: FastifyRequest, reply: FastifyReply): Promise<boolean> {
  const viewer = await basicViewer(req);
  if (viewer === "bad") {
    askForCredentials(reply);
    return false;
  }
  if (typeof viewer === "object" && "limitedFor" in viewer) {
    reply.code(429).header("retry-after", String(viewer.limitedFor)).type("text/plain; charset=utf-8").send(t("feeds.too_many_wrong_passwords_try"));
    return false;
  }
  if (viewer !== "none") req.viewer = viewer;
  return true;
}
