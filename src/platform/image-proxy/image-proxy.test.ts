/**
 * The image proxy's fetcher on its own: which addresses it refuses (before any connection), and
 * what it does with what a server sends. Every server here is local; nothing reaches outside.
 * The "allowed" server passes the address check only through the test-only loopback port.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { refusedAddress } from "./addresses.js";
import { ImageCache } from "./cache.js";
import { fetchImage, MAX_REDIRECTS, sniffImageType } from "./fetch.js";
import { ImageLinkSigner, proxyOutsideImages } from "./links.js";
import { proxyTestServers, TINY_PNG } from "../../../test/support/image-proxy.js";

test("the address classifier refuses every non-public network and passes public ones", () => {
  const refused = [
    "127.0.0.1", "127.255.255.254", "10.0.0.1", "10.255.255.255", "172.16.0.1", "172.31.255.255", "192.168.1.1",
    "169.254.169.254", "169.254.0.1", "100.64.0.1", "100.127.255.255", "0.0.0.0", "0.1.2.3", "224.0.0.1", "239.255.255.250",
    "255.255.255.255", "240.0.0.1", "192.0.2.1", "198.18.0.1", "198.51.100.7", "203.0.113.9", "192.0.0.8",
    "::", "::1", "[::1]", "::ffff:127.0.0.1", "::ffff:7f00:1", "::ffff:10.0.0.1", "::ffff:8.8.8.8", "::127.0.0.1",
    "fc00::1", "fd12:3456::1", "fe80::1", "fe80::1%eth0", "febf::1", "fec0::1", "ff02::1", "64:ff9b::a00:1", "2002:a00:1::1",
    "2001:0:4136:e378::1", "2001:db8::1", "100::1",
    "localhost", "not-an-address", "",
  ];
  for (const address of refused) assert.notEqual(refusedAddress(address), null, `${address} is refused`);
  const allowed = ["8.8.8.8", "1.1.1.1", "93.184.216.34", "172.15.255.255", "172.32.0.1", "100.63.255.255", "100.128.0.1", "11.0.0.1", "169.253.255.255", "2606:4700:4700::1111", "2a00:1450:4001::200e"];
  for (const address of allowed) assert.equal(refusedAddress(address), null, `${address} is public`);
  assert.match(refusedAddress("169.254.169.254")!, /link-local/);
  assert.match(refusedAddress("10.1.2.3")!, /private/);
});

test("image types are read from the bytes, and SVG or HTML is no image", () => {
  assert.equal(sniffImageType(TINY_PNG), "image/png");
  assert.equal(sniffImageType(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10])), "image/jpeg");
  assert.equal(sniffImageType(Buffer.from("GIF89a\x01\x00\x01\x00", "latin1")), "image/gif");
  assert.equal(sniffImageType(Buffer.from("RIFF\x00\x00\x00\x00WEBPVP8 ", "latin1")), "image/webp");
  assert.equal(sniffImageType(Buffer.from("\x00\x00\x00\x1cftypavif\x00\x00", "latin1")), "image/avif");
  assert.equal(sniffImageType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')), null);
  assert.equal(sniffImageType(Buffer.from("<!doctype html><p>hi")), null);
  assert.equal(sniffImageType(Buffer.alloc(0)), null);
});

test("page rewriting points outside images at the signed proxy and leaves our own alone", () => {
  const signer = new ImageLinkSigner("test-secret-test-secret-test-secret");
  const page = '<p><img src="https://img.example/a.png?x=1&amp;y=&quot;2" alt="a &gt; b" /></p><img src="/static/lock.svg" alt="" /><img alt="x" src="http://img.example/b.gif">';
  const out = proxyOutsideImages(page, signer);
  const srcs = [...out.matchAll(/src="([^"]*)"/g)].map((m) => m[1]!);
  assert.equal(srcs.length, 3);
  assert.equal(srcs[1], "/static/lock.svg");
  for (const [i, original] of [[0, 'https://img.example/a.png?x=1&y="2'], [2, "http://img.example/b.gif"]] as const) {
    const proxied = new URL(srcs[i]!.replace(/&amp;/g, "&"), "http://archive.test");
    assert.equal(proxied.pathname, "/image-proxy");
    assert.equal(proxied.searchParams.get("url"), original, "the address decoded from the attribute is what is signed");
    assert.ok(signer.verify(original, proxied.searchParams.get("sig")!));
  }
  assert.ok(!/src="https?:/.test(out), "no outside address is left for the browser");
  assert.ok(out.includes('alt="a &gt; b"'), "the other attributes are untouched");
  assert.ok(!signer.verify("https://img.example/other.png", signer.sign("https://img.example/a.png")), "a signature fits one address only");
  assert.ok(!new ImageLinkSigner("another-secret-another-secret").verify("https://img.example/a.png", signer.sign("https://img.example/a.png")));
});

test("the cache keeps the most recently used images within its size bound and forgets expired ones", () => {
  let now = 0;
  const cache = new ImageCache(100, () => now);
  const image = (n: number) => ({ type: "image/png" as const, body: Buffer.alloc(n) });
  cache.set("a", image(40));
  cache.set("b", image(40));
  assert.ok(cache.get("a"), "a is used, so b is now the oldest");
  cache.set("c", image(40));
  assert.equal(cache.get("b"), undefined, "b was evicted to stay within 100 bytes");
  assert.ok(cache.get("a") && cache.get("c"));
  assert.deepEqual(cache.size, { entries: 2, bytes: 80 });
  cache.set("huge", image(101));
  assert.equal(cache.get("huge"), undefined, "an image larger than the whole cache is not kept");
  now += 25 * 60 * 60 * 1000;
  assert.equal(cache.get("a"), undefined, "a day later it is fetched again");
});

describe("fetching through the guard", () => {
  let servers: Awaited<ReturnType<typeof proxyTestServers>>;
  let base: string;
  const fetchAllowed = (url: string, extra: Parameters<typeof fetchImage>[1] = {}) => fetchImage(url, { unsafeAllowLoopbackPortForTests: servers.images.port, ...extra });

  before(async () => {
    servers = await proxyTestServers();
    base = `http://127.0.0.1:${servers.images.port}`;
  });
  after(async () => {
    assert.equal(servers.internal.hits(), 0, "the internal server was never reached");
    await servers.close();
  });

  test("an image from the allowed local server comes back typed by its bytes, fetched without cookies or referrer", async () => {
    const outcome = await fetchAllowed(`${base}/cat.png`);
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.equal(outcome.type, "image/png");
    assert.deepEqual(outcome.body, TINY_PNG);
    const headers = servers.seen.at(-1)!;
    assert.equal(headers.cookie, undefined);
    assert.equal(headers.referer, undefined);
    assert.equal(headers["x-forwarded-for"], undefined);
    assert.equal(headers["user-agent"], "Fanfold image proxy");
    const redirected = await fetchAllowed(`${base}/to-cat`);
    assert.ok(redirected.ok, "a redirect to an allowed address is followed");
  });

  test("loopback, private, link-local, metadata and IPv6 loopback targets are refused before connecting", async () => {
    const internal = servers.internal.port;
    for (const url of [
      `http://127.0.0.1:${internal}/`,
      `http://127.0.0.2:${servers.images.port}/cat.png`,
      `http://[::1]:${internal}/`,
      `http://[::ffff:127.0.0.1]:${internal}/`,
      `http://0x7f000001:${internal}/`,
      `http://2130706433:${internal}/`,
      `http://127.1:${internal}/`,
      "http://10.0.0.1/",
      "http://10.255.0.9:8080/",
      "http://172.16.5.4/",
      "http://192.168.0.1/",
      "http://169.254.169.254/latest/meta-data/",
      "http://100.64.0.1/",
      "http://0.0.0.0/",
      "http://[fd00::1]/",
      "http://[fe80::1]/",
    ]) {
      const outcome = await fetchAllowed(url);
      assert.equal(outcome.ok, false, url);
      assert.equal(!outcome.ok && outcome.kind, "address-refused", `${url}: ${JSON.stringify(outcome)}`);
    }
  });

  test("a name is judged by what it resolves to: localhost, and a name with any private address, are refused", async () => {
    const local = await fetchAllowed(`http://localhost:${servers.internal.port}/`);
    assert.equal(!local.ok && local.kind, "address-refused", JSON.stringify(local));
    const mixed = await fetchAllowed("http://mixed.test/", { resolve: async () => [{ address: "93.184.216.34", family: 4 }, { address: "10.0.0.7", family: 4 }] });
    assert.equal(!mixed.ok && mixed.kind, "address-refused", "one private address among public ones is enough to refuse");
    const metadata = await fetchAllowed("http://metadata.test/", { resolve: async () => [{ address: "169.254.169.254", family: 4 }] });
    assert.equal(!metadata.ok && metadata.kind, "address-refused");
  });

  test("the connection goes to the address that was judged: a second DNS answer cannot rebind it", async () => {
    let asked = 0;
    // First answer: the allowed local server. Any later answer would be internal.
    const resolve = async () => (asked++ === 0 ? [{ address: "127.0.0.1", family: 4 as const }] : [{ address: "10.0.0.1", family: 4 as const }]);
    const outcome = await fetchAllowed(`http://rebind.test:${servers.images.port}/cat.png`, { resolve });
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.equal(asked, 1, "resolved once, and the socket used that answer");
    assert.equal(servers.seen.at(-1)!.host, `rebind.test:${servers.images.port}`, "the request still names the host");
  });

  test("redirects into internal addresses are refused, each hop judged afresh", async () => {
    for (const path of ["/to-internal", "/to-localhost", "/to-ipv6-loopback", "/to-mapped", "/to-private", "/to-metadata"]) {
      const outcome = await fetchAllowed(`${base}${path}`);
      assert.equal(!outcome.ok && outcome.kind, "address-refused", `${path}: ${JSON.stringify(outcome)}`);
    }
    const file = await fetchAllowed(`${base}/to-file`);
    assert.equal(!file.ok && file.kind, "bad-url");
    const loop = await fetchAllowed(`${base}/loop`);
    assert.equal(!loop.ok && loop.kind, "too-many-redirects");
    assert.match(!loop.ok ? loop.detail : "", new RegExp(`${MAX_REDIRECTS}`));
  });

  test("what is not an image, or too large, is refused; failures upstream are told apart", async () => {
    const kinds: Record<string, string> = {
      "/page.html": "not-an-image",
      "/svg": "not-an-image",
      "/png-named-html": "not-an-image",
      "/html-named-png": "not-an-image",
      "/big-declared": "too-large",
      "/big-chunked": "too-large",
      "/missing": "upstream",
    };
    for (const [path, kind] of Object.entries(kinds)) {
      const outcome = await fetchAllowed(`${base}${path}`);
      assert.equal(!outcome.ok && outcome.kind, kind, `${path}: ${JSON.stringify(outcome)}`);
    }
    const slow = await fetchAllowed(`${base}/slow`, { timeoutMs: 200 });
    assert.equal(!slow.ok && slow.kind, "timeout");
    for (const url of ["ftp://img.example/a.png", "javascript:alert(1)", "not a url", `http://user:pw@127.0.0.1:${servers.images.port}/cat.png`]) {
      const outcome = await fetchAllowed(url);
      assert.equal(!outcome.ok && outcome.kind, "bad-url", url);
    }
  });
});
