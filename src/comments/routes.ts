import type { FastifyRequest } from "fastify";
import { get, post, type RateLimit } from "../platform/http/routes.js";
import { guestAddressKey } from "../responses/index.js";
import * as h from "./handlers.js";
import { accountCreatedAt } from "./queries.js";

/** Accounts younger than this are "new": their comments are rate limited, as guests' are. */
export const NEW_ACCOUNT_DAYS = 7;
/** Comments (and edits) a guest address may post per window. */
export const GUEST_COMMENTS_PER_WINDOW = 5;
/** Comments (and edits) a new account may post per window (AO3's figure: 3 per 15 minutes). */
export const NEW_ACCOUNT_COMMENTS_PER_WINDOW = 3;
export const COMMENT_WINDOW_MS = 15 * 60_000;

/**
 * Guests and new accounts are limited: spam comes from them. Guests are counted by the address
 * key their kudos use (an IPv6 /64), users by account; accounts older than NEW_ACCOUNT_DAYS are
 * not limited (`allowList`, which runs after the viewer is loaded and may ask the database).
 */
export const NEW_COMMENTERS_LIMIT: RateLimit & {
  allowList: (req: FastifyRequest) => Promise<boolean>;
  keyGenerator: (req: FastifyRequest) => string;
} = {
  max: (req) => (req.viewer?.user ? NEW_ACCOUNT_COMMENTS_PER_WINDOW : GUEST_COMMENTS_PER_WINDOW),
  timeWindow: COMMENT_WINDOW_MS,
  allowList: async (req) => {
    const user = req.viewer?.user;
    if (!user) return false;
    const created = await accountCreatedAt(req.db, user.id);
    return created !== undefined && Date.now() - Date.parse(created) >= NEW_ACCOUNT_DAYS * 86_400_000;
  },
  keyGenerator: (req) => (req.viewer?.user ? `user:${req.viewer.user.id}` : `guest:${guestAddressKey(req.ip)}`),
};

/** Comments on works and chapters: threads, replies, edits, deletion, moderation, the inbox. */
export const commentsRoutes = [
  get("/works/:id/comments", h.showWorkComments),
  post("/works/:id/comments", h.createComment, { rateLimit: NEW_COMMENTERS_LIMIT, contributes: true }),
  get("/comments/:id", h.showComment),
  get("/comments/:id/reply", h.showReplyForm, { contributes: true }),
  get("/comments/:id/edit", h.showEditComment, { guard: "user", contributes: true }),
  post("/comments/:id", h.updateComment, { guard: "user", rateLimit: NEW_COMMENTERS_LIMIT, contributes: true }),
  get("/comments/:id/confirm_delete", h.showDeleteComment, { guard: "user" }),
  post("/comments/:id/delete", h.removeComment, { guard: "user" }),
  post("/comments/:id/approve", h.approveHeldComment, { guard: "user" }),
  post("/comments/:id/freeze", h.freezeThread, { guard: "user" }),
  post("/comments/:id/unfreeze", h.unfreezeThread, { guard: "user" }),
  get("/users/:login/inbox", h.showInbox, { guard: "user" }),
  post("/users/:login/inbox", h.updateInbox, { guard: "user" }),
];
