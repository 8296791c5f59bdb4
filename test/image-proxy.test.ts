/**
 * The image proxy through the whole archive: pages point outside images at it while stored text,
 * downloads and the API keep the writer's addresses; the proxy serves images under safe headers
 * and refuses internal targets with a 4xx. Every server here is local; nothing reaches outside.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { buildApp } from "../src/app.js";
import { ImageLinkSigner } from "../src/platform/image-proxy/links.js";
import { testConfig } from "./support/app.js";
import { eachDialect } from "./support/db.js";
import { makeCreator, makeWork } from "./support/factories.js";
import { proxyTestServers, TINY_PNG } from "./support/image-proxy.js";

const SECRET = testConfig("sqlite::memory:").secret;
const signer = new ImageLinkSigner(SECRET);

const imgSources = (html: string) => [...html.matchAll(/<img\b[^>]*\ssrc="([^"]*)"/g)].map((m) => m[1]!.replace(/&amp;/g, "&"));

function cspDirective(csp: string, name: string): string[] {
  const directive = csp.split(";").map((d) => d.trim().split(/\s+/)).find(([n]) => n === name);
  return directive ? directive.slice(1) : [];
}

describe("the image proxy in the archive", () => {
  let servers: Awaited<ReturnType<typeof proxyTestServers>>;
  before(async () => {
    servers = await proxyTestServers();
  });
  after(async () => {
    assert.equal(servers.internal.hits(), 0, "the internal server was never reached");
    await servers.close();
  });

  test("pages show outside images through the proxy; stored text, downloads and the API keep the originals", async (t) => {
    await eachDialect(t, async (_t, { db, url }) => {
      const cat = `http://127.0.0.1:${servers.images.port}/cat.png`;
      const outside = "https://img.example/a.png?size=large&v=2";
      const { pseudId } = await makeCreator(db);
      const workId = await makeWork(db, pseudId, {
        title: "Pictures",
        summary: `<p>Summary <img src="${outside}" alt="summary picture"></p>`,
        chapters: [`<p>A cat: <img src="${cat}" alt="a cat"> and another <img src="${outside}" alt="outside"></p>`],
      });
      const app = await buildApp(testConfig(url, { unsafeImageProxyTestPort: servers.images.port }), db);

      const page = await app.inject(`/works/${workId}`);
      assert.equal(page.statusCode, 200);
      const sources = imgSources(page.body);
      const proxied = sources.filter((src) => src.startsWith("/image-proxy?"));
      assert.equal(proxied.length, 3, `three outside images proxied: ${sources.join(", ")}`);
      assert.ok(!sources.some((src) => /^https?:/.test(src)), "no outside address is left for the reader's browser");
      const targets = proxied.map((src) => new URL(src, "http://archive.test").searchParams.get("url"));
      assert.deepEqual(new Set(targets), new Set([cat, outside]));
      assert.deepEqual(cspDirective(String(page.headers["content-security-policy"]), "img-src"), ["'self'", "data:"], "pages load images from the archive alone");

      const stored = await db.selectFrom("chapters").select("content").where("work_id", "=", workId).executeTakeFirstOrThrow();
      assert.ok(stored.content.includes(`src="${cat}"`), "the stored chapter keeps the writer's address");
      const download = /href="(\/downloads\/\d+\/[^"?]+\.html[^"]*)"/.exec(page.body)?.[1]?.replace(/&amp;/g, "&");
      assert.ok(download, "the work page links its HTML download");
      const book = await app.inject(download);
      assert.equal(book.statusCode, 200);
      assert.ok(book.body.includes(`src="${cat}"`) && !book.body.includes("/image-proxy"), "downloads keep today's behaviour");
      const api = await app.inject(`/api/v1/works/${workId}/chapters`);
      assert.equal(api.statusCode, 200);
      assert.ok(api.body.includes(cat) && !api.body.includes("/image-proxy"), "the API gives the stored text");

      // The proxied cat, as the reader's browser asks for it.
      const catSrc = proxied[targets.indexOf(cat)]!;
      const before = servers.images.hits();
      const image = await app.inject({ url: catSrc, headers: { cookie: "fanfold_session=whoever", referer: `http://127.0.0.1:3000/works/${workId}` } });
      assert.equal(image.statusCode, 200);
      assert.equal(image.headers["content-type"], "image/png");
      assert.deepEqual(image.rawPayload, TINY_PNG);
      assert.equal(image.headers["content-security-policy"], "default-src 'none'; sandbox");
      assert.equal(image.headers["x-content-type-options"], "nosniff");
      assert.equal(image.headers["set-cookie"], undefined);
      const sent = servers.seen.at(-1)!;
      assert.equal(sent.cookie, undefined, "the reader's cookie is not passed on");
      assert.equal(sent.referer, undefined, "nor the page they read");
      assert.equal(servers.images.hits(), before + 1);
      assert.equal((await app.inject(catSrc)).statusCode, 200);
      assert.equal(servers.images.hits(), before + 1, "the second reader is served from the cache");
      await app.close();
    });
  });

  test("the proxy fetches only what the archive signed, and refuses internal, non-image and oversized targets with a 4xx", async (t) => {
    await eachDialect(t, async (_t, { db, url }) => {
      const app = await buildApp(testConfig(url, { unsafeImageProxyTestPort: servers.images.port }), db);
      const base = `http://127.0.0.1:${servers.images.port}`;
      const proxy = (target: string, sig = signer.sign(target)) => app.inject(`/image-proxy?url=${encodeURIComponent(target)}&sig=${encodeURIComponent(sig)}`);

      assert.equal((await app.inject("/image-proxy")).statusCode, 400, "no address");
      assert.equal((await app.inject(`/image-proxy?url=${encodeURIComponent(`${base}/cat.png`)}`)).statusCode, 400, "no signature");
      assert.equal((await proxy(`${base}/cat.png`, "forged")).statusCode, 403, "a forged signature");
      assert.equal((await proxy(`${base}/cat.png`, signer.sign(`${base}/other.png`))).statusCode, 403, "another address's signature");
      assert.equal((await proxy(`${base}/cat.png`, new ImageLinkSigner("some-other-archive-secret").sign(`${base}/cat.png`))).statusCode, 403, "another archive's signature");

      const expected: [string, number][] = [
        [`http://127.0.0.1:${servers.internal.port}/`, 403],
        [`http://localhost:${servers.internal.port}/`, 403],
        ["http://10.0.0.1/", 403],
        ["http://10.20.30.40:8080/admin", 403],
        ["http://169.254.169.254/latest/meta-data/", 403],
        [`http://[::1]:${servers.internal.port}/`, 403],
        [`http://[::ffff:127.0.0.1]:${servers.internal.port}/`, 403],
        [`${base}/to-internal`, 403],
        [`${base}/to-localhost`, 403],
        [`${base}/to-ipv6-loopback`, 403],
        [`${base}/to-private`, 403],
        [`${base}/to-metadata`, 403],
        [`${base}/loop`, 400],
        [`${base}/to-file`, 400],
        [`${base}/page.html`, 415],
        [`${base}/svg`, 415],
        [`${base}/html-named-png`, 415],
        [`${base}/big-declared`, 413],
        [`${base}/big-chunked`, 413],
        ["ftp://img.example/a.png", 400],
      ];
      for (const [target, status] of expected) {
        const res = await proxy(target);
        assert.equal(res.statusCode, status, `${target}: ${res.body.slice(0, 200)}`);
      }
      const refused = await proxy("http://169.254.169.254/latest/meta-data/");
      assert.match(refused.body, /private or reserved network/, "the refusal says why");
      assert.ok(!refused.body.includes("169.254"), "without echoing internal addresses back");
      await app.close();
    });
  });

  test("with IMAGE_PROXY=off pages show the writer's addresses and the page CSP allows https images again", async (t) => {
    await eachDialect(t, async (_t, { db, url }) => {
      const outside = "https://img.example/a.png";
      const { pseudId } = await makeCreator(db);
      const workId = await makeWork(db, pseudId, { chapters: [`<p><img src="${outside}" alt="outside"></p>`] });
      const app = await buildApp(testConfig(url, { imageProxy: false }), db);
      const page = await app.inject(`/works/${workId}`);
      assert.ok(imgSources(page.body).includes(outside));
      assert.ok(!page.body.includes("/image-proxy"));
      assert.deepEqual(cspDirective(String(page.headers["content-security-policy"]), "img-src"), ["'self'", "https:", "data:"]);
      assert.equal((await app.inject(`/image-proxy?url=${encodeURIComponent(outside)}&sig=${signer.sign(outside)}`)).statusCode, 404, "no proxy route");
      await app.close();
    });
  });
});

test("every response carries a Permissions-Policy and one frame policy, the header and the CSP agreeing", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const app = await buildApp(testConfig(url), db);
    for (const path of ["/", "/works", "/users/login", "/no-such-page", "/static/style.css"]) {
      const res = await app.inject(path);
      const policy = String(res.headers["permissions-policy"]);
      for (const feature of ["camera", "microphone", "geolocation", "payment", "usb"]) assert.match(policy, new RegExp(`(^|, )${feature}=\\(\\)`), `${path}: ${feature} denied`);
      assert.equal(res.headers["x-frame-options"], "DENY", path);
      if (res.headers["content-security-policy"]) assert.deepEqual(cspDirective(String(res.headers["content-security-policy"]), "frame-ancestors"), ["'none'"], path);
    }
    await app.close();
  });
});
