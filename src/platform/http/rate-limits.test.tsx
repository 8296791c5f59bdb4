import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { createServer, type Server, Socket } from "node:net";
import { join } from "node:path";
import { test } from "node:test";
import SqliteDatabase from "better-sqlite3";
import type { FastifyInstance } from "fastify";
import { Kysely, SqliteDialect, sql } from "kysely";
import { Client, testConfig } from "../../../test/support/app.js";
import { eachDialect, openTestDb } from "../../../test/support/db.js";
import { buildApp } from "../../app.js";
import { type Db, openDatabase } from "../db/index.js";
import type { Database } from "../db/tables.js";
import { countHit, peekHits, RateLimitUnavailable, sweepExpiredRateLimits } from "./rate-limits.js";
import { get, post } from "./routes.js";
import { buildHttpServer } from "./server.js";
import { GUEST } from "./viewer.js";

const T0 = Date.parse("2025-03-01T12:00:00.000Z");

test("countHit: a fixed window per key begun by its first hit, its end as the wait, a new window after it; peekHits counts nothing; a sweep deletes only ended windows", async (t) => {
  await eachDialect(t, async (_t, { db, dialect }) => {
    assert.deepEqual(await countHit(db, "login|192.0.2.1", 20_000, T0), { hits: 1, ttlMs: 20_000 });
    if (dialect === "sqlite") {
      // A hit commits without waiting for the disk; the connection is back to FULL for everything else.
      const { rows } = await sql<{ synchronous: number }>`pragma synchronous`.execute(db);
      assert.equal(rows[0]?.synchronous, 2);
    }
    assert.deepEqual(await countHit(db, "login|192.0.2.1", 20_000, T0 + 5_000), { hits: 2, ttlMs: 15_000 }, "the window keeps its end");
    assert.deepEqual(await countHit(db, "login|192.0.2.1", 20_000, T0 + 19_999), { hits: 3, ttlMs: 1 });
    assert.deepEqual(await countHit(db, "login|192.0.2.2", 20_000, T0 + 6_000), { hits: 1, ttlMs: 20_000 }, "another key counts apart");
    assert.deepEqual(await peekHits(db, "login|192.0.2.1", T0 + 10_000), { hits: 3, ttlMs: 10_000 });
    assert.deepEqual(await peekHits(db, "login|192.0.2.1", T0 + 10_000), { hits: 3, ttlMs: 10_000 }, "a look counts nothing");
    assert.deepEqual(await peekHits(db, "nobody", T0), { hits: 0, ttlMs: 0 });

    // At its end the window is over: a look sees nothing, the next hit starts a new window at 1.
    assert.deepEqual(await peekHits(db, "login|192.0.2.1", T0 + 20_000), { hits: 0, ttlMs: 0 });
    assert.deepEqual(await countHit(db, "login|192.0.2.1", 20_000, T0 + 20_000), { hits: 1, ttlMs: 20_000 });
    assert.deepEqual(await countHit(db, "login|192.0.2.1", 20_000, T0 + 21_000), { hits: 2, ttlMs: 19_000 });

    // A window of another length (an endpoint's own limit) under its own key.
    assert.deepEqual(await countHit(db, "api|token:1", 60_000, T0 + 21_000), { hits: 1, ttlMs: 60_000 });

    // At T0 + 30 s: 192.0.2.2's window (ends T0 + 26 s) is over, the others are not.
    assert.equal(await sweepExpiredRateLimits(db, T0 + 30_000), 1);
    const left = (await db.selectFrom("rate_limits").select(["key", "hits", "expires_at"]).execute()).sort((a, b) => a.key.localeCompare(b.key));
    assert.deepEqual(left, [
      { key: "api|token:1", hits: 1, expires_at: "2025-03-01T12:01:21.000Z" },
      { key: "login|192.0.2.1", hits: 2, expires_at: "2025-03-01T12:00:40.000Z" },
    ]);
  });
});

test("countHit is atomic across connections: 200 hits at once from two connection pools on one database each get their own count", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const other = openDatabase(url);
    try {
      const now = Date.now();
      const counts = await Promise.all(Array.from({ length: 200 }, (_, i) => countHit(i % 2 ? other : db, "signup|198.51.100.7", 3_600_000, now)));
      assert.deepEqual(
        counts.map((c) => c.hits).sort((a, b) => a - b),
        Array.from({ length: 200 }, (_, i) => i + 1),
      );
      assert.equal((await peekHits(db, "signup|198.51.100.7", now)).hits, 200);
    } finally {
      await other.destroy();
    }
  });
});

/** A guest at an address of its own, logging in with unknown logins (so no account's own limit is involved). */
function guestAt(app: FastifyInstance, address: string): Client {
  return new Client({ inject: (options: object) => app.inject({ ...options, remoteAddress: address }) } as unknown as FastifyInstance);
}

