import { randomBytes } from "node:crypto";
import { isIP } from "node:net";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { LOCALES, type Locale } from "./i18n/index.js";

/** Every setting Fanfold reads, parsed once at boot from the environment (and CLI flags). */
export interface Config {
  /** Where the archive listens. */
  host: string;
  port: number;
  /** `sqlite:PATH` or `postgres://...`. */
  databaseUrl: string;
  /** Folder for the SQLite file, the generated secret and outgoing mail. */
  dataDir: string;
  /** The address people reach the archive at; used in links printed to the console and feeds. */
  publicUrl: string;
  /** Signs cookies and CSRF secrets. Generated into the data folder when absent. */
  secret: string;
  /** Largest request body accepted, in bytes (a 510,000-character chapter in UTF-8 fits). */
  bodyLimit: number;
  /** Sessions last this many days without use. */
  sessionDays: number;
  /** Mail goes to this SMTP server (smtp://user:pass@host:port); unset, it is written to DATA_DIR/mail/outbox. */
  smtpUrl: string | null;
  /** The From address of the archive's mail. */
  mailFrom: string;
  /** The language of every page, feed and email (`pseudo` is the test locale: accented, longer English). */
  locale: Locale;
  /**
   * Which proxies in front of the archive are believed when they say who the client is
   * (`X-Forwarded-For`, `-Proto`, `-Host`): false (none, the default), a number of hops, or
   * addresses and CIDR ranges. Passed to Fastify's `trustProxy`.
   */
  trustProxy: TrustProxy;
  /** Outside images in user HTML are served through the archive's image proxy (on unless IMAGE_PROXY=off). */
  imageProxy: boolean;
  /** Memory the image proxy may keep fetched images in, per process, in megabytes (0: no cache). */
  imageProxyCacheMb: number;
  /**
   * Where an imported archive's old addresses (eFiction's viewstory.php and the like) are answered
   * with permanent redirects: "" for the site's root, or a path such as "/archive" when the old
   * archive lived there (LEGACY_PATH_PREFIX). See docs/efiction-after-import.md.
   */
  legacyPathPrefix: string;
  /**
   * Tests only, never read from the environment: 127.0.0.1 on exactly this port passes the image
   * proxy's address check, so its success path can be tested against a local server.
   */
  unsafeImageProxyTestPort?: number;
}

/** See Config.trustProxy. */
export type TrustProxy = false | number | string[];

interface Option {
  env: string;
  doc: string;
  secret?: boolean;
}

/** The documented table of options; the README's configuration table mirrors it. */
export const CONFIG_OPTIONS: Option[] = [
  { env: "PORT", doc: "TCP port to listen on (default 3000)." },
  { env: "HOST", doc: "Address to listen on (default 127.0.0.1)." },
  { env: "DATABASE_URL", doc: "sqlite:PATH or postgres://… (default sqlite:./data/fanfold.sqlite)." },
  { env: "DATA_DIR", doc: "Folder for the SQLite file, the generated secret and mail (default ./data)." },
  { env: "PUBLIC_URL", doc: "Public address of the archive (default http://HOST:PORT)." },
  { env: "SECRET", doc: "Cookie and CSRF signing secret; SECRET_FILE reads it from a file. Generated into DATA_DIR when unset.", secret: true },
  { env: "BODY_LIMIT", doc: "Largest request body in bytes (default 8388608)." },
  { env: "SESSION_DAYS", doc: "Days a session lasts without use (default 30)." },
  { env: "SMTP_URL", doc: "Send mail through this SMTP server (smtp://USER:PASS@HOST:PORT or smtps://…); SMTP_URL_FILE reads it from a file. Unset, mail is written as .eml files into DATA_DIR/mail/outbox.", secret: true },
  { env: "MAIL_FROM", doc: "From address of the archive's mail (default Fanfold <noreply@HOST of PUBLIC_URL>)." },
  { env: "TRUST_PROXY", doc: "Proxies whose X-Forwarded-For is believed: a comma-separated list of their addresses and CIDR ranges (127.0.0.1,10.0.0.0/8), or, while HOST is a loopback address, a number of hops (1 for one reverse proxy on the same machine). Unset, no forwarded header is believed and every client is known by the address that connected." },
  { env: "IMAGE_PROXY", doc: "on (default): outside images in works, comments and other user HTML reach readers through the archive's image proxy; off: readers' browsers fetch them from their own servers." },
  { env: "IMAGE_PROXY_CACHE_MB", doc: "Memory each process keeps proxied images in, in megabytes (default 64; 0 for none)." },
  { env: "FANFOLD_LOCALE", doc: "Language of pages, feeds and mail: en (default), or pseudo to check that every word comes from the message catalogue." },
];

export class ConfigError extends Error {}

