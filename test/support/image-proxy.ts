/**
 * Local servers for the image proxy's tests: nothing in them reaches outside this machine.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { MAX_IMAGE_BYTES } from "../../src/platform/image-proxy/fetch.js";

/** The smallest valid PNG (1×1, transparent). */
export const TINY_PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==", "base64");

/** A local server; `hits` counts the requests it got. */
export async function localServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; port: number; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const server = createServer((req, res) => {
    hits++;
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    hits: () => hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Two local servers: `images`, the one the test-only allowance lets through, and `internal`, a
 * stand-in for a service on the archive's own machine that must never be reached.
 */
export async function proxyTestServers() {
  const seen: IncomingMessage["headers"][] = [];
  const internal = await localServer((_req, res) => res.writeHead(200, { "content-type": "image/png" }).end(TINY_PNG));
  const images = await localServer((req, res) => {
    seen.push(req.headers);
    const path = req.url ?? "/";
    const to = (location: string) => res.writeHead(302, { location }).end();
    if (path === "/cat.png") res.writeHead(200, { "content-type": "image/png" }).end(TINY_PNG);
    else if (path === "/page.html") res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>x</title>");
    else if (path === "/svg") res.writeHead(200, { "content-type": "image/svg+xml" }).end('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    else if (path === "/png-named-html") res.writeHead(200, { "content-type": "text/html" }).end(TINY_PNG);
    else if (path === "/html-named-png") res.writeHead(200, { "content-type": "image/png" }).end("<script>alert(1)</script>");
    else if (path === "/big-declared") res.writeHead(200, { "content-type": "image/png", "content-length": String(MAX_IMAGE_BYTES + 1) }).end();
    else if (path === "/big-chunked") {
      // No Content-Length: the limit must hold while the bytes arrive.
      res.writeHead(200, { "content-type": "image/png" });
      res.write(TINY_PNG);
      const chunk = Buffer.alloc(256 * 1024);
      let sent = 0;
      const more = () => {
        while (sent <= MAX_IMAGE_BYTES + chunk.length && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once("drain", more);
        }
        res.end();
      };
      more();
    } else if (path === "/missing") res.writeHead(404).end();
    else if (path === "/slow") setTimeout(() => res.destroyed || res.writeHead(200, { "content-type": "image/png" }).end(TINY_PNG), 2000);
    else if (path === "/to-cat") to("/cat.png");
    else if (path === "/to-internal") to(`http://127.0.0.1:${internal.port}/`);
    else if (path === "/to-localhost") to(`http://localhost:${internal.port}/`);
    else if (path === "/to-ipv6-loopback") to(`http://[::1]:${internal.port}/`);
    else if (path === "/to-mapped") to(`http://[::ffff:127.0.0.1]:${internal.port}/`);
    else if (path === "/to-private") to("http://10.0.0.1/");
    else if (path === "/to-metadata") to("http://169.254.169.254/latest/meta-data/");
    else if (path === "/to-file") to("file:///etc/passwd");
    else if (path === "/loop") to("/loop");
    else res.writeHead(404).end();
  });
  return { images, internal, seen, close: async () => Promise.all([images.close(), internal.close()]) };
}

