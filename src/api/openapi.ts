import type { TSchema } from "@sinclair/typebox";
import type { Endpoint } from "./endpoint.js";
import { NAMED_SCHEMAS } from "./schema.js";
import { API_DOCS_PATH, API_PREFIX } from "./views/paths.js";
import { type MessageKey, t } from "../platform/i18n/index.js";
import { MESSAGE_KEYWORD, renderMessage, type SchemaMessage } from "./described.js";

type Json = Record<string, unknown>;

const NAME_OF = new Map<TSchema, string>(Object.entries(NAMED_SCHEMAS).map(([name, schema]) => [schema, name]));

/**
 * A schema as plain JSON Schema (TypeBox's symbol keys dropped), with named shapes replaced by
 * references to the document's components and each description message rendered in the archive's
 * language. `own` is the component being written out itself.
 */
function schemaJson(schema: TSchema, own?: TSchema): Json {
  const walk = (node: unknown): unknown => {
    if (node !== own && NAME_OF.has(node as TSchema)) return { $ref: `#/components/schemas/${NAME_OF.get(node as TSchema)}` };
    if (Array.isArray(node)) return node.map(walk);
    if (node && typeof node === "object") {
      // A recursive shape (a comment's replies) refers to itself by its $id: point it at the component.
      return Object.fromEntries(
        Object.entries(node)
          .filter(([k]) => k !== "$id")
          .map(([k, v]) => {
            if (k === MESSAGE_KEYWORD) return ["description", renderMessage(v as SchemaMessage)];
            return [k, k === "$ref" && typeof v === "string" && NAMED_SCHEMAS[v] ? `#/components/schemas/${v}` : walk(v)];
          }),
      );
    }
    return node;
  };
  return walk(schema) as Json;
}

/** `/works/:id` → `/works/{id}`. */
export function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z]+)/g, "{$1}");
}

/** The parameters of a path or query schema, each as an OpenAPI parameter. */
export function parametersOf(schema: TSchema | undefined, where: "path" | "query"): Json[] {
  if (!schema) return [];
  const required = new Set<string>((schema.required as string[] | undefined) ?? []);
  return Object.entries((schema.properties ?? {}) as Record<string, TSchema>).map(([name, property]) => {
    const { description, ...rest } = schemaJson(property);
    return {
      name,
      in: where,
      required: where === "path" || required.has(name),
      ...(description ? { description } : {}),
      schema: rest,
      ...(rest.type === "array" ? { style: "form", explode: true } : {}),
    };
  });
}

// The document's own words are catalogue keys too, translated when the document is made.
const STATUS_TEXT: Record<number, MessageKey> = {
  200: "api.openapi.status_200",
  201: "api.openapi.status_201",
  204: "api.openapi.status_204",
  400: "api.openapi.status_400",
  401: "api.openapi.status_401",
  403: "api.openapi.status_403",
  404: "api.openapi.status_404",
  409: "api.openapi.status_409",
  422: "api.openapi.status_422",
  429: "api.openapi.status_429",
};

const rateHeaders = () => ({
  "x-ratelimit-limit": { description: t("api.openapi.rate_limit"), schema: { type: "integer" } },
  "x-ratelimit-remaining": { description: t("api.openapi.rate_remaining"), schema: { type: "integer" } },
  "x-ratelimit-reset": { description: t("api.openapi.rate_reset"), schema: { type: "integer" } },
});

function responsesOf(def: Endpoint): Json {
  const statuses: Record<number, TSchema | null> = { ...def.schema.responses };
  const problem = NAMED_SCHEMAS.Problem!;
  if (def.schema.body || def.schema.querystring || def.schema.params) statuses[400] ??= problem;
  // Any operation: an Authorization header that does not name a live token is refused, never ignored.
  statuses[401] ??= problem;
  if (def.access === "write") statuses[403] ??= problem;
  statuses[429] ??= problem;
  const headers = rateHeaders();
  return Object.fromEntries(
    Object.entries(statuses).map(([status, schema]) => {
      const code = Number(status);
      const type = code >= 400 ? "application/problem+json" : "application/json";
      return [status, { description: STATUS_TEXT[code] ? t(STATUS_TEXT[code]) : "", headers, ...(schema ? { content: { [type]: { schema: schemaJson(schema) } } } : {}) }];
    }),
  );
}

function operationOf(def: Endpoint): Json {
  return {
    operationId: def.operationId,
    summary: t(def.summary),
    ...(def.description ? { description: t(def.description) } : {}),
    tags: [def.tag],
    security: def.access === "public" ? [{}, { token: [] }] : [{ token: [] }],
    ...(def.access === "write" ? { "x-token-scope": "write" } : def.access === "token" ? { "x-token-scope": "read" } : {}),
    parameters: [...parametersOf(def.schema.params, "path"), ...parametersOf(def.schema.querystring, "query")],
    ...(def.schema.body ? { requestBody: { required: true, content: { "application/json": { schema: schemaJson(def.schema.body) } } } } : {}),
    responses: responsesOf(def),
  };
}

/** The OpenAPI 3.1 document of the API, generated from the endpoint table and its schemas. */
export function openApiDocument(endpoints: Endpoint[], publicUrl: string): Json {
  const paths: Record<string, Json> = {};
  for (const def of endpoints) {
    const path = openApiPath(def.url);
    paths[path] ??= {};
    paths[path]![def.method.toLowerCase()] = operationOf(def);
  }
  return {
    openapi: "3.1.0",
    jsonSchemaDialect: "https://spec.openapis.org/oas/3.1/dialect/base",
    info: {
      title: "Fanfold API",
      version: "1",
      description: t("api.openapi.description"),
    },
    externalDocs: { url: `${publicUrl}${API_DOCS_PATH}`, description: t("api.openapi.docs_link") },
    servers: [{ url: `${publicUrl}${API_PREFIX}` }],
    tags: [...new Set(endpoints.map((e) => e.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(NAMED_SCHEMAS).map(([name, schema]) => [name, schemaJson(schema, schema)])),
      securitySchemes: { token: { type: "http", scheme: "bearer", description: t("api.openapi.security") } },
    },
  };
}
