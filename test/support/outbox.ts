import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { outboxFolder } from "../../src/platform/mail.js";

/** A data folder of a test's own, removed after it, so the test reads only its own outbox. */
export function dataFolder(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), "fanfold-mail-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Quoted-printable, as nodemailer writes the text parts: soft breaks joined, =XX bytes decoded. */
function decodeQuotedPrintable(text: string): string {
  const joined = text.replace(/=\r?\n/g, "");
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    if (joined[i] === "=" && /^[0-9A-F]{2}$/.test(joined.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(joined.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(joined[i]!, "utf8"));
  }
  return Buffer.from(bytes).toString("utf8");
}

/** An .eml file as its unfolded headers followed by its decoded parts, for matching. */
export function readableMail(eml: string): string {
  const split = eml.indexOf("\n\n");
  const headers = eml.slice(0, split).replace(/\n[ \t]+/g, " ");
  const parts = eml
    .slice(split)
    .split(/^----_.*$/m)
    .map((part) => (/Content-Transfer-Encoding: quoted-printable/.test(part) ? decodeQuotedPrintable(part.slice(part.indexOf("\n\n") + 2)) : part));
  return `${headers}\n\n${parts.join("\n--\n")}`;
}

/** The messages in a data folder's outbox, by file name, each readable. */
export function outbox(dataDir: string): { name: string; to: string; body: string }[] {
  let names: string[];
  try {
    names = readdirSync(outboxFolder(dataDir)).filter((name) => name.endsWith(".eml")).sort();
  } catch {
    return [];
  }
  return names.map((name) => {
    const body = readableMail(readFileSync(join(outboxFolder(dataDir), name), "utf8"));
    return { name, to: /^To: (.*)$/m.exec(body)?.[1] ?? "", body };
  });
}
