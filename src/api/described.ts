import type { TSchema } from "@sinclair/typebox";
import { type MessageKey, t } from "../platform/i18n/index.js";

/**
 * The words a schema says about a field, as a catalogue message rather than English text: its
 * key, and its parameters (numbers, machine text, or further messages, which are translated too).
 */
export interface SchemaMessage {
  key: MessageKey;
  params?: Record<string, string | number | SchemaMessage>;
}

/**
 * The schemas in schema.ts are built once, at module load, when the archive's language is not yet
 * chosen, and `t()` must run while rendering. So a schema carries the message (under this
 * keyword) instead of a `description`, and the two places that show schemas to people, the
 * OpenAPI document (openapi.ts) and the docs page (docs.tsx), turn it into a `description` in the
 * archive's language each time they render; the document carries the description, not the keyword.
 * The API's request validators (TypeBox's compiler, set in plugin.ts) ignore keywords they do not
 * know, so the keyword changes nothing about what a request may carry. Fastify's default
 * validator (ajv in strict mode) would refuse to compile a schema with it, loudly at start-up:
 * these schemas are for the API plugin's validators only.
 */
export const MESSAGE_KEYWORD = "x-message";

/** A message for a schema's description: `Type.String({ maxLength: 20, ...described("api.schema.…") })`. */
export function described(key: MessageKey, params?: SchemaMessage["params"]): { [MESSAGE_KEYWORD]: SchemaMessage } {
  return { [MESSAGE_KEYWORD]: message(key, params) };
}

/** A message to pass as another message's parameter. */
export function message(key: MessageKey, params?: SchemaMessage["params"]): SchemaMessage {
  return params ? { key, params } : { key };
}

/** A message in the archive's language, its message parameters translated first. */
export function renderMessage({ key, params = {} }: SchemaMessage): string {
  return t(key, Object.fromEntries(Object.entries(params).map(([name, value]) => [name, typeof value === "object" ? renderMessage(value) : value])));
}

/** A schema's description in the archive's language, or undefined when it has none. */
export function descriptionOf(schema: TSchema): string | undefined {
  const carried = schema[MESSAGE_KEYWORD] as SchemaMessage | undefined;
  return carried ? renderMessage(carried) : undefined;
}
