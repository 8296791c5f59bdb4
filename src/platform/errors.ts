import type { MessageKey } from "./i18n/index.js";

/**
 * The error catalogue: each stable code with its HTTP status and message. Pages and the JSON API
 * both answer from this table, so a code means the same thing everywhere.
 */
export const ERRORS = {
  NOT_FOUND: { status: 404, message: "error.NOT_FOUND" },
  WORK_NOT_FOUND: { status: 404, message: "error.WORK_NOT_FOUND" },
  FORBIDDEN: { status: 403, message: "error.FORBIDDEN" },
  CSRF_INVALID: { status: 403, message: "error.CSRF_INVALID" },
  BODY_TOO_LARGE: { status: 413, message: "error.BODY_TOO_LARGE" },
  RATE_LIMITED: { status: 429, message: "error.RATE_LIMITED" },
  LOGIN_REQUIRED: { status: 401, message: "error.LOGIN_REQUIRED" },
  RESTRICTED_WORK: { status: 401, message: "error.RESTRICTED_WORK" },
  BAD_REQUEST: { status: 400, message: "error.BAD_REQUEST" },
  INVALID_REQUEST: { status: 400, message: "error.INVALID_REQUEST" },
  MALFORMED_JSON: { status: 400, message: "error.MALFORMED_JSON" },
  UNPROCESSABLE: { status: 422, message: "error.UNPROCESSABLE" },
  CONFLICT: { status: 409, message: "error.CONFLICT" },
  KUDOS_REFUSED: { status: 403, message: "error.KUDOS_REFUSED" },
  COMMENT_REFUSED: { status: 403, message: "error.COMMENT_REFUSED" },
  // A suspended or banned account asked to contribute (src/moderation sets sanctions).
  ACCOUNT_SUSPENDED: { status: 403, message: "error.ACCOUNT_SUSPENDED" },
  ACCOUNT_BANNED: { status: 403, message: "error.ACCOUNT_BANNED" },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: "error.UNSUPPORTED_MEDIA_TYPE" },
  TOKEN_REQUIRED: { status: 401, message: "error.TOKEN_REQUIRED" },
  TOKEN_INVALID: { status: 401, message: "error.TOKEN_INVALID" },
  TOKEN_SCOPE: { status: 403, message: "error.TOKEN_SCOPE" },
  METHOD_NOT_ALLOWED: { status: 405, message: "error.METHOD_NOT_ALLOWED" },
  INTERNAL: { status: 500, message: "error.INTERNAL" },
  // The image proxy (src/platform/image-proxy): a refusal is a 4xx; only an unreachable or failing
  // image server is a 5xx (502, 504), since that is the image server's fault, not the request's.
  IMAGE_PROXY_BAD_LINK: { status: 400, message: "error.IMAGE_PROXY_BAD_LINK" },
  IMAGE_PROXY_NOT_SIGNED: { status: 403, message: "error.IMAGE_PROXY_NOT_SIGNED" },
  IMAGE_PROXY_ADDRESS_REFUSED: { status: 403, message: "error.IMAGE_PROXY_ADDRESS_REFUSED" },
  IMAGE_PROXY_TOO_MANY_REDIRECTS: { status: 400, message: "error.IMAGE_PROXY_TOO_MANY_REDIRECTS" },
  IMAGE_PROXY_NOT_AN_IMAGE: { status: 415, message: "error.IMAGE_PROXY_NOT_AN_IMAGE" },
  IMAGE_PROXY_TOO_LARGE: { status: 413, message: "error.IMAGE_PROXY_TOO_LARGE" },
  IMAGE_PROXY_UPSTREAM: { status: 502, message: "error.IMAGE_PROXY_UPSTREAM" },
  IMAGE_PROXY_TIMEOUT: { status: 504, message: "error.IMAGE_PROXY_TIMEOUT" },
  // Shared rate limits (src/platform/http/rate-limits.ts): the database could not count the request.
  RATE_LIMIT_UNAVAILABLE: { status: 503, message: "error.RATE_LIMIT_UNAVAILABLE" },
} as const satisfies Record<string, { status: number; message: MessageKey }>;

export type ErrorCode = keyof typeof ERRORS;
