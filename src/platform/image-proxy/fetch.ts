import { lookup as dnsLookup } from "node:dns/promises";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { refusedAddress } from "./addresses.js";

/** Largest image the proxy passes on. */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
/** Time for the whole fetch, redirects included. */
export const FETCH_TIMEOUT_MS = 10_000;
/** Redirects followed (each one checked like the first address) before giving up. */
export const MAX_REDIRECTS = 3;

/** Why the proxy did not pass an image on; each maps to one HTTP answer (see route.ts). */
export type FetchRefusal =
  | { kind: "bad-url"; detail: string }
  | { kind: "address-refused"; detail: string }
  | { kind: "too-many-redirects"; detail: string }
  | { kind: "not-an-image"; detail: string }
  | { kind: "too-large"; detail: string }
  | { kind: "upstream"; detail: string }
  | { kind: "timeout"; detail: string };

export type FetchOutcome = { ok: true; type: ImageType; body: Buffer } | ({ ok: false } & FetchRefusal);

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export interface FetchOptions {
  /** Resolves a host name (the system resolver unless a test passes its own). */
  resolve?(host: string): Promise<ResolvedAddress[]>;
  /**
   * Tests only: 127.0.0.1 on exactly this port passes the address check, so the success path can
   * be tested against a local server without the internet. Production never sets it.
   */
  unsafeAllowLoopbackPortForTests?: number;
  timeoutMs?: number;
  maxBytes?: number;
}

/** The image formats passed on, each recognised by its first bytes (never by what the server claims). */
export type ImageType = "image/png" | "image/jpeg" | "image/gif" | "image/webp" | "image/avif";

/**
 * The image type the bytes begin with, or null. SVG is deliberately absent: it is a document
 * that can carry script and links, not a picture.
 */
export function sniffImageType(bytes: Buffer): ImageType | null {
  const ascii = (start: number, end: number) => bytes.subarray(start, end).toString("latin1");
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return "image/png";
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "image/jpeg";
  if (bytes.length >= 6 && (ascii(0, 6) === "GIF87a" || ascii(0, 6) === "GIF89a")) return "image/gif";
  if (bytes.length >= 12 && ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return "image/webp";
  if (bytes.length >= 12 && ascii(4, 8) === "ftyp" && (ascii(8, 12) === "avif" || ascii(8, 12) === "avis")) return "image/avif";
  return null;
}

async function systemResolve(host: string): Promise<ResolvedAddress[]> {
  const found = await dnsLookup(host, { all: true, verbatim: true });
  return found.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
}

const refuse = (kind: FetchRefusal["kind"], detail: string): FetchOutcome => ({ ok: false, kind, detail });

/**
 * Fetches an image on a reader's behalf: no cookies, no referrer, nothing about the reader. Every
 * address is judged after DNS resolution (all of a name's addresses must be public), the
 * connection is made to exactly the address judged (so a second, different DNS answer cannot
 * slip in: no rebinding), and redirects are followed by hand, each judged the same way.
 */
export async function fetchImage(rawUrl: string, options: FetchOptions = {}): Promise<FetchOutcome> {
  const signal = AbortSignal.timeout(options.timeoutMs ?? FETCH_TIMEOUT_MS);
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return refuse("bad-url", "not an absolute URL");
  }
  try {
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const step = await fetchOnce(url, options, signal);
      if (step.kind !== "redirect") return step.outcome;
      try {
        url = new URL(step.location, url);
      } catch {
        return refuse("upstream", "a redirect to an invalid address");
      }
    }
    return refuse("too-many-redirects", `more than ${MAX_REDIRECTS} redirects`);
  } catch (error) {
    if (signal.aborted) return refuse("timeout", `no answer within ${options.timeoutMs ?? FETCH_TIMEOUT_MS} ms`);
    return refuse("upstream", (error as Error).message);
  }
}

type Step = { kind: "redirect"; location: string } | { kind: "done"; outcome: FetchOutcome };
const done = (outcome: FetchOutcome): Step => ({ kind: "done", outcome });