function readInt(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, not "${raw}".`);
  }
  return n;
}

function readSecret(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const file = env[`${name}_FILE`];
  if (file) return readFileSync(file, "utf8").trim();
  return env[name] || undefined;
}

/** A secret kept in the data folder, so a restart keeps sessions valid. */
function generatedSecret(dataDir: string): string {
  const path = resolve(dataDir, "secret");
  if (existsSync(path)) return readFileSync(path, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString("hex");
  writeFileSync(path, `${secret}\n`, { mode: 0o600 });
  return secret;
}

export interface ConfigOverrides {
  port?: number;
  host?: string;
}

/** Reads and validates the configuration; throws ConfigError with a readable message. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: ConfigOverrides = {}): Config {
  const port = overrides.port ?? readInt(env, "PORT", 3000, 0, 65535);
  const host = overrides.host ?? (env.HOST || "127.0.0.1");
  const dataDir = resolve(env.DATA_DIR || "./data");
  const databaseUrl = env.DATABASE_URL || `sqlite:${resolve(dataDir, "fanfold.sqlite")}`;
  if (!/^sqlite:|^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError(`DATABASE_URL must start with sqlite: or postgres://, not "${databaseUrl}".`);
  }
  const publicUrl = (env.PUBLIC_URL || `http://${host.includes(":") ? `[${host}]` : host}:${port}`).replace(/\/+$/, "");
  try {
    new URL(publicUrl);
  } catch {
    throw new ConfigError(`PUBLIC_URL must be an absolute URL, not "${publicUrl}".`);
  }
  const secret = readSecret(env, "SECRET") ?? generatedSecret(dataDir);
  if (secret.length < 16) throw new ConfigError("SECRET must be at least 16 characters long.");
  return {
    host,
    port,
    databaseUrl,
    dataDir,
    publicUrl,
    secret,
    bodyLimit: readInt(env, "BODY_LIMIT", 8 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    sessionDays: readInt(env, "SESSION_DAYS", 30, 1, 3650),
    smtpUrl: readSmtpUrl(env),
    mailFrom: env.MAIL_FROM || `Fanfold <noreply@${new URL(publicUrl).hostname}>`,
    locale: readLocale(env),
    trustProxy: readTrustProxy(env, host),
    imageProxy: readOnOff(env, "IMAGE_PROXY", true),
    imageProxyCacheMb: readInt(env, "IMAGE_PROXY_CACHE_MB", 64, 0, 65536),
    legacyPathPrefix: readPathPrefix(env, "LEGACY_PATH_PREFIX"),
  };
}

/** A path prefix: empty, or "/" and plain path segments ("/archive", "/old/efiction"); a trailing "/" is dropped. */
function readPathPrefix(env: NodeJS.ProcessEnv, name: string): string {
  const raw = (env[name] ?? "").trim().replace(/\/+$/, "");
  if (raw === "") return "";
  if (!/^(\/[A-Za-z0-9._~-]+)+$/.test(raw) || raw.split("/").some((segment) => segment === "." || segment === "..")) {
    throw new ConfigError(`${name} must be a path such as /archive (letters, digits and . _ ~ - between slashes), not "${env[name]}".`);
  }
  return raw;
}

// proxy-addr's names for ranges, which Fastify accepts in the list too.
const PROXY_RANGE_NAMES = ["loopback", "linklocal", "uniquelocal"];

/**
 * TRUST_PROXY: a hop count or a list of addresses and ranges. "true" (trust every hop) is
 * refused: then the left-most X-Forwarded-For, which the client writes, becomes its address,
 * and every per-address limit is one header away from useless.
 */
function readTrustProxy(env: NodeJS.ProcessEnv, host: string): TrustProxy {
  const raw = (env.TRUST_PROXY ?? "").trim();
  if (raw === "" || raw === "0" || raw.toLowerCase() === "false") return false;
  if (/^\d+$/.test(raw)) {
    // A count cannot tell the proxy from a client that connects directly and writes the header
    // itself; listening on loopback only, nobody else can connect directly.
    if (!isLoopback(host)) {
      throw new ConfigError(`TRUST_PROXY=${raw} (a number of hops) needs HOST to be a loopback address (127.0.0.1 or ::1), or a client reaching the archive directly could claim any address; list the proxies' addresses instead (such as TRUST_PROXY=10.0.0.2).`);
    }
    return readInt(env, "TRUST_PROXY", 0, 0, 100);
  }
  const entries = raw.split(",").map((entry) => entry.trim()).filter(Boolean);
  for (const entry of entries) {
    if (!isProxyEntry(entry)) {
      throw new ConfigError(`TRUST_PROXY must be a number of proxy hops or a comma-separated list of addresses and CIDR ranges (such as 127.0.0.1,10.0.0.0/8), not "${entry}".`);
    }
  }
  return entries;
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function isProxyEntry(entry: string): boolean {
  if (PROXY_RANGE_NAMES.includes(entry)) return true;
  const [address = "", prefix, ...rest] = entry.split("/");
  const version = isIP(address);
  if (version === 0 || rest.length) return false;
  if (prefix === undefined) return true;
  const bits = /^\d{1,3}$/.test(prefix) ? Number(prefix) : -1;
  return bits >= 0 && bits <= (version === 4 ? 32 : 128);
}

function readOnOff(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = (env[name] ?? "").trim().toLowerCase();
  if (raw === "") return fallback;
  if (raw === "on" || raw === "true" || raw === "1") return true;
  if (raw === "off" || raw === "false" || raw === "0") return false;
  throw new ConfigError(`${name} must be on or off, not "${env[name]}".`);
}

function readLocale(env: NodeJS.ProcessEnv): Locale {
  const raw = env.FANFOLD_LOCALE || "en";
  if (!(LOCALES as readonly string[]).includes(raw)) throw new ConfigError(`FANFOLD_LOCALE must be one of ${LOCALES.join(", ")}, not "${raw}".`);
  return raw as Locale;
}

function readSmtpUrl(env: NodeJS.ProcessEnv): string | null {
  const url = readSecret(env, "SMTP_URL");
  if (!url) return null;
  if (!/^smtps?:\/\/[^/]/.test(url)) throw new ConfigError("SMTP_URL must start with smtp:// or smtps:// and name a host.");
  return url;
}

/** The folder a SQLite database file lives in, created when missing. */
export function ensureSqliteFolder(databaseUrl: string): void {
  if (!databaseUrl.startsWith("sqlite:")) return;
  const path = databaseUrl.slice("sqlite:".length);
  if (path !== ":memory:") mkdirSync(dirname(resolve(path)), { recursive: true });
}
