import { join } from "node:path";
import { fileURLToPath } from "node:url";
import cookie from "@fastify/cookie";
import formbody from "@fastify/formbody";
import helmet from "@fastify/helmet";
import rateLimit from "@fastify/rate-limit";
import fastifyStatic from "@fastify/static";
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest, type RouteOptions } from "fastify";
import type { Config } from "../config.js";
import type { Db } from "../db/index.js";
import { ERRORS, type ErrorCode } from "../errors.js";
import { formatNumber, t } from "../i18n/index.js";
import { ImageLinkSigner, proxyOutsideImages } from "../image-proxy/links.js";
import { registerImageProxy } from "../image-proxy/route.js";
import { csrfBinding, csrfKey, csrfTokenValid, GUEST_CSRF_COOKIE, isGuestCsrfId, makeCsrfToken, newGuestCsrfId } from "./csrf.js";
import { field, parseFormBody } from "./forms-parser.js";
import { Layout } from "./layout.js";
import { databaseRateLimitStore, RateLimitUnavailable, readsOnly, UNAVAILABLE_RETRY_SECONDS } from "./rate-limits.js";
import { guardRoles, type RouteDef } from "./routes.js";
import { SanctionRefusal, sanctionErrorCode, sanctionErrorParams } from "./sanction-page.js";
import { hasAnyRole, isAdminRole, type Sanction, type Viewer } from "./viewer.js";

declare module "fastify" {
  interface FastifyRequest {
    db: Db;
    viewer: Viewer;
    config: Config;
    /** The site banner this page shows (HttpDeps.siteBanner), given the page's form token; null for none. */
    siteBanner: ((csrf: string) => JSX.Element) | null;
  }
  interface FastifyReply {
    /** Sends a full page in the site layout. */
    page(title: string, body: JSX.Element, options?: { status?: number; mainClass?: string }): FastifyReply;
    /** A CSRF token for forms on this page (one per response), bound to the viewer's session or guest id. */
    csrf(): string;
    /**
     * Replaces the guest's CSRF id and forgets this response's token: called when a session starts
     * or ends, so that no token (or planted cookie) from before is accepted after.
     */
    rotateCsrf(): void;
    /** Sends the catalogue's error page (or JSON problem) for a code. */
    error(code: ErrorCode, params?: Record<string, string | number>): FastifyReply;
    /** Refuses a suspended or banned user a contribution (403): why, and until when. */
    sanctioned(sanction: Sanction): FastifyReply;
  }
  interface FastifyContextConfig {
    /** Authenticated by token only, never by the session cookie (the JSON API), so CSRF does not apply. */
    tokenOnly?: boolean;
  }
}

export const SESSION_COOKIE = "fanfold_session";

export interface HttpDeps {
  config: Config;
  db: Db;
  routes: RouteDef[];
  /** Turns a session cookie's token into a viewer (users capability). */
  loadViewer(db: Db, token: string | undefined): Promise<Viewer>;
  /** The Atom feed of the page at a URL (which matched the route pattern `route`), if it has one (feeds capability). */
  feedLinkFor?(url: string, route: string | undefined): { href: string; title: string } | null;
  /**
   * Where a user who holds the admin role must go before an admin page (two-factor set-up, when
   * the archive requires it: users capability), or null to let them through.
   */
  adminGate?(req: FastifyRequest): Promise<string | null>;
  /**
   * The banner at the top of every page for this request's viewer, or null (news capability):
   * asked once for each request of a page route before its guard, so error pages show it too.
   */
  siteBanner?(req: FastifyRequest): Promise<((csrf: string) => JSX.Element) | null>;
  /**
   * Where a logged-in user must go before any page (GET), such as terms they have yet to accept
   * (invitations capability), or null to let them through. It decides itself which pages stay open.
   */
  pageGate?(req: FastifyRequest): Promise<string | null>;
  /** Told of every route as it is registered, plugins' included (the route-table test reads them here). */
  onRoute?(route: RouteOptions): void;
}

/**
 * Browser features no page of the archive uses, switched off for its pages and anything embedded
 * in them. Only features Chromium and Firefox recognise are named: an unknown one is a console error.
 */
