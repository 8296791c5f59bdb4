import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { buildApp } from "../../src/app.js";
import type { Config } from "../../src/platform/config.js";
import type { Db } from "../../src/platform/db/index.js";
import { SESSION_COOKIE } from "../../src/platform/http/server.js";
import { createUser } from "../../src/users/commands.js";

/** A configuration for tests: nothing read from the environment. */
export function testConfig(databaseUrl: string, overrides: Partial<Config> = {}): Config {
  return {
    host: "127.0.0.1",
    port: 0,
    databaseUrl,
    dataDir: "/nonexistent-test-data",
    publicUrl: "http://127.0.0.1:3000",
    secret: "test-secret-test-secret-test-secret",
    bodyLimit: 8 * 1024 * 1024,
    sessionDays: 30,
    smtpUrl: null,
    mailFrom: "Fanfold <noreply@127.0.0.1>",
    locale: "en",
    trustProxy: false,
    imageProxy: true,
    imageProxyCacheMb: 8,
    legacyPathPrefix: "",
    ...overrides,
  };
}

/**
 * A browser-like client over `app.inject`: keeps cookies, reads the CSRF token from each page,
 * and submits forms the way a browser would (urlencoded, with the page's token).
 */
export class Client {
  cookies = new Map<string, string>();
  csrf = "";
  /** `address`: the client's IP address as the app sees it (per-address limits), 127.0.0.1 by default. */
  constructor(
    readonly app: FastifyInstance,
    readonly address?: string,
  ) {}

  private remember(res: LightMyRequestResponse) {
    // Tokens are bound to the session: a log-in or log-out makes the last page's token stale, and
    // a browser would show a new page (with a new token) before the next form.
    if ((res.cookies as { name: string }[]).some((c) => c.name === SESSION_COOKIE)) this.csrf = "";
    for (const cookie of res.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      if (cookie.value === "" || (cookie.expires && cookie.expires.getTime() < Date.now())) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
    const token = /name="csrf-token" content="([^"]+)"/.exec(res.body);
    if (token) this.csrf = token[1]!;
  }

  private cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  async get(url: string): Promise<LightMyRequestResponse> {
    const res = await this.app.inject({ method: "GET", url, headers: { cookie: this.cookieHeader() }, remoteAddress: this.address });
    this.remember(res);
    return res;
  }

  /** POSTs a form; the CSRF token from the last page is added unless `csrf: false`. */
  async post(url: string, form: Record<string, string | string[]>, options: { csrf?: boolean } = {}): Promise<LightMyRequestResponse> {
    if (!this.csrf && options.csrf !== false) await this.get("/users/login");
    const params = new URLSearchParams();
    if (options.csrf !== false) params.append("authenticity_token", this.csrf);
    for (const [key, value] of Object.entries(form)) for (const v of Array.isArray(value) ? value : [value]) params.append(key, v);
    const res = await this.app.inject({
      method: "POST",
      url,
      payload: params.toString(),
      headers: { cookie: this.cookieHeader(), "content-type": "application/x-www-form-urlencoded" },
      remoteAddress: this.address,
    });
    this.remember(res);
    return res;
  }

  async logIn(login: string, password: string): Promise<LightMyRequestResponse> {
    await this.get("/users/login");
    return this.post("/users/login", { "user[login]": login, "user[password]": password });
  }
}

/** A new account (its email LOGIN@example.com) logged in through the form, in a client of its own. */
export async function loggedInUser(app: FastifyInstance, db: Db, login: string, roles: string[] = []): Promise<{ client: Client; userId: number; pseudId: number }> {
  const password = "reader password 1";
  const made = await createUser(db, { login, email: `${login}@example.com`, password });
  if (!made.ok) throw new Error(`could not create ${login}`);
  for (const role of roles) await db.insertInto("user_roles").values({ user_id: made.value.id, role }).execute();
  const pseud = await db.selectFrom("pseuds").select("id").where("user_id", "=", made.value.id).executeTakeFirstOrThrow();
  const client = new Client(app);
  await client.logIn(login, password);
  return { client, userId: made.value.id, pseudId: pseud.id };
}

/** Builds the app over a test database and a user to act as. */
export async function appWithUser(db: Db, url: string, login = "writer", password = "correct horse battery") {
  const app = await buildApp(testConfig(url), db);
  const user = await createUser(db, { login, email: `${login}@example.com`, password });
  if (!user.ok) throw new Error("could not create test user");
  const pseud = await db.selectFrom("pseuds").select("id").where("user_id", "=", user.value.id).executeTakeFirstOrThrow();
  return { app, userId: user.value.id, pseudId: pseud.id, login, password };
}

/** A sign-up (or setup) form for LOGIN with a valid email and password; `overrides` replace fields. */
export function signupForm(login: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    "user[login]": login,
    "user[email]": `${login}@example.org`,
    "user[password]": "a long enough password",
    "user[password_confirmation]": "a long enough password",
    // The terms of service, the privacy policy and the minimum age, all accepted.
    "user[terms_of_service]": "1",
    "user[privacy_policy]": "1",
    "user[age_confirmed]": "1",
    ...overrides,
  };
}

/** A complete valid work form, to override field by field. */
export function workForm(pseudId: number, overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    "work[pseud_ids][]": [String(pseudId)],
    "work[title]": "A Test of Tides",
    "work[rating]": "General Audiences",
    "work[warnings][]": ["No Archive Warnings Apply"],
    "work[categories][]": ["Gen"],
    "work[fandoms]": "Original Work",
    "work[relationships]": "",
    "work[characters]": "Mira Okonkwo, The Lighthouse Keeper",
    "work[freeforms]": "Sea, Friendship",
    "work[language]": "en",
    "work[summary]": "A keeper and a storm.",
    "work[notes]": "",
    "work[endnotes]": "",
    "work[comment_permission]": "registered",
    "work[expected_chapters]": "1",
    "chapter[title]": "",
    "chapter[content]": "The lamp turned all night.\n\nBy morning the sea was glass.",
    commit: "Post",
    ...overrides,
  };
}

/** assert.match without pasting a whole page into the failure: shows the pattern and a short excerpt. */
export function assertMatch(html: string, pattern: RegExp, label = ""): void {
  if (!pattern.test(html)) {
    const main = html.indexOf("<main");
    const excerpt = html.slice(main >= 0 ? main : 0, (main >= 0 ? main : 0) + 1500);
    throw new Error(`${label ? `${label}: ` : ""}expected ${pattern} in the page. Main content begins:\n${excerpt}`);
  }
}

/** The id in a 303 redirect to `/works/ID` (or, with `chapter`, to `/works/W/chapters/ID`). */
export function redirectedId(res: { statusCode: number; headers: Record<string, unknown> }, kind: "work" | "chapter" = "work"): number {
  if (res.statusCode !== 303) throw new Error(`expected a 303 redirect, got ${res.statusCode}`);
  const pattern = kind === "work" ? /^\/works\/(\d+)$/ : /^\/works\/\d+\/chapters\/(\d+)$/;
  const match = pattern.exec(String(res.headers.location));
  if (!match) throw new Error(`unexpected redirect ${String(res.headers.location)}`);
  return Number(match[1]);
}