test("the route table's limits are counted in the database: two apps, each with its own connections to one database, share the five log-ins in 20 seconds per address", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const otherDb = openDatabase(url);
    const apps = [await buildApp(testConfig(url), db), await buildApp(testConfig(url), otherDb)];
    try {
      // One browser whose requests a proxy spreads over the two processes, alternating.
      const browsers = apps.map((app) => guestAt(app, "203.0.113.9"));
      await browsers[0]!.get("/users/login");
      browsers[1]!.cookies = browsers[0]!.cookies;
      browsers[1]!.csrf = browsers[0]!.csrf;
      const answers = [];
      for (let i = 0; i < 6; i++) answers.push(await browsers[i % 2]!.post("/users/login", { "user[login]": `nobody_${i}`, "user[password]": "guess" }));
      assert.deepEqual(answers.map((a) => a.statusCode), [401, 401, 401, 401, 401, 429]);
      assert.deepEqual(answers.slice(0, 5).map((a) => a.headers["x-ratelimit-remaining"]), ["4", "3", "2", "1", "0"], "each app sees the other's count");
      const limited = answers[5]!;
      const wait = Number(limited.headers["retry-after"]);
      assert.ok(wait >= 1 && wait <= 20, `Retry-After ${wait} is what is left of the 20-second window`);
      assert.match(limited.body, new RegExp(`Please wait ${wait} seconds`));

      // Another address has its own count; the same address on another limited route too.
      assert.equal((await guestAt(apps[0]!, "203.0.113.10").post("/users/login", { "user[login]": "nobody", "user[password]": "guess" })).statusCode, 401);
      assert.notEqual((await browsers[1]!.post("/signup", { "user[login]": "" })).statusCode, 429);

      // The JSON API's limiter counts in the same table, under its own name.
      await apps[1]!.inject({ method: "GET", url: "/api/v1/users/nobody", remoteAddress: "203.0.113.9" });
      const keys = (await db.selectFrom("rate_limits").select(["key", "hits"]).execute()).map((r) => `${r.key} ${r.hits}`).sort();
      assert.deepEqual(keys, ["POST /signup|203.0.113.9 1", "POST /users/login|203.0.113.10 1", "POST /users/login|203.0.113.9 6", "api|ip:203.0.113.9 1"]);
    } finally {
      for (const app of apps) await app.close();
      await otherDb.destroy();
    }
  });
});

/** A small app over `db` with one limited read and one limited write (two a minute each), declared as the route table declares them. */
async function limitedApp(db: Db, url: string): Promise<FastifyInstance> {
  const limit = { max: 2, timeWindow: 60_000 };
  return buildHttpServer({
    config: testConfig(url),
    db,
    loadViewer: async () => GUEST,
    routes: [
      get("/form", async (_req, reply) => reply.page("Form", <p>form</p>)),
      get("/read", async (_req, reply) => reply.send("read"), { rateLimit: limit }),
      post("/write", async (_req, reply) => reply.send("written"), { rateLimit: limit }),
    ],
  });
}

