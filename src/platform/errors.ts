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
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: "error.UNSUPPORTED_MEDIA_TYPE" },
  TOKEN_REQUIRED: { status: 401, message: "error.TOKEN_REQUIRED" },
  TOKEN_INVALID: { status: 401, message: "error.TOKEN_INVALID" },
  TOKEN_SCOPE: { status: 403, message: "error.TOKEN_SCOPE" },
  METHOD_NOT_ALLOWED: { status: 405, message: "error.METHOD_NOT_ALLOWED" },
  INTERNAL: { status: 500, message: "error.INTERNAL" },
} as const satisfies Record<string, { status: number; message: MessageKey }>;

export type ErrorCode = keyof typeof ERRORS;
