import type { TSchema } from "@sinclair/typebox";
import { TypeCompiler } from "@sinclair/typebox/compiler";
import { FormatRegistry } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import type { FastifyError, FastifyInstance, FastifyRequest } from "fastify";
import { namedLimiter, RateLimitUnavailable, readsOnly, UNAVAILABLE_RETRY_SECONDS } from "../platform/http/rate-limits.js";
import { sanctionErrorCode, sanctionErrorParams } from "../platform/http/sanction-page.js";
import { GUEST } from "../platform/http/viewer.js";
import { guestAddressKey } from "../responses/index.js";
import { noteTokenUse } from "./commands.js";
import type { ApiLimit, Endpoint } from "./endpoint.js";
import { openApiDocument } from "./openapi.js";
import { scopeAllows, type TokenScope } from "./policy.js";
import { type FieldProblem, sendProblem } from "./problem.js";
import { viewerForToken } from "./queries.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The personal access token this API request came with; null for an anonymous one. */
    apiToken: { id: number; scope: TokenScope } | null;
  }
  interface FastifyContextConfig {
    /** An endpoint's stricter limit for some callers (src/api/endpoint.ts). */
    apiLimit?: ApiLimit;
  }
}

/** Requests a minute: per token, and per address (IPv6 /64) for anonymous reads. */
export const API_RATE_LIMITS = { token: 600, anonymous: 120, windowMs: 60_000 };

export interface ApiPluginOptions {
  endpoints: Endpoint[];
  rateLimits?: typeof API_RATE_LIMITS;
}

// The formats the schemas use, checked as strictly as the forms check them.
const isDay = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
if (!FormatRegistry.Has("date")) FormatRegistry.Set("date", isDay);
if (!FormatRegistry.Has("date-time")) FormatRegistry.Set("date-time", (value) => /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value)));

/** TypeBox's message, or for a choice among fixed values, the values. */
function messageOf(schema: TSchema, message: string): string {
  const choices = Array.isArray(schema.anyOf) ? (schema.anyOf as TSchema[]).map((s) => s.const) : [];
  if (choices.length && choices.every((c) => c !== undefined)) return `Expected one of: ${choices.map((c) => JSON.stringify(c)).join(", ")}`;
  return message;
}

// Text a query string or path carries means a number or a boolean only when written as the
// document says: canonical decimal digits (no sign on a positive id, no leading zeros, spaces,
// exponents or hexadecimal), `true` or `false`. TypeBox's own conversion would read `true`,
// `1.0`, `0x1` and ` 1` all as 1, so two spellings would name one resource.
const CANONICAL_INTEGER = /^(?:0|-?[1-9][0-9]*)$/;
const CANONICAL_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$/;

/**
 * Text (a query string or path parameter) as the type its schema names, when it is written in
 * that type's one canonical form; anything else is left as it came, for the check to refuse. A
 * single value where a list is expected is a list of one (`?x[]=1` and `?x=1` alike).
 */
export function fromText(schema: TSchema, value: unknown): unknown {
  if (Array.isArray(schema.anyOf)) {
    for (const member of schema.anyOf as TSchema[]) {
      const converted = fromText(member, value);
      if (Value.Check(member, converted)) return converted;
    }
    return value;
  }
  switch (schema.type) {
    case "object": {
      if (!value || typeof value !== "object" || Array.isArray(value)) return value;
      const properties = (schema.properties ?? {}) as Record<string, TSchema>;
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, Object.hasOwn(properties, k) ? fromText(properties[k]!, v) : v]));
    }
    case "array":
      return (Array.isArray(value) ? value : [value]).map((item) => fromText(schema.items as TSchema, item));
    case "integer":
      return typeof value === "string" && CANONICAL_INTEGER.test(value) && Number.isSafeInteger(Number(value)) ? Number(value) : value;
    case "number":
      return typeof value === "string" && CANONICAL_NUMBER.test(value) ? Number(value) : value;
    case "boolean":
      return value === "true" ? true : value === "false" ? false : value;
    default:
      return value;
  }
}

/**
 * A request part's validator, from its TypeBox schema (TypeBox's compiler rather than Fastify's
 * ajv, whose defaults would silently drop unknown fields and coerce types). Bodies are checked as
 * sent; query strings and path parameters arrive as text and are read by `fromText`. Every
 * problem is reported, once per field, named by its path in the request.
 */
