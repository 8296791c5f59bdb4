/**
 * The whole route table, read from Fastify itself (every route as it is registered: the
 * capabilities' tables, the JSON API plugin, static files, anything added directly), checked for
 * the two protections every state change needs: the CSRF check and a guard. Metadata is checked
 * first, then behaviour: each state-changing route is actually sent a request without a token,
 * and guests and users without the role actually knock.
 *
 * A route that does without one of them must be in an exemption list below with its reason, and
 * a test shows the reason holds.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { escapeHtml } from "@kitajs/html";
import type { FastifyInstance, LightMyRequestResponse, RouteOptions } from "fastify";
import { Client, testConfig } from "../test/support/app.js";
import { eachDialect } from "../test/support/db.js";
import { makeCreator, makeWork } from "../test/support/factories.js";
import { setSetting } from "./model/archive-settings.js";
import { API_ENDPOINTS } from "./api/routes.js";
import { API_PREFIX } from "./api/views/paths.js";
import { buildApp, ROUTES } from "./app.js";
import type { Db } from "./platform/db/index.js";
import { guardRoles, type Guard, type RouteDef } from "./platform/http/routes.js";
import { SESSION_COOKIE } from "./platform/http/server.js";
import { ROLES } from "./platform/http/viewer.js";
import { t as message } from "./platform/i18n/index.js";
import { createPost as createNewsPost } from "./news/commands.js";
import { createUser } from "./users/commands.js";
import { startSession } from "./users/sessions.js";

/** Methods that only read; everything else changes state and needs both protections. */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * State-changing routes any visitor may use (guard "anyone"), and why. Each still has the CSRF
 * check; "proves the exemption holds" below checks the reasons that can be checked.
 */
const OPEN_TO_ANYONE: Record<string, string> = {
  "POST /users/login": "Logging in is how a guest becomes a user.",
  "POST /users/login/two_factor": "The second step of logging in, for accounts with two-factor on: the signed cookie the right password left is the authority.",
  "POST /users/logout": "Logging out only ever ends the caller's own session, and must work when it has already expired.",
  "POST /signup": "Signing up is how a guest gets an account; the archive's sign-up mode decides whether it is open.",
  "POST /claim/:token": "Taking an imported account: its owner has never logged in here; the one-time token mailed to the account's address is the authority.",
  "POST /setup": "Makes the first admin: there is nobody to log in as yet; the one-time setup token in the form is the authority.",
  "POST /works/:id/kudos": "Guests may leave kudos, as on AO3: one per address, rate limited.",
  "POST /works/:id/comments": "Guests may comment where the work's creator allows guest comments; the work decides.",
  "POST /subscriptions/unsubscribe/:token": "The link in a subscription email works without logging in; the token in the link is the key.",
  "POST /abuse_reports": "Anyone, guests too, may report abuse, as on AO3: rate limited per address, capped per reported page and per email.",
  "POST /admin_posts/:id/comments": "Guests may comment on a news post where the post allows guest comments (as AO3), while its comments are open; the post decides.",
  "POST /banner/dismiss": "Any reader, guests too, may hide the site banner from themselves; it changes nothing but that reader's own cookie (and a user's own account).",
  "POST /invite_requests": "Asking for an invitation is what a guest does before they can have an account; rate limited per address, and only while the archive's waiting list is open.",
};

/**
 * Routes without the CSRF check, by URL prefix, and why. The check is skipped only for routes
 * whose Fastify config says `tokenOnly` (src/platform/http/server.tsx); that must be exactly these.
 */
const CSRF_EXEMPT: { prefix: string; reason: string }[] = [
  {
    prefix: `${API_PREFIX}/`,
    reason: "The JSON API authenticates by bearer token only and never reads the session cookie, so a forged cross-site request carries no one's authority.",
  },
];

interface Registered {
  method: string;
  url: string;
  tokenOnly: boolean;
}

