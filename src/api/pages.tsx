import type { FastifyReply, FastifyRequest } from "fastify";
import { setFlash, takeFlash } from "../platform/http/flash.js";
import { idParam } from "../platform/http/routes.js";
import { t } from "../platform/i18n/index.js";
import { findUserByLogin } from "../model/users.js";
import { createToken, revokeToken } from "./commands.js";
import { canManageTokens } from "./policy.js";
import { tokensOf } from "./queries.js";
import { parseTokenForm, readTokenForm } from "./token-form.js";
import { tokensPath } from "./views/paths.js";
import { ConfirmRevokePage, TokensPage } from "./views/tokens.js";

// The user's settings for personal access tokens: list, create (shown once), revoke.

const EMPTY_FORM = { name: "", scope: "read" };

/** The user named in the URL when it is the viewer: 404 if there is none, 403 if it is someone else. */
async function tokenOwner(req: FastifyRequest, reply: FastifyReply) {
  const user = await findUserByLogin(req.db, (req.params as { login: string }).login);
  if (!user) {
    reply.error("NOT_FOUND");
    return undefined;
  }
  if (!canManageTokens(req.viewer.user?.id, user.id)) {
    reply.error("FORBIDDEN");
    return undefined;
  }
  return user;
}

export async function showTokensPage(req: FastifyRequest, reply: FastifyReply) {
  const user = await tokenOwner(req, reply);
  if (!user) return;
  const tokens = await tokensOf(req.db, user.id);
  const notice = takeFlash(req, reply)[0];
  return reply.page(t("users.personal_access_tokens"), <TokensPage login={user.login} tokens={tokens} values={EMPTY_FORM} errors={{}} notice={notice} csrf={reply.csrf()} />, {
    mainClass: "api-tokens",
  });
}

/**
 * Creates a token and shows it in this response, not after a redirect: it is shown only once, and
 * carrying it across a redirect would put it in a cookie.
 */
export async function postToken(req: FastifyRequest, reply: FastifyReply) {
  const user = await tokenOwner(req, reply);
  if (!user) return;
  const values = readTokenForm(req.body);
  const form = parseTokenForm(values);
  if (!form.ok) {
    const tokens = await tokensOf(req.db, user.id);
    return reply.page(t("users.personal_access_tokens"), <TokensPage login={user.login} tokens={tokens} values={values} errors={form.errors} csrf={reply.csrf()} />, {
      status: 422,
      mainClass: "api-tokens",
    });
  }
  const created = await createToken(req.db, user.id, form.value.name, form.value.scope);
  const tokens = await tokensOf(req.db, user.id);
  return reply.page(t("users.personal_access_tokens"), <TokensPage login={user.login} tokens={tokens} values={EMPTY_FORM} errors={{}} created={{ name: form.value.name, token: created.token }} csrf={reply.csrf()} />, {
      status: 201,
      mainClass: "api-tokens",
    });
}

async function ownToken(req: FastifyRequest, reply: FastifyReply) {
  const user = await tokenOwner(req, reply);
  if (!user) return undefined;
  const id = idParam(req, "id");
  const token = id ? (await tokensOf(req.db, user.id)).find((row) => row.id === id) : undefined;
  if (!token) {
    reply.error("NOT_FOUND");
    return undefined;
  }
  return { user, token };
}

export async function showRevokeTokenPage(req: FastifyRequest, reply: FastifyReply) {
  const found = await ownToken(req, reply);
  if (!found) return;
  return reply.page(t("api.revoke_token"), <ConfirmRevokePage login={found.user.login} token={found.token} csrf={reply.csrf()} />, { mainClass: "api-tokens" });
}

export async function removeToken(req: FastifyRequest, reply: FastifyReply) {
  const found = await ownToken(req, reply);
  if (!found) return;
  await revokeToken(req.db, found.user.id, found.token.id);
  setFlash(req, reply, [t("api.token_revoked", { name: found.token.name })]);
  return reply.redirect(tokensPath(found.user.login), 303);
}