export const PERMISSIONS_POLICY = [
  "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media", "geolocation", "gyroscope",
  "magnetometer", "microphone", "midi", "payment", "picture-in-picture", "screen-wake-lock", "usb",
  "xr-spatial-tracking",
].map((feature) => `${feature}=()`).join(", ");

const PUBLIC_DIR = join(fileURLToPath(new URL(".", import.meta.url)), "../../../public");

function wantsJson(req: FastifyRequest): boolean {
  return req.url.startsWith("/api/") || req.url.startsWith("/autocomplete/") || /\.json(\?|$)/.test(req.url);
}

/**
 * TRUST_PROXY for Fastify. A list goes as it is. Fastify no longer takes a hop count (it cannot
 * tell a proxy from a client connecting directly), so a count becomes a function trusting that
 * many hops; the configuration accepts a count only while the archive listens on loopback, where
 * nothing but the machine's own proxy can connect.
 */
function trustProxyOption(trust: Config["trustProxy"]): false | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust !== "number") return trust;
  return trust > 0 ? (_address, hop) => hop < trust : false;
}

/** Builds the Fastify app: security plugins, sessions, error pages, then every route. */
export async function buildHttpServer(deps: HttpDeps): Promise<FastifyInstance> {
  const { config, db } = deps;
  const secureCookies = config.publicUrl.startsWith("https:");
  const app = Fastify({
    logger: process.env.NODE_ENV === "test" || process.env.FANFOLD_QUIET ? false : { level: "warn" },
    bodyLimit: config.bodyLimit,
    // Only the proxies the configuration names: an https PUBLIC_URL says nothing about who may
    // write X-Forwarded-For, and believing a client's own header would undo every per-address limit.
    trustProxy: trustProxyOption(config.trustProxy),
    // AO3 tag URLs escape "/" and "." themselves; anything else must still route.
    routerOptions: { maxParamLength: 1000 },
  });
  // First, so that no route (the static files', the API's) is registered before it listens.
  if (deps.onRoute) app.addHook("onRoute", deps.onRoute);

  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        // With the image proxy on, outside images arrive from our own origin; off, readers'
        // browsers fetch https images from wherever the writer put them.
        imgSrc: config.imageProxy ? ["'self'", "data:"] : ["'self'", "https:", "data:"],
        styleSrc: ["'self'"],
        scriptSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
      },
    },
    hsts: secureCookies,
    // One frame policy: no page may be framed, said the old way for old browsers and the CSP way
    // (frame-ancestors 'none' above) for the rest, the two agreeing.
    xFrameOptions: { action: "deny" },
  });
  app.addHook("onRequest", async (_req, reply) => {
    reply.header("permissions-policy", PERMISSIONS_POLICY);
  });
  await app.register(cookie, { secret: config.secret });
  await app.register(formbody, { parser: parseFormBody, bodyLimit: config.bodyLimit });
  // Every rate limit is counted in the database, shared by all the archive's processes
  // (rate-limits.ts). When the count fails, a route that changes something refuses the request
  // (503: a log-in, sign-up or comment is not let through unchecked), while a read goes through
  // (the limit there guards capacity, not accounts; a page that needs the database fails on its
  // own): each route's limit gets `skipOnError` from its method unless it says otherwise. This
  // hook runs before the plugin's own (hooks run in the order they were added).
  app.addHook("onRoute", (route) => {
    const limit = route.config?.rateLimit;
    if (limit && limit.skipOnError === undefined) route.config = { ...route.config, rateLimit: { ...limit, skipOnError: readsOnly(route.method) } };
  });
  await app.register(rateLimit, {
    global: false,
    store: databaseRateLimitStore(db, app.log),
    errorResponseBuilder: (_req, context) => {
      const error = new Error("rate limited") as Error & { statusCode: number; retryAfter: number };
      error.statusCode = 429;
      error.retryAfter = Math.ceil(context.ttl / 1000);
      return error;
    },
  });
  await app.register(fastifyStatic, { root: PUBLIC_DIR, prefix: "/static/", maxAge: "1h" });

  app.decorateRequest("db", null as unknown as Db);
  app.decorateRequest("viewer", null as unknown as Viewer);
  app.decorateRequest("config", null as unknown as Config);
  app.decorateRequest("siteBanner", null);

  const tokenKey = csrfKey(config.secret);
  const guestCookieOptions = { path: "/", httpOnly: true, sameSite: "lax" as const, secure: secureCookies };
  type CsrfState = { _csrfToken?: string; _guestCsrfId?: string };
  /** The guest id this response works with: the request's, or a new one set as a cookie. */
  function guestIdFor(reply: FastifyReply & CsrfState): string {
    if (reply._guestCsrfId) return reply._guestCsrfId;
    const sent = reply.request.cookies[GUEST_CSRF_COOKIE];
    if (isGuestCsrfId(sent)) return (reply._guestCsrfId = sent);
    reply._guestCsrfId = newGuestCsrfId();
    reply.setCookie(GUEST_CSRF_COOKIE, reply._guestCsrfId, guestCookieOptions);
    return reply._guestCsrfId;
  }
  app.decorateReply("csrf", function (this: FastifyReply) {
    const self = this as FastifyReply & CsrfState;
    const sessionId = this.request.viewer?.sessionId ?? null;
    self._csrfToken ??= makeCsrfToken(tokenKey, csrfBinding(sessionId, sessionId ? undefined : guestIdFor(self))!);
    return self._csrfToken;
  });
  const imageLinks = config.imageProxy ? new ImageLinkSigner(config.secret) : null;
  app.decorateReply("rotateCsrf", function (this: FastifyReply) {
    const self = this as FastifyReply & CsrfState;
    self._csrfToken = undefined;
    self._guestCsrfId = newGuestCsrfId();
    this.setCookie(GUEST_CSRF_COOKIE, self._guestCsrfId, guestCookieOptions);
  });
  app.decorateReply("page", function (this: FastifyReply, title: string, body: JSX.Element, options = {}) {
    const status = options.status ?? 200;
    const feed = status === 200 ? deps.feedLinkFor?.(this.request.url, this.request.routeOptions.url) : null;
    // The page's own address for the footer's report link, without its query (which may carry a
    // secret, such as a setup token). A form's answer, a page whose path is a secret (an
    // unsubscribe link) and the report pages themselves get the plain form.
    const request = this.request;
    const secretPath = request.routeOptions.url?.includes(":token") ?? false;
    const path = request.url.split("?")[0]!;
    const pageUrl = request.method === "GET" && !secretPath && !path.startsWith("/abuse_reports") ? `${config.publicUrl.replace(/\/+$/, "")}${path}` : null;
    const csrf = this.csrf();
    const banner = this.request.siteBanner?.(csrf) ?? "";
    const html = Layout({ title, viewer: this.request.viewer, csrf, mainClass: options.mainClass, feed, pageUrl, banner, children: body });
    // Views are synchronous by rule (no async components), so the layout is always a string.
    if (typeof html !== "string") throw new Error("async view component used in a page");
    return this.code(status)
      .header("content-type", "text/html; charset=utf-8")
      .header("cache-control", "private, no-store")
      .send(imageLinks ? proxyOutsideImages(html, imageLinks) : html);
  });
  app.decorateReply("error", function (this: FastifyReply, code: ErrorCode, params = {}) {
    const entry = ERRORS[code];
    const message = t(entry.message, params);
    if (wantsJson(this.request)) {
      return this.code(entry.status).type("application/problem+json").send({ status: entry.status, code, detail: message });
    }
    return this.page(t("error.title", { status: entry.status }), <ErrorPage status={entry.status} message={message} />, { status: entry.status, mainClass: "error" });
  });

  app.decorateReply("sanctioned", function (this: FastifyReply, sanction: Sanction) {
    const code = sanctionErrorCode(sanction);
    if (wantsJson(this.request)) return this.error(code, sanctionErrorParams(sanction));
    const login = this.request.viewer.user?.login ?? "";
    return this.page(t("error.title", { status: ERRORS[code].status }), <SanctionRefusal sanction={sanction} login={login} />, { status: ERRORS[code].status, mainClass: "error" });
  });

  app.addHook("onRequest", async (req) => {
    req.db = db;
    req.config = config;
    req.viewer = await deps.loadViewer(db, req.cookies[SESSION_COOKIE]);
  });

  // CSRF on every state change (src/platform/http/csrf.ts). It runs as preHandler because the
  // token is in the form body, which is not parsed yet at onRequest.
  // Routes authenticated by token only (the JSON API) are left out: no cookie acts there.
  app.addHook("preHandler", async (req, reply) => {
    if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return;
    if (req.routeOptions.config?.tokenOnly) return;
    const token = field(req.body, "authenticity_token") || (req.headers["x-csrf-token"] as string | undefined);
    const guestId = req.cookies[GUEST_CSRF_COOKIE];
    const binding = csrfBinding(req.viewer.sessionId, isGuestCsrfId(guestId) ? guestId : undefined);
    if (!csrfTokenValid(tokenKey, binding, token)) return reply.error("CSRF_INVALID");
  });

  for (const route of deps.routes) {
    app.route({
      method: route.method,
      url: route.url,
      config: route.rateLimit ? { rateLimit: route.rateLimit } : {},
      preHandler: async (req, reply) => {
        if (req.viewer.user && req.method === "GET" && deps.pageGate) {
          const detour = await deps.pageGate(req);
          if (detour) return reply.redirect(detour, 303);
        }
        if (deps.siteBanner) req.siteBanner = await deps.siteBanner(req);
        // The one place suspensions and bans are enforced on pages: every route that contributes
        // (posting, commenting, kudos, bookmarking, editing, and their forms) says so in its table.
        const sanction = route.contributes ? req.viewer.user?.sanction : null;
        if (sanction) return reply.sanctioned(sanction);
        if (route.guard === "anyone") return;
        if (!req.viewer.user) {
          if (req.method === "GET") return reply.redirect(`/users/login?return_to=${encodeURIComponent(req.url)}`, 303);
          return reply.error("LOGIN_REQUIRED");
        }
        const roles = guardRoles(route.guard);
        if (roles.length && !hasAnyRole(req.viewer, roles)) return reply.error("FORBIDDEN");
        if (roles.some(isAdminRole) && deps.adminGate) {
          const detour = await deps.adminGate(req);
          if (detour) return reply.redirect(detour, 303);
        }
      },
      handler: route.handler,
    });
  }

  if (config.imageProxy) registerImageProxy(app, config);

  app.setNotFoundHandler(async (req, reply) => {
    if (deps.siteBanner && !wantsJson(req)) req.siteBanner = await deps.siteBanner(req);
    return reply.error("NOT_FOUND");
  });
  app.setErrorHandler((error: FastifyError & { retryAfter?: number }, req, reply) => {
    if (error.code === "FST_ERR_CTP_BODY_TOO_LARGE") return reply.error("BODY_TOO_LARGE", { limit: t("ui.kilobytes", { n: formatNumber(Math.round(config.bodyLimit / 1024)) }) });
    if (error instanceof RateLimitUnavailable) {
      reply.header("retry-after", String(UNAVAILABLE_RETRY_SECONDS));
      return reply.error("RATE_LIMIT_UNAVAILABLE");
    }
    if (error.statusCode === 429) {
      reply.header("retry-after", String(error.retryAfter ?? 60));
      return reply.error("RATE_LIMITED", { seconds: error.retryAfter ?? 60 });
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.error(error.statusCode === 404 ? "NOT_FOUND" : "BAD_REQUEST", { detail: error.message });
    }
    req.log.error(error);
    if (!reply.sent) console.error(error);
    return reply.error("INTERNAL");
  });

  return app;
}

function ErrorPage({ status, message }: { status: number; message: string }): JSX.Element {
  return (
    <div class="error-page">
      <h2 class="heading" safe>{t("error.title", { status })}</h2>
      <p safe>{message}</p>
    </div>
  );
}