const keyOf = (route: { method: string; url: string }) => `${route.method} ${route.url}`;
const isStateChanging = (route: { method: string }) => !SAFE_METHODS.has(route.method);
const isRealGuard = (guard: Guard) => guard === "anyone" || guard === "user" || (guardRoles(guard).length > 0 && guardRoles(guard).every((role) => (ROLES as readonly string[]).includes(role)));
const PAGE_ROUTES = new Map<string, RouteDef>(ROUTES.map((route) => [keyOf(route), route]));

/** The app, with every route Fastify registered in it (one entry per method). */
async function appWithRouteList(db: Db, url: string): Promise<{ app: FastifyInstance; registered: Registered[] }> {
  const registered: Registered[] = [];
  const onRoute = (route: RouteOptions) => {
    for (const method of [route.method].flat()) registered.push({ method, url: route.url ?? "", tokenOnly: Boolean(route.config?.tokenOnly) });
  };
  const app = await buildApp(testConfig(url), db, { onRoute });
  await app.ready();
  return { app, registered };
}

/** A concrete URL for a route pattern: ids that name nothing, the acting user's own login. */
function concrete(pattern: string, login: string): string {
  return pattern.replace(/:(\w+)/g, (_whole, name: string) => {
    if (name === "login") return login;
    if (name === "name") return "No%20Such%20Tag";
    if (name === "token") return "no-such-token";
    return "999999";
  });
}

/** A browser logged in as a user with `roles` through a fresh session (no password hashing), holding a form token. */
async function browserAs(app: FastifyInstance, db: Db, userId: number): Promise<Client> {
  const client = new Client(app);
  client.cookies.set(SESSION_COOKIE, await startSession(db, userId, 1));
  await client.get("/users/login");
  assert.ok(client.csrf, "a page hands out a form token");
  return client;
}

async function userWith(db: Db, login: string, roles: (typeof ROLES)[number][]): Promise<number> {
  const made = await createUser(db, { login, email: `${login}@example.org`, password: "route table password", roles });
  assert.ok(made.ok);
  return made.value.id;
}

const says = (res: LightMyRequestResponse, key: Parameters<typeof message>[0]) => res.body.includes(escapeHtml(message(key)));

test("every route is in a table; every state change has the CSRF check and a real guard, or a listed exemption", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, registered } = await appWithRouteList(db, url);
    const registeredKeys = new Set(registered.map(keyOf));

    // The listing really is complete: every table entry was seen as it was registered.
    for (const route of ROUTES) assert.ok(registeredKeys.has(keyOf(route)), `page route ${keyOf(route)} seen`);
    for (const endpoint of API_ENDPOINTS) assert.ok(registeredKeys.has(`${endpoint.method} ${API_PREFIX}${endpoint.url}`), `API endpoint ${endpoint.operationId} seen`);

    for (const route of ROUTES) assert.ok(isRealGuard(route.guard), `${keyOf(route)}: guard "${String(route.guard)}" is "anyone", "user" or one of the roles ${ROLES.join(", ")}`);

    const changing = registered.filter(isStateChanging);
    assert.ok(changing.length >= 50, `the archive has many state-changing routes (found ${changing.length})`);
    const openToAnyone = new Set<string>();
    for (const route of changing) {
      const key = keyOf(route);
      const exemption = CSRF_EXEMPT.find((e) => route.url.startsWith(e.prefix));
      if (route.tokenOnly) {
        assert.ok(exemption, `${key} skips the CSRF check but is under no exempt prefix`);
        // The API's guard is its access level: a state change needs a token.
        const endpoint = API_ENDPOINTS.find((e) => `${e.method} ${API_PREFIX}${e.url}` === key);
        assert.ok(endpoint, `${key}: token-only, so it must be one of the API's endpoints`);
        assert.notEqual(endpoint.access, "public", `${key} changes state, so it needs a token`);
        continue;
      }
      assert.equal(exemption, undefined, `${key} is under ${exemption?.prefix} but is not token-only: the CSRF check would apply to half a rule`);
      const page = PAGE_ROUTES.get(key);
      assert.ok(page, `${key} was registered outside the route tables (src/*/routes.ts), so nothing states its guard`);
      if (page.guard === "anyone") {
        assert.ok(OPEN_TO_ANYONE[key], `${key} changes state with no guard: give it one, or list it in OPEN_TO_ANYONE with the reason`);
        openToAnyone.add(key);
      }
    }
    assert.deepEqual([...openToAnyone].sort(), Object.keys(OPEN_TO_ANYONE).sort(), "every OPEN_TO_ANYONE entry is a route still open to anyone");
    await app.close();
  });
});

