import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Config } from "../config.js";
import type { ErrorCode } from "../errors.js";
import { formatNumber, t } from "../i18n/index.js";
import { queryParam } from "../http/routes.js";
import { ImageCache } from "./cache.js";
import { fetchImage, type FetchOutcome, type FetchRefusal, MAX_IMAGE_BYTES } from "./fetch.js";
import { IMAGE_PROXY_PATH, ImageLinkSigner, MAX_IMAGE_URL_LENGTH } from "./links.js";

const ANSWERS: Record<FetchRefusal["kind"], ErrorCode> = {
  "bad-url": "IMAGE_PROXY_BAD_LINK",
  "address-refused": "IMAGE_PROXY_ADDRESS_REFUSED",
  "too-many-redirects": "IMAGE_PROXY_TOO_MANY_REDIRECTS",
  "not-an-image": "IMAGE_PROXY_NOT_AN_IMAGE",
  "too-large": "IMAGE_PROXY_TOO_LARGE",
  upstream: "IMAGE_PROXY_UPSTREAM",
  timeout: "IMAGE_PROXY_TIMEOUT",
};

/** The proxy's answers are pictures, never documents: nothing in one may run or load anything. */
const IMAGE_CSP = "default-src 'none'; sandbox";

/**
 * `GET /image-proxy?url=…&sig=…`: an outside image fetched on the reader's behalf (see fetch.ts
 * for what is refused and why), kept in memory (`IMAGE_PROXY_CACHE_MB`) and served under a type
 * read from its bytes.
 */
export function registerImageProxy(app: FastifyInstance, config: Config): void {
  const signer = new ImageLinkSigner(config.secret);
  const cache = new ImageCache(config.imageProxyCacheMb * 1024 * 1024);
  // Readers opening the same chapter at once share one fetch.
  const inFlight = new Map<string, Promise<FetchOutcome>>();

  // The detail (which address a name resolved to, what the server said) goes to the log only:
  // told to the requester, it would map the archive's own network for anyone who asks.
  const refuse = (req: FastifyRequest, reply: FastifyReply, code: ErrorCode, detail: string, url: string) => {
    req.log.warn({ url, detail, code }, "image proxy refused");
    return reply.error(code, { limit: t("ui.megabytes", { n: formatNumber(MAX_IMAGE_BYTES / 1024 / 1024) }) });
  };

  app.get(IMAGE_PROXY_PATH, { config: { rateLimit: { max: 600, timeWindow: 60_000 } } }, async (req, reply) => {
    const url = queryParam(req, "url");
    const signature = queryParam(req, "sig");
    if (!url || !signature || url.length > MAX_IMAGE_URL_LENGTH) return refuse(req, reply, "IMAGE_PROXY_BAD_LINK", "missing or over-long url or sig", url);
    if (!signer.verify(url, signature)) return refuse(req, reply, "IMAGE_PROXY_NOT_SIGNED", "signature does not match", url);

    let image = cache.get(url);
    if (!image) {
      let pending = inFlight.get(url);
      if (!pending) {
        pending = fetchImage(url, { unsafeAllowLoopbackPortForTests: config.unsafeImageProxyTestPort }).finally(() => inFlight.delete(url));
        inFlight.set(url, pending);
      }
      const outcome = await pending;
      if (!outcome.ok) return refuse(req, reply, ANSWERS[outcome.kind], outcome.detail, url);
      image = { type: outcome.type, body: outcome.body };
      cache.set(url, image);
    }
    return reply
      .header("content-type", image.type)
      .header("content-security-policy", IMAGE_CSP)
      .header("x-content-type-options", "nosniff")
      .header("cache-control", "public, max-age=86400")
      .send(image.body);
  });
}