function portOf(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
}

/** Why this address may not be connected to on this port, or null when it may. */
function addressRefusal(address: string, port: number, options: FetchOptions): string | null {
  if (address === "127.0.0.1" && options.unsafeAllowLoopbackPortForTests !== undefined && port === options.unsafeAllowLoopbackPortForTests) return null;
  return refusedAddress(address);
}

async function fetchOnce(url: URL, options: FetchOptions, signal: AbortSignal): Promise<Step> {
  if (url.protocol !== "http:" && url.protocol !== "https:") return done(refuse("bad-url", `the ${url.protocol} scheme`));
  if (url.username || url.password) return done(refuse("bad-url", "a user name or password in the address"));
  const port = portOf(url);
  const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;

  let pinned: ResolvedAddress;
  if (isIP(host)) {
    const reason = addressRefusal(host, port, options);
    if (reason) return done(refuse("address-refused", `${host} is ${reason}`));
    pinned = { address: host, family: isIP(host) === 6 ? 6 : 4 };
  } else {
    let addresses: ResolvedAddress[];
    try {
      addresses = await (options.resolve ?? systemResolve)(host);
    } catch {
      return done(refuse("upstream", `${host} could not be resolved`));
    }
    if (addresses.length === 0) return done(refuse("upstream", `${host} has no address`));
    // Every address must be public, not just the one used: otherwise a name listing one public
    // and one private address would be refused or accepted by the luck of the order.
    for (const { address } of addresses) {
      const reason = addressRefusal(address, port, options);
      if (reason) return done(refuse("address-refused", `${host} resolves to ${address}, ${reason}`));
    }
    pinned = addresses[0]!;
  }

  // The socket connects to the pinned address whatever the name would resolve to now; TLS still
  // checks the certificate against the name.
  const lookup: LookupFunction = (_hostname, lookupOptions, callback) => {
    const cb = callback as (err: Error | null, address: string | { address: string; family: number }[], family?: number) => void;
    if ((lookupOptions as { all?: boolean }).all) cb(null, [{ address: pinned.address, family: pinned.family }]);
    else cb(null, pinned.address, pinned.family);
  };
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = (url.protocol === "https:" ? httpsRequest : httpRequest)(
      url,
      {
        method: "GET",
        // Only what a fetch needs: no Cookie, no Referer, nothing that identifies the reader.
        headers: { accept: "image/avif,image/webp,image/png,image/jpeg,image/gif;q=0.9", "user-agent": "Fanfold image proxy" },
        lookup,
        agent: false,
        signal,
      },
      resolve,
    );
    req.on("error", reject);
    req.end();
  });

  const status = response.statusCode ?? 0;
  if (status >= 300 && status < 400 && status !== 304) {
    response.resume();
    const location = response.headers.location;
    if (!location) return done(refuse("upstream", `a ${status} redirect without a Location`));
    return { kind: "redirect", location };
  }
  if (status !== 200) {
    response.resume();
    return done(refuse("upstream", `the image's server answered ${status}`));
  }
  const claimed = (response.headers["content-type"] ?? "").toLowerCase();
  if (!claimed.startsWith("image/")) {
    response.destroy();
    return done(refuse("not-an-image", `Content-Type ${claimed || "missing"}`));
  }
  const maxBytes = options.maxBytes ?? MAX_IMAGE_BYTES;
  const declared = Number(response.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.destroy();
    return done(refuse("too-large", `${declared} bytes declared`));
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    size += chunk.length;
    // Counted as it arrives: a missing or lying Content-Length does not get past the limit.
    if (size > maxBytes) {
      response.destroy();
      return done(refuse("too-large", `more than ${maxBytes} bytes`));
    }
    chunks.push(chunk);
  }
  const body = Buffer.concat(chunks);
  const type = sniffImageType(body);
  if (!type) return done(refuse("not-an-image", `the bytes are not PNG, JPEG, GIF, WebP or AVIF (claimed ${claimed})`));
  return done({ ok: true, type, body });
}
