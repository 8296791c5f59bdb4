import type { TSchema } from "@sinclair/typebox";
import type { Endpoint } from "./endpoint.js";
import { NAMED_SCHEMAS } from "./schema.js";
import { API_DOCS_PATH, API_PREFIX } from "./views/paths.js";
import { t } from "../platform/i18n/index.js";

type Json = Record<string, unknown>;

const NAME_OF = new Map<TSchema, string>(Object.entries(NAMED_SCHEMAS).map(([name, schema]) => [schema, name]));

/**
 * A schema as plain JSON Schema (TypeBox's symbol keys dropped), with named shapes replaced by
 * references to the document's components. `own` is the component being written out itself.
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
          .map(([k, v]) => [k, k === "$ref" && typeof v === "string" && NAMED_SCHEMAS[v] ? `#/components/schemas/${v}` : walk(v)]),
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

const STATUS_TEXT: Record<number, string> = {
  200: "OK",
  201: "Created",
  204: "No content",
  400: "Malformed JSON, or a parameter or field that does not match the schema (each named in `errors`)",
  401: "No token where one is needed, or an unknown or revoked token; or a registered-only work without a token",
  403: "The token's scope does not allow this, or the work is not yours",
  404: "Not found, or not visible to you",
  409: "Conflicts with what is there",
  422: "Fields the archive's rules refuse (each named in `errors`)",
  429: "Too many requests: see Retry-After and the X-RateLimit-* headers",
};

const RATE_HEADERS = {
  "x-ratelimit-limit": { description: "Requests allowed in the window.", schema: { type: "integer" } },
  "x-ratelimit-remaining": { description: "Requests left in the window.", schema: { type: "integer" } },
  "x-ratelimit-reset": { description: "Seconds until the window resets.", schema: { type: "integer" } },
};

function responsesOf(def: Endpoint): Json {
  const statuses: Record<number, TSchema | null> = { ...def.schema.responses };
  const problem = NAMED_SCHEMAS.Problem!;
  if (def.schema.body || def.schema.querystring || def.schema.params) statuses[400] ??= problem;
  if (def.access !== "public" || def.url.startsWith("/works/:id")) statuses[401] ??= problem;
  if (def.access === "write") statuses[403] ??= problem;
  statuses[429] ??= problem;
  return Object.fromEntries(
    Object.entries(statuses).map(([status, schema]) => {
      const code = Number(status);
      const type = code >= 400 ? "application/problem+json" : "application/json";
      return [status, { description: STATUS_TEXT[code] ?? "", headers: RATE_HEADERS, ...(schema ? { content: { [type]: { schema: schemaJson(schema) } } } : {}) }];
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
      description:
        "Read works, chapters, tags, users, bookmarks, listings and search; post and edit works and chapters, leave kudos and bookmarks. " +
        "Authenticate with a personal access token (Authorization: Bearer TOKEN) made on your account's token page; read scope reads, write scope writes too. " +
        "Errors are application/problem+json.",
    },
    externalDocs: { url: `${publicUrl}${API_DOCS_PATH}`, description: "The API's documentation page" },
    servers: [{ url: `${publicUrl}${API_PREFIX}` }],
    tags: [...new Set(endpoints.map((e) => e.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(NAMED_SCHEMAS).map(([name, schema]) => [name, schemaJson(schema, schema)])),
      securitySchemes: { token: { type: "http", scheme: "bearer", description: "A personal access token (fanfold_…), scope read or write." } },
    },
  };
}
