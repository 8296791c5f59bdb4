import assert from "node:assert/strict";
import { test } from "node:test";
import { eachDialect } from "./support/db.js";
import { serveInChildProcess } from "./support/serve.js";

/**
 * The proof that rate limits hold across processes: two `fanfold serve` processes over one
 * database (PostgreSQL, and one SQLite file), each with its own connections, share one SECRET (so
 * a form from one is accepted by the other, as behind a load balancer). Log-ins from one address
 * alternate between them: the sixth within 20 seconds fails whichever process gets it.
 */
test("two serving processes on one database: the sixth log-in within 20 seconds from one address fails whichever process gets it", async (t) => {
  await eachDialect(t, async (st, { url }) => {
    const env = { SECRET: "a secret both processes share, long enough" };
    const servers = await Promise.all([serveInChildProcess(st, url, env), serveInChildProcess(st, url, env)]);
    assert.notEqual(servers[0], servers[1]);

    // The log-in form from the first process: its guest cookie and form token.
    const page = await fetch(`${servers[0]}/users/login`);
    const cookie = page.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    const token = /name="csrf-token" content="([^"]+)"/.exec(await page.text())?.[1];
    assert.ok(token && cookie, "a form token and its guest cookie");

    const logIn = async (server: string, i: number) => {
      const res = await fetch(`${server}/users/login`, {
        method: "POST",
        redirect: "manual",
        headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
        // Unknown logins: no account's own log-in protection is involved, only the per-address limit.
        body: new URLSearchParams({ authenticity_token: token, "user[login]": `nobody_${i}`, "user[password]": "a guess" }).toString(),
      });
      return { server, status: res.status, retryAfter: res.headers.get("retry-after"), body: await res.text() };
    };
    const started = Date.now();
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await logIn(servers[i % 2]!, i));
    const seconds = (Date.now() - started) / 1000;
    assert.deepEqual(
      answers.map((a) => a.status),
      [401, 401, 401, 401, 401, 429],
      `five refused as wrong, the sixth (to the second process) limited; took ${seconds} s`,
    );
    const wait = Number(answers[5]!.retryAfter);
    assert.ok(wait >= 1 && wait <= 20, `Retry-After ${wait} s`);
    assert.match(answers[5]!.body, /Too many attempts in a short time/);
    // And the first process, which counted only three of them itself, refuses too.
    assert.equal((await logIn(servers[0]!, 6)).status, 429);
  });
});