/** A TCP relay in front of PostgreSQL whose connections the test can cut. */
async function relayTo(port: number): Promise<{ port: number; dropOnNextQuery(): void; refuse(): Promise<void>; accept(): Promise<void>; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let dropNext = false;
  let server: Server;
  let listenPort = 0;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = new Socket().connect(port, "127.0.0.1");
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on("error", () => {});
          s.on("close", () => sockets.delete(s));
        }
        client.on("data", (chunk) => {
          if (dropNext) {
            // The connection is lost in the middle of the query: neither side hears another byte.
            dropNext = false;
            client.destroy();
            upstream.destroy();
            return;
          }
          upstream.write(chunk);
        });
        upstream.on("data", (chunk) => client.write(chunk));
        client.on("close", () => upstream.destroy());
        upstream.on("close", () => client.destroy());
      });
      server.listen(listenPort, "127.0.0.1", () => {
        listenPort = (server.address() as { port: number }).port;
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  await listen();
  return { port: listenPort, dropOnNextQuery: () => (dropNext = true), refuse: stop, accept: listen, close: stop };
}

test("a database failing during a limit check fails that request with a clear 503 when it changes something, lets a read through, and the process serves on", async (t) => {
  await eachDialect(t, async (_t, { url, dialect }) => {
    let db: Db;
    let breakIt: () => Promise<void>;
    let mendIt: () => Promise<void>;
    let dropMidQuery: (() => void) | null = null;
    let cleanUp: () => Promise<void>;
    if (dialect === "postgres") {
      // The app reaches PostgreSQL through a relay: its connection is cut mid-query, then refused.
      const target = new URL(url);
      const relay = await relayTo(Number(target.port || 5432));
      target.port = String(relay.port);
      db = openDatabase(target.toString());
      dropMidQuery = relay.dropOnNextQuery;
      breakIt = relay.refuse;
      mendIt = relay.accept;
      cleanUp = async () => {
        await db.destroy();
        await relay.close().catch(() => {});
      };
    } else {
      // SQLite has no connection to lose; its failure is the file being locked by another
      // process's long write (here with a short busy timeout, so the test does not wait 5 s).
      const file = new SqliteDatabase(url.slice("sqlite:".length));
      file.pragma("busy_timeout = 100");
      db = new Kysely<Database>({ dialect: new SqliteDialect({ database: file }) });
      const locker = new SqliteDatabase(url.slice("sqlite:".length));
      breakIt = async () => void locker.exec("begin exclusive");
      mendIt = async () => void locker.exec("rollback");
      cleanUp = async () => {
        await db.destroy();
        locker.close();
      };
    }
    // Quiet: the pool says so on standard error when a connection is lost, as it should.
    const quiet = t.mock.method(console, "error", () => {});
    const app = await limitedApp(db, url);
    try {
      const browser = new Client(app);
      await browser.get("/form");
      assert.equal((await browser.post("/write", {})).statusCode, 200);

      if (dropMidQuery) {
        dropMidQuery();
        const cut = await browser.post("/write", {});
        assert.equal(cut.statusCode, 503, "the connection lost during the count fails the request");
        assert.match(cut.body, /could not check how often this was tried just now, because its database did not answer/);
        assert.equal(cut.headers["retry-after"], "5");
      }

      await breakIt();
      const refused = await browser.post("/write", {});
      assert.equal(refused.statusCode, 503, "a write is not let through unchecked");
      assert.match(refused.body, /could not check how often this was tried just now/);
      assert.equal(refused.headers["retry-after"], "5");
      const read = await app.inject({ method: "GET", url: "/read" });
      assert.equal(read.statusCode, 200, "a read goes through");
      assert.equal(read.body, "read");

      await mendIt();
      assert.equal((await browser.post("/write", {})).statusCode, 200, "the same process serves on once the database is back");
      assert.equal((await browser.post("/write", {})).statusCode, 429, "and counts again (the failed attempts were not counted)");
    } finally {
      quiet.mock.restore();
      await app.close();
      await cleanUp();
    }
  });
});

test("the JSON API when its count fails: a write is refused with a 503 problem, a read goes through", async (t) => {
  // The API's limiter is the same store and counting (tested on both databases above); its own
  // part is the choice by method and the problem+json answer, shown here on a locked SQLite file.
  const test = await openTestDb("sqlite", t);
  if (!test) return;
  const file = new SqliteDatabase(test.url.slice("sqlite:".length));
  file.pragma("busy_timeout = 100");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: file }) });
  const locker = new SqliteDatabase(test.url.slice("sqlite:".length));
  const app = await buildApp(testConfig(test.url), db);
  try {
    locker.exec("begin exclusive");
    const write = await app.inject({ method: "POST", url: "/api/v1/works", payload: {} });
    assert.equal(write.statusCode, 503);
    assert.equal(write.headers["content-type"], "application/problem+json; charset=utf-8");
    assert.equal(write.json().code, "RATE_LIMIT_UNAVAILABLE");
    assert.equal(write.headers["retry-after"], "5");
    const read = await app.inject({ method: "GET", url: "/api/v1/users/nobody" });
    assert.equal(read.statusCode, 404, "the read went through to its endpoint");
    assert.equal(read.json().code, "NOT_FOUND");
    locker.exec("rollback");
    assert.equal((await app.inject({ method: "POST", url: "/api/v1/works", payload: {} })).json().code, "TOKEN_REQUIRED");
  } finally {
    await app.close();
    await db.destroy();
    locker.close();
    await test.close();
  }
});

test("every limit is counted in the database: @fastify/rate-limit is registered once, with the database store, and nothing else imports it", () => {
  const root = join(import.meta.dirname, "../..");
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name)) files.push(path);
    }
  };
  walk(root);
  const importers = files.filter((f) => /from "@fastify\/rate-limit"/.test(readFileSync(f, "utf8"))).map((f) => f.slice(root.length + 1)).sort();
  assert.deepEqual(importers, ["platform/http/rate-limits.ts", "platform/http/server.tsx"]);
  const server = readFileSync(join(root, "platform/http/server.tsx"), "utf8");
  assert.equal(server.match(/app\.register\(rateLimit,/g)?.length, 1);
  assert.match(server, /app\.register\(rateLimit, \{[^}]*store: databaseRateLimitStore\(db, app\.log\)/);
});

test("RateLimitUnavailable says what failed", () => {
  const error = new RateLimitUnavailable(new Error("Connection terminated unexpectedly"));
  assert.equal(error.statusCode, 503);
  assert.equal(error.message, "The rate limit could not be checked: Connection terminated unexpectedly");
});
