import type { FastifyReply, FastifyRequest } from "fastify";
import { t } from "../i18n/index.js";

/**
 * One-time notices carried across a redirect ("what your change did"): a short-lived signed
 * cookie, set with the 303 and read (and cleared) by the next page that shows notices. Nothing
 * is kept on the server, so any process behind the proxy can show it.
 */
const FLASH_COOKIE = "fanfold_flash";

// Browsers keep cookies up to about 4 KB; the lines are cut to stay well under that.
const MAX_BYTES = 2400;

function encode(lines: string[]): string {
  return Buffer.from(JSON.stringify(lines), "utf8").toString("base64url");
}

/** Keeps as many lines as fit, then one line saying how many were left out. */
function fit(lines: string[]): string[] {
  const kept = [...lines];
  while (kept.length > 1 && Buffer.byteLength(JSON.stringify(kept), "utf8") > MAX_BYTES) kept.pop();
  if (kept.length === 1 && Buffer.byteLength(kept[0]!, "utf8") > MAX_BYTES) kept[0] = `${kept[0]!.slice(0, MAX_BYTES / 4)}…`;
  const left = lines.length - kept.length;
  return left > 0 ? [...kept, t("ui.and_more", { count: left })] : kept;
}

/** Sets notices for the next page this browser loads. */
export function setFlash(req: FastifyRequest, reply: FastifyReply, lines: string[]): void {
  if (lines.length === 0) return;
  reply.setCookie(FLASH_COOKIE, encode(fit(lines)), {
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    secure: req.config.publicUrl.startsWith("https:"),
    signed: true,
    maxAge: 300,
  });
}

/** The notices left for this page, cleared so they show once; [] when there are none. */
export function takeFlash(req: FastifyRequest, reply: FastifyReply): string[] {
  const raw = req.cookies[FLASH_COOKIE];
  if (!raw) return [];
  reply.clearCookie(FLASH_COOKIE, { path: "/" });
  const unsigned = req.unsignCookie(raw);
  if (!unsigned.valid || !unsigned.value) return [];
  try {
    const lines: unknown = JSON.parse(Buffer.from(unsigned.value, "base64url").toString("utf8"));
    return Array.isArray(lines) ? lines.filter((line): line is string => typeof line === "string") : [];
  } catch {
    return [];
  }
}
