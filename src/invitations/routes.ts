import { get, post } from "../platform/http/routes.js";
import * as h from "./handlers.js";
import * as terms from "./terms-handlers.js";

// Joining the waiting list: ten tries an hour per address (room for typing mistakes, none for floods).
const QUEUE_LIMIT = { max: 10, timeWindow: 3_600_000 };

/**
 * Invitations and the terms. The waiting list and the terms are open to anyone; a user sends the
 * invitations granted to them; support admins run the waiting list and hand out invitations; the
 * terms' text and the minimum age are the superadmin's.
 */
export const invitationsRoutes = [
  get("/invite_requests", h.showQueuePage),
  post("/invite_requests", h.postQueueRequest, { rateLimit: QUEUE_LIMIT }),
  get("/invite_requests/status", h.showQueueStatus),

  get("/users/:login/invitations", h.showUserInvitations, { guard: "user" }),
  post("/users/:login/invitations", h.postUserInvitation, { guard: "user", contributes: true }),

  get("/admin/invitations", h.showAdminInvitations, { guard: "support" }),
  post("/admin/invitations", h.postCreateCodes, { guard: "support" }),
  post("/admin/invitations/send", h.postAdminSend, { guard: "support" }),
  post("/admin/invitations/grant", h.postGrant, { guard: "support" }),
  post("/admin/invitations/queue", h.postSendFromQueue, { guard: "support" }),
  post("/admin/invitations/settings", h.postQueueSettings, { guard: "support" }),

  get("/tos", terms.showTos),
  get("/privacy", terms.showPrivacy),
  get("/terms/accept", terms.showAcceptTerms, { guard: "user" }),
  post("/terms/accept", terms.postAcceptTerms, { guard: "user" }),
  get("/admin/terms", terms.showAdminTerms, { guard: "admin" }),
  post("/admin/terms", terms.postTerms, { guard: "admin" }),
  post("/admin/terms/minimum_age", terms.postMinimumAge, { guard: "admin" }),
];
