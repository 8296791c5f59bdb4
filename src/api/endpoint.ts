import type { TSchema } from "@sinclair/typebox";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { MessageKey } from "../platform/i18n/index.js";

/**
 * Who may call an endpoint: "public" reads answer anyone (a token of any scope adds what a
 * logged-in reader sees: registered-only works, their drafts); "token" needs a token of any
 * scope; "write" a token with write scope.
 */
export type Access = "public" | "token" | "write";

/** One JSON API endpoint: the one definition its validation, OpenAPI entry and docs come from. */
export interface Endpoint {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  /** Under /api/v1, in Fastify's syntax (`/works/:id`). */
  url: string;
  operationId: string;
  /** Catalogue keys: the docs page and the OpenAPI document show them in the archive's language. */
  summary: MessageKey;
  description?: MessageKey;
  access: Access;
  tag: string;
  schema: {
    params?: TSchema;
    querystring?: TSchema;
    body?: TSchema;
    /** Status → body schema (null: no body). Documentation only: handlers build these shapes. */
    responses: Record<number, TSchema | null>;
  };
  /** A request to show on the docs page (path and query, and a JSON body). */
  example?: { path: string; body?: unknown };
  /** A stricter rate limit for some callers (new accounts' comments). */
  limit?: ApiLimit;
  /**
   * A contribution (posting, commenting, kudos, bookmarking, editing): refused to a suspended or
   * banned account, as the pages' routes marked the same way are.
   */
  contributes?: boolean;
  handler: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
}

/** A stricter limit an endpoint puts on some callers (its own key, count and window), or null for the API's usual one. */
export type ApiLimit = (req: FastifyRequest) => Promise<{ key: string; max: number; windowMs: number } | null>;

export function endpoint(def: Endpoint): Endpoint {
  return def;
}