test("every state-changing page route refuses a request without this browser's form token", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, registered } = await appWithRouteList(db, url);
    // An admin holds every role, so no guard stands between the request and the CSRF check.
    const adminId = await userWith(db, "route_admin", ["admin"]);
    const checked = registered.filter((route) => isStateChanging(route) && !route.tokenOnly);
    assert.ok(checked.length > 40);
    for (const route of checked) {
      const target = concrete(route.url, "route_admin");
      // A fresh session each time: one of these routes is log-out.
      const browser = await browserAs(app, db, adminId);
      const missing = await browser.post(target, {}, { csrf: false });
      assert.equal(missing.statusCode, 403, `${keyOf(route)} without a token`);
      assert.ok(says(missing, "error.CSRF_INVALID"), `${keyOf(route)}: refused as a CSRF failure`);
      const forged = await browser.post(target, { authenticity_token: "forged" }, { csrf: false });
      assert.ok(forged.statusCode === 403 && says(forged, "error.CSRF_INVALID"), `${keyOf(route)} with a made-up token`);
      // The control: with the page's token the same request gets past the check (and the
      // handler copes with an empty form and ids that name nothing).
      const sent = await browser.post(target, {});
      assert.ok(!says(sent, "error.CSRF_INVALID"), `${keyOf(route)} with the form's token is not refused as CSRF`);
      assert.ok(sent.statusCode < 500, `${keyOf(route)} with an empty form answered ${sent.statusCode}`);
    }
    await app.close();
  });
});

test("guards by behaviour: guests are asked to log in, users without the role are refused, holders pass", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app } = await appWithRouteList(db, url);
    const plainId = await userWith(db, "route_plain", []);
    const holders = new Map<string, number>();
    for (const role of ROLES) holders.set(role, await userWith(db, `route_${role}`, [role]));

    const guest = new Client(app);
    await guest.get("/users/login"); // a real form token: only the guard can refuse
    for (const route of ROUTES) {
      const key = keyOf(route);
      const asGuest = route.method === "GET" ? await guest.get(concrete(route.url, "route_plain")) : await guest.post(concrete(route.url, "route_plain"), {});
      if (route.guard === "anyone") {
        assert.ok(!says(asGuest, "error.LOGIN_REQUIRED"), `${key} is open to anyone, yet asked a guest to log in`);
        assert.ok(asGuest.statusCode < 500, `${key} as a guest answered ${asGuest.statusCode}`);
        continue;
      }
      if (route.method === "GET") {
        assert.equal(asGuest.statusCode, 303, `${key}: a guest is sent to log in`);
        assert.match(String(asGuest.headers.location), /^\/users\/login\?return_to=/);
      } else {
        assert.equal(asGuest.statusCode, 401, `${key}: a guest is refused`);
        assert.ok(says(asGuest, "error.LOGIN_REQUIRED"), `${key}: and told to log in`);
      }
      if (route.guard === "user") continue;

      const allowed = guardRoles(route.guard);
      const plain = await browserAs(app, db, plainId);
      const without = route.method === "GET" ? await plain.get(concrete(route.url, "route_plain")) : await plain.post(concrete(route.url, "route_plain"), {});
      assert.equal(without.statusCode, 403, `${key}: a user without the ${allowed.join("/")} role is refused`);
      assert.ok(says(without, "error.FORBIDDEN"), `${key}: as forbidden`);
      for (const role of ROLES) {
        // Someone holding exactly one role gets past the guard if it names that role (or the role
        // is the superadmin's), and is refused otherwise: each admin role only on its own pages.
        const holder = await browserAs(app, db, holders.get(role)!);
        const asHolder = route.method === "GET" ? await holder.get(concrete(route.url, `route_${role}`)) : await holder.post(concrete(route.url, `route_${role}`), {});
        assert.ok(asHolder.statusCode < 500, `${key}: a ${role} got ${asHolder.statusCode}`);
        if (role === "admin" || allowed.includes(role)) {
          assert.ok(asHolder.statusCode !== 401 && !says(asHolder, "error.FORBIDDEN"), `${key}: a ${role} passes (answered ${asHolder.statusCode})`);
        } else {
          assert.equal(asHolder.statusCode, 403, `${key}: a ${role} is refused (the guard names ${allowed.join(", ")})`);
        }
      }
    }
    await app.close();
  });
});