function validatorFor(schema: TSchema, httpPart: string | undefined) {
  const checker = TypeCompiler.Compile(schema);
  return (data: unknown) => {
    const value = httpPart === "body" ? data : fromText(schema, data ?? {});
    if (checker.Check(value)) return { value };
    const seen = new Set<string>();
    const problems: FieldProblem[] = [];
    for (const issue of checker.Errors(value)) {
      const field = issue.path.split("/").filter(Boolean).map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~")).join(".") || (httpPart === "body" ? "body" : String(httpPart));
      if (seen.has(field)) continue;
      seen.add(field);
      problems.push({ field, message: messageOf(issue.schema, issue.message) });
    }
    return { error: Object.assign(new Error(problems.map((p) => `${p.field}: ${p.message}`).join("; ")), { validation: problems }) };
  };
}

/**
 * The methods each API path takes (HEAD wherever GET is, as Fastify answers it), as a lookup from
 * a request's path below the prefix; [] for a path the API does not have.
 */
function allowedMethods(endpoints: Endpoint[]): (path: string) => string[] {
  const byUrl = new Map<string, Set<string>>([["/openapi.json", new Set(["GET"])]]);
  for (const def of endpoints) (byUrl.get(def.url) ?? byUrl.set(def.url, new Set()).get(def.url)!).add(def.method);
  const patterns = [...byUrl].map(([url, methods]) => {
    const escaped = url.split("/").map((part) => (part.startsWith(":") ? "[^/]+" : part.replace(/[.*+?^$()|[\]{}\\]/g, "\\$&")));
    const pattern = new RegExp(`^${escaped.join("/")}$`);
    const list = [...methods];
    if (methods.has("GET")) list.push("HEAD");
    return { pattern, allowed: list.sort() };
  });
  return (path) => {
    const bare = path.split("?")[0]!;
    return patterns.find((p) => p.pattern.test(bare))?.allowed ?? [];
  };
}

/**
 * The JSON API v1 as its own Fastify context (registered under /api/v1): token authentication
 * instead of the session cookie, one rate limit per token, problem+json for every error, and
 * each endpoint validated by its schema. The OpenAPI document is served from the same table.
 */
