import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import nodemailer from "nodemailer";
import type { Config } from "./config.js";

/**
 * Outgoing mail. By default each message is written as an `.eml` file into DATA_DIR/mail/outbox
 * (an admin can read them, or point a mail agent at the folder); with SMTP_URL set it goes to
 * that SMTP server instead.
 */
export interface MailMessage {
  /**
   * Names the message for its whole life: the outbox file is `KEY.eml`, so a message sent
   * twice (a job batch redone after a crash) is one file, written twice.
   */
  key: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** One-click unsubscribe address (RFC 2369 List-Unsubscribe). */
  unsubscribeUrl?: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
  /** Where messages go, for logs: a folder or an SMTP host. */
  readonly destination: string;
}

/** The outbox folder of a data folder. */
export function outboxFolder(dataDir: string): string {
  return join(dataDir, "mail", "outbox");
}

function envelope(from: string, message: MailMessage) {
  return {
    from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    html: message.html,
    messageId: `<${message.key}@fanfold>`,
    headers: message.unsubscribeUrl ? { "List-Unsubscribe": `<${message.unsubscribeUrl}>` } : undefined,
  };
}

/** The mailer the configuration asks for. */
export function mailerFor(config: Pick<Config, "dataDir" | "smtpUrl" | "mailFrom">): Mailer {
  if (config.smtpUrl) {
    const transport = nodemailer.createTransport(config.smtpUrl);
    return {
      destination: new URL(config.smtpUrl).host,
      async send(message) {
        await transport.sendMail(envelope(config.mailFrom, message));
      },
    };
  }
  const folder = outboxFolder(config.dataDir);
  // streamTransport renders the message (MIME, encodings) without sending it anywhere.
  const render = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  return {
    destination: folder,
    async send(message) {
      const info = await render.sendMail(envelope(config.mailFrom, message));
      mkdirSync(folder, { recursive: true });
      const safeKey = message.key.replace(/[^A-Za-z0-9._-]/g, "_");
      const path = join(folder, `${safeKey}.eml`);
      // Written beside and renamed, so a reader of the folder never sees half a message.
      writeFileSync(`${path}.tmp`, info.message as Buffer);
      renameSync(`${path}.tmp`, path);
    },
  };
}