test("the exemptions hold: the API ignores cookies, and each open route has its own key", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app } = await appWithRouteList(db, url);
    const userId = await userWith(db, "route_reader", []);
    const browser = await browserAs(app, db, userId);
    const cookie = [...browser.cookies].map(([k, v]) => `${k}=${v}`).join("; ");

    // CSRF_EXEMPT (the API): a logged-in browser's cookies, even with a valid form token, are
    // no credential there. Every state-changing endpoint asks for a token and changes nothing.
    const me = await app.inject({ method: "GET", url: `${API_PREFIX}/me`, headers: { cookie } });
    assert.equal(me.statusCode, 401, "the session cookie does not say who calls the API");
    for (const endpoint of API_ENDPOINTS.filter(isStateChanging)) {
      const res = await app.inject({
        method: endpoint.method,
        url: concrete(`${API_PREFIX}${endpoint.url}`, "route_reader"),
        headers: { cookie, "x-csrf-token": browser.csrf, "content-type": "application/json" },
        payload: "{}",
      });
      assert.equal(res.statusCode, 401, `${endpoint.method} ${endpoint.url} with cookies only`);
      assert.equal(JSON.parse(res.body).code, "TOKEN_REQUIRED");
    }

    // OPEN_TO_ANYONE: the routes whose reason names another key are refused without it.
    const guest = new Client(app);
    await guest.get("/users/login");
    const wrongSetup = await guest.post("/setup", { token: "not-the-setup-token", "user[login]": "intruder", "user[email]": "i@example.org", "user[password]": "a long enough password", "user[password_confirmation]": "a long enough password" });
    assert.equal(wrongSetup.statusCode, 404, "the setup form needs the setup token");
    assert.equal((await guest.post("/subscriptions/unsubscribe/no-such-token", {})).statusCode, 404, "unsubscribing needs the link's token");

    const { pseudId } = await makeCreator(db, "route_creator");
    const workId = await makeWork(db, pseudId); // comments from registered users only
    const comment = await guest.post(`/works/${workId}/comments`, { "comment[name]": "Passer-by", "comment[email]": "p@example.org", "comment[content]": "Lovely." });
    assert.equal(comment.statusCode, 403, "the work decides whether guests may comment");
    const newsId = await createNewsPost(db, userId, { title: "News", content: "<p>News.</p>", tags: [], commentPermission: "users" });
    const newsComment = await guest.post(`/admin_posts/${newsId}/comments`, { "comment[name]": "Passer-by", "comment[email]": "p@example.org", "comment[comment_content]": "Lovely." });
    assert.equal(newsComment.statusCode, 403, "the news post decides whether guests may comment");
    assert.equal((await guest.post(`/works/${workId}/kudos`, {})).statusCode, 303);
    assert.equal((await guest.post(`/works/${workId}/kudos`, {})).statusCode, 303);
    assert.equal((await db.selectFrom("kudos").select("id").where("work_id", "=", workId).execute()).length, 1, "one guest kudos per address");

    await setSetting(db, "signup_mode", "closed");
    const signup = await guest.post("/signup", { "user[login]": "late_comer", "user[email]": "l@example.org", "user[password]": "a long enough password", "user[password_confirmation]": "a long enough password" });
    assert.equal(signup.statusCode, 403, "the sign-up mode decides");
    assert.equal((await db.selectFrom("comments").select("id").execute()).length, 0);
    assert.equal((await db.selectFrom("admin_post_comments").select("id").execute()).length, 0);
    assert.equal((await db.selectFrom("users").select("id").where("login", "in", ["intruder", "late_comer"]).execute()).length, 0);
    await app.close();
  });
});