export async function apiPlugin(app: FastifyInstance, options: ApiPluginOptions): Promise<void> {
  const limits = options.rateLimits ?? API_RATE_LIMITS;
  app.decorateRequest("apiToken", null);

  // A request no route takes is answered here, before anything else runs: 405 with the methods
  // its path does take, or the API's own 404, never the site's hooks (the session and CSRF
  // checks have no say on a path the API owns).
  const allowedOn = allowedMethods(options.endpoints);
  app.addHook("onRequest", async (req, reply) => {
    if (!req.is404) return;
    const allowed = allowedOn(req.url.slice(req.url.startsWith(app.prefix) ? app.prefix.length : 0));
    if (allowed.length === 0) return sendProblem(reply, "NOT_FOUND");
    return sendProblem(reply.header("allow", allowed.join(", ")), "METHOD_NOT_ALLOWED", { method: req.method, allowed: allowed.join(", ") });
  });

  // Answers for a token vary with it: shared caches must neither keep them nor give one caller's
  // answer to another. Every answer names Authorization in Vary, since a public read's depends on it too.
  app.addHook("onSend", async (req, reply, payload) => {
    const vary = String(reply.getHeader("vary") ?? "");
    if (!/(^|,)\s*authorization\s*(,|$)/i.test(vary)) reply.header("vary", vary ? `${vary}, Authorization` : "Authorization");
    if (req.apiToken) {
      const directives = String(reply.getHeader("cache-control") ?? "").split(",").map((d) => d.trim()).filter((d) => d && !/^(public|private|s-maxage=.*)$/i.test(d));
      reply.header("cache-control", ["private", ...directives].join(", "));
    }
    return payload;
  });

  // A cookie never authenticates the API: the viewer is the token's user or a guest, so a page on
  // another site cannot make a logged-in browser write through the API (no CSRF hole).
  app.addHook("onRequest", async (req, reply) => {
    req.viewer = GUEST;
    req.apiToken = null;
    const header = req.headers.authorization;
    if (header === undefined) return;
    const match = /^Bearer +(\S{1,200})$/i.exec(header.trim());
    const found = match ? await viewerForToken(req.db, match[1]!) : null;
    if (!found) return sendProblem(reply, "TOKEN_INVALID");
    req.viewer = found.viewer;
    req.apiToken = { id: found.token.id, scope: found.token.scope };
    await noteTokenUse(req.db, found.token);
  });

  // One limiter for the whole API (so one allowance per token across endpoints); an endpoint with
  // a stricter limit for some callers counts them under its own key instead. Counted in the
  // database like every limit (src/platform/http/rate-limits.ts), so the allowance holds across
  // the archive's processes. When the count fails, reads go through and writes are refused (503):
  // the same counts, under one name, with the plugin's `skipOnError` set by method.
  const special = new WeakMap<FastifyRequest, Awaited<ReturnType<ApiLimit>>>();
  const limitOf = async (req: FastifyRequest) => {
    if (!special.has(req)) special.set(req, (await req.routeOptions.config?.apiLimit?.(req)) ?? null);
    return special.get(req) ?? null;
  };
  const apiLimit = {
    timeWindow: async (req: FastifyRequest) => (await limitOf(req))?.windowMs ?? limits.windowMs,
    max: async (req: FastifyRequest) => (await limitOf(req))?.max ?? (req.apiToken ? limits.token : limits.anonymous),
    keyGenerator: async (req: FastifyRequest) => (await limitOf(req))?.key ?? (req.apiToken ? `token:${req.apiToken.id}` : `ip:${guestAddressKey(req.ip)}`),
  };
  const limitReads = app.rateLimit(namedLimiter("api", { ...apiLimit, skipOnError: true }));
  const limitWrites = app.rateLimit(namedLimiter("api", { ...apiLimit, skipOnError: false }));
  app.addHook("onRequest", async function (req, reply) {
    await (readsOnly(req.method) ? limitReads : limitWrites).call(this, req, reply);
  });

  app.setValidatorCompiler(({ schema, httpPart }) => validatorFor(schema as TSchema, httpPart));
  app.setErrorHandler((error: FastifyError & { retryAfter?: number; validationContext?: string }, req, reply) => {
    if (error.validation) return sendProblem(reply, "INVALID_REQUEST", {}, error.validation as unknown as FieldProblem[]);
    if (error instanceof RateLimitUnavailable) return sendProblem(reply.header("retry-after", String(UNAVAILABLE_RETRY_SECONDS)), "RATE_LIMIT_UNAVAILABLE");
    if (error.statusCode === 429) return sendProblem(reply.header("retry-after", String(error.retryAfter ?? 60)), "RATE_LIMITED", { seconds: error.retryAfter ?? 60 });
    if (error.code === "FST_ERR_CTP_INVALID_JSON_BODY" || error.code === "FST_ERR_CTP_EMPTY_JSON_BODY" || error instanceof SyntaxError) {
      return sendProblem(reply, "MALFORMED_JSON", { detail: error.message }, [{ field: "body", message: error.message }]);
    }
    if (error.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") return sendProblem(reply, "UNSUPPORTED_MEDIA_TYPE");
    if (error.code === "FST_ERR_CTP_BODY_TOO_LARGE") return sendProblem(reply, "BODY_TOO_LARGE", { limit: `${Math.round(req.config.bodyLimit / 1024)} KB` });
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) return sendProblem(reply, error.statusCode === 404 ? "NOT_FOUND" : "BAD_REQUEST", { detail: error.message });
    req.log.error(error);
    if (!reply.sent) console.error(error);
    return sendProblem(reply, "INTERNAL");
  });
  app.setNotFoundHandler((_req, reply) => sendProblem(reply, "NOT_FOUND"));

  app.get("/openapi.json", { config: { tokenOnly: true } }, async (req, reply) => reply.header("cache-control", "public, max-age=300").send(openApiDocument(options.endpoints, req.config.publicUrl)));

  for (const def of options.endpoints) {
    app.route({
      method: def.method,
      url: def.url,
      schema: Object.fromEntries(Object.entries({ params: def.schema.params, querystring: def.schema.querystring, body: def.schema.body }).filter(([, schema]) => schema !== undefined)),
      config: { tokenOnly: true, apiLimit: def.limit },
      // Before the body is parsed or validated: an unauthenticated write learns nothing more than 401.
      onRequest: async (req, reply) => {
        if (def.access === "public") return;
        if (!req.apiToken) return sendProblem(reply, "TOKEN_REQUIRED");
        if (def.access === "write" && !scopeAllows(req.apiToken.scope, "write")) return sendProblem(reply, "TOKEN_SCOPE", { has: req.apiToken.scope, needs: "write" });
        // Suspended and banned accounts read but do not contribute (the pages' rule, in server.tsx).
        const sanction = def.contributes ? req.viewer.user?.sanction : null;
        if (sanction) return sendProblem(reply, sanctionErrorCode(sanction), sanctionErrorParams(sanction));
      },
      // Fastify would also parse text and form bodies; the API takes JSON only, and says so.
      preValidation: async (req, reply) => {
        if (def.schema.body && !/^application\/json\s*(;|$)/i.test(req.headers["content-type"] ?? "")) return sendProblem(reply, "UNSUPPORTED_MEDIA_TYPE");
      },
      handler: def.handler,
    });
  }
}

