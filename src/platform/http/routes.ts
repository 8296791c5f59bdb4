import type { FastifyReply, FastifyRequest } from "fastify";
import type { Role } from "./viewer.js";

export type Handler = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/**
 * Who may reach a route: any visitor, a logged-in user, a user with a role, or a user with any one
 * of several roles (an admin page two admin roles share). The superadmin passes every role guard.
 */
export type Guard = "anyone" | "user" | Role | readonly Role[];

/** The roles a guard asks for (none for "anyone" and "user"). */
export function guardRoles(guard: Guard): readonly Role[] {
  if (guard === "anyone" || guard === "user") return [];
  return typeof guard === "string" ? [guard] : guard;
}

/**
 * A route's rate limit: at most `max` requests per `timeWindow` per client address (as TRUST_PROXY
 * decides it, IPv6 by /64) or per `keyGenerator`'s key. Counted in the database, so the limit holds
 * across every process of the archive (rate-limits.ts). If the count fails, a POST is refused
 * (503) and a GET goes through.
 */
export interface RateLimit {
  /** A number, or one decided per request (e.g. guests and new accounts differ). */
  max: number | ((req: FastifyRequest, key: string) => number);
  /** Milliseconds. */
  timeWindow: number;
  /** What is counted, instead of the client's address (e.g. `user:ID` for accounts). */
  keyGenerator?: (req: FastifyRequest) => string | Promise<string>;
  /** Requests not counted at all (e.g. logged-in users); runs after the viewer is loaded. */
  allowList?: (req: FastifyRequest, key: string) => boolean | Promise<boolean>;
}

export interface RouteDef {
  method: "GET" | "POST";
  url: string;
  handler: Handler;
  guard: Guard;
  rateLimit?: RateLimit;
  /**
   * A contribution: posting, commenting, kudos, bookmarking or editing (and the forms for them).
   * A suspended or banned user is refused it, whatever the guard (src/platform/http/server.tsx).
   */
  contributes?: boolean;
}

interface RouteOptions {
  guard?: Guard;
  rateLimit?: RateLimit;
  contributes?: boolean;
}

function route(method: RouteDef["method"], url: string, handler: Handler, options: RouteOptions): RouteDef {
  return { method, url, handler, guard: options.guard ?? "anyone", rateLimit: options.rateLimit, ...(options.contributes ? { contributes: true } : {}) };
}

/** A GET route: a page or a download. */
export function get(url: string, handler: Handler, options: RouteOptions = {}): RouteDef {
  return route("GET", url, handler, options);
}

/** A POST route: a state change, always behind the CSRF check. */
export function post(url: string, handler: Handler, options: RouteOptions = {}): RouteDef {
  return route("POST", url, handler, options);
}

/** Reads a numeric route parameter; null when it is not a positive whole number. */
export function idParam(req: FastifyRequest, name: string): number | null {
  return parseId((req.params as Record<string, string | undefined>)[name]);
}

/** The largest id the tables hold (32-bit integer keys on PostgreSQL). */
export const MAX_ID = 2_147_483_647;

/**
 * An id typed in a URL or sent in a form: a positive whole number a table can hold, else null.
 * (A larger number would make PostgreSQL refuse the query, a 500 instead of a 404.)
 */
export function parseId(raw: string | undefined): number | null {
  if (!raw || !/^\d{1,10}$/.test(raw)) return null;
  const n = Number(raw);
  return n > 0 && n <= MAX_ID ? n : null;
}

/** Reads a query-string value as text. */
export function queryParam(req: FastifyRequest, name: string): string {
  const value = (req.query as Record<string, unknown> | undefined)?.[name];
  if (typeof value === "string") return value;
  // The JSON API's schemas coerce numeric parameters (page) to numbers.
  if (typeof value === "number") return String(value);
  if (Array.isArray(value) && typeof value[0] === "string") return value[0];
  return "";
}

/** A page number from `?page=`, clamped to a sane range. */
export function pageParam(req: FastifyRequest): number {
  const n = Number.parseInt(queryParam(req, "page"), 10);
  return Number.isFinite(n) && n >= 1 ? Math.min(n, 1_000_000) : 1;
}

/** A local path to return to after logging in; anything else (another site) becomes "/". */
export function safeReturnPath(value: string): string {
  return value.startsWith("/") && !value.startsWith("//") && !value.startsWith("/\\") ? value : "/";
}
