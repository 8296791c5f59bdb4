import { createHmac, timingSafeEqual } from "node:crypto";

/** Where the archive's image proxy answers. */
export const IMAGE_PROXY_PATH = "/image-proxy";

/** Longest image address the proxy takes (longer ones are left as they are, and then blocked by the page's CSP). */
export const MAX_IMAGE_URL_LENGTH = 4096;

/**
 * Signs image addresses so that the proxy fetches only what the archive's own pages asked for,
 * not any address a stranger puts in a link (it would otherwise be an open fetcher).
 */
export class ImageLinkSigner {
  private readonly key: Buffer;

  constructor(secret: string) {
    // A key of its own, derived from the archive's secret, so a signature made here means nothing
    // to the cookie or CSRF signing that use the same secret.
    this.key = createHmac("sha256", secret).update("fanfold image proxy links").digest();
  }

  sign(url: string): string {
    return createHmac("sha256", this.key).update(url).digest().subarray(0, 16).toString("base64url");
  }

  verify(url: string, signature: string): boolean {
    const expected = Buffer.from(this.sign(url));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  /** The proxy's address for an image address (not escaped for HTML). */
  proxyUrl(url: string): string {
    return `${IMAGE_PROXY_PATH}?url=${encodeURIComponent(url)}&sig=${this.sign(url)}`;
  }
}

// Sanitized user HTML and our own JSX both write attributes in double quotes with ", <, > and &
// escaped, so a tag ends at the first ">" and a src value at the first '"'.
const IMG_TAG = /<img\b[^>]*>/gi;
const OUTSIDE_SRC = /(\ssrc=")(https?:\/\/[^"]*)"/i;

const NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decodeAttribute(value: string): string {
  return value.replace(/&(?:#(\d+)|#x([0-9a-f]+)|(amp|lt|gt|quot|apos));/gi, (whole, dec: string | undefined, hex: string | undefined, name: string | undefined) => {
    if (name) return NAMED[name.toLowerCase()] ?? whole;
    const code = dec ? Number.parseInt(dec, 10) : Number.parseInt(hex!, 16);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/**
 * A page with every outside image (`<img src="http(s)://…">`) pointed at the archive's image
 * proxy, so a reader's browser asks only this archive. Done while rendering, never to the stored
 * text: downloads and the API keep the writer's addresses, and turning the proxy off brings them
 * back at once. Our own images (`/static/…`) are relative and left alone.
 */
export function proxyOutsideImages(page: string, signer: ImageLinkSigner): string {
  if (!page.includes("<img")) return page;
  return page.replace(IMG_TAG, (tag) =>
    tag.replace(OUTSIDE_SRC, (whole, before: string, encoded: string) => {
      const url = decodeAttribute(encoded);
      if (url.length > MAX_IMAGE_URL_LENGTH) return whole;
      // encodeURIComponent leaves nothing that needs escaping in an attribute but the "&" between parameters.
      return `${before}${signer.proxyUrl(url).replace(/&/g, "&amp;")}"`;
    }),
  );
}
