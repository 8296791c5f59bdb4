import { getSetting, setSetting } from "../model/archive-settings.js";
import type { DbOrTrx } from "../platform/db/index.js";

/**
 * The invite queue's settings, kept in the settings table: whether the queue takes requests and
 * sends invitations, how many it sends per batch and how often (AO3's defaults: 10 every 12
 * hours), and how long an invitation works once sent (none: until used).
 */
export interface QueueSettings {
  enabled: boolean;
  batchSize: number;
  batchHours: number;
  /** Days an invitation works after it is sent; null: it does not expire. */
  expiryDays: number | null;
}

export const QUEUE_DEFAULTS: QueueSettings = { enabled: true, batchSize: 10, batchHours: 12, expiryDays: null };

/** The ranges an admin may choose from. */
export const QUEUE_LIMITS = { batchSize: { min: 1, max: 1000 }, batchHours: { min: 1, max: 720 }, expiryDays: { min: 1, max: 365 } } as const;

const KEYS = { enabled: "invite_queue_enabled", batchSize: "invite_queue_batch_size", batchHours: "invite_queue_batch_hours", expiryDays: "invitation_expiry_days" } as const;

function whole(value: string | undefined, fallback: number, range: { min: number; max: number }): number {
  const n = Number(value);
  return value !== undefined && /^\d+$/.test(value) && n >= range.min && n <= range.max ? n : fallback;
}

export async function queueSettings(db: DbOrTrx): Promise<QueueSettings> {
  const [enabled, batchSize, batchHours, expiryDays] = await Promise.all([getSetting(db, KEYS.enabled), getSetting(db, KEYS.batchSize), getSetting(db, KEYS.batchHours), getSetting(db, KEYS.expiryDays)]);
  return {
    enabled: enabled === undefined ? QUEUE_DEFAULTS.enabled : enabled === "1",
    batchSize: whole(batchSize, QUEUE_DEFAULTS.batchSize, QUEUE_LIMITS.batchSize),
    batchHours: whole(batchHours, QUEUE_DEFAULTS.batchHours, QUEUE_LIMITS.batchHours),
    expiryDays: expiryDays ? whole(expiryDays, 0, QUEUE_LIMITS.expiryDays) || null : null,
  };
}

export async function saveQueueSettings(db: DbOrTrx, settings: QueueSettings): Promise<void> {
  await setSetting(db, KEYS.enabled, settings.enabled ? "1" : "0");
  await setSetting(db, KEYS.batchSize, String(settings.batchSize));
  await setSetting(db, KEYS.batchHours, String(settings.batchHours));
  await setSetting(db, KEYS.expiryDays, settings.expiryDays === null ? "" : String(settings.expiryDays));
}

/** When an invitation sent now stops working, under the settings; null for never. */
export function expiryFrom(settings: QueueSettings, now: Date): string | null {
  return settings.expiryDays === null ? null : new Date(now.getTime() + settings.expiryDays * 86_400_000).toISOString();
}

/** The youngest age at which someone may sign up: AO3 asks for 13. An admin may raise it. */
export const MINIMUM_AGE_DEFAULT = 13;
export const MINIMUM_AGE_LIMITS = { min: 13, max: 99 } as const;

export async function minimumAge(db: DbOrTrx): Promise<number> {
  return whole(await getSetting(db, "minimum_age"), MINIMUM_AGE_DEFAULT, MINIMUM_AGE_LIMITS);
}

export async function setMinimumAge(db: DbOrTrx, age: number): Promise<void> {
  await setSetting(db, "minimum_age", String(age));
}
