import { escapeHtml } from "@kitajs/html";
import type { TSchema } from "@sinclair/typebox";
import type { FastifyReply, FastifyRequest } from "fastify";
import { ERRORS, type ErrorCode } from "../platform/errors.js";
import { type MessageKey, t } from "../platform/i18n/index.js";
import { descriptionOf } from "./described.js";
import type { Endpoint } from "./endpoint.js";
import { parametersOf } from "./openapi.js";
import { API_RATE_LIMITS } from "./plugin.js";
import { API_PREFIX, tokensPath } from "./views/paths.js";

// The API's documentation page, generated from the same endpoint table and schemas as the
// OpenAPI document, so the two cannot disagree.

/** A schema's type in a few words: "integer", "array of string", "one of: a, b". */
export function typeLabel(schema: TSchema): string {
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (Array.isArray(schema.anyOf)) {
    const parts = (schema.anyOf as TSchema[]).map(typeLabel);
    return parts.every((p) => p.startsWith('"')) ? t("api.one_of_value", { value: parts.join(", ") }) : parts.reduce((either, or) => t("api.type_or", { either, or }));
  }
  if (schema.type === "array") return t("api.array_of_value", { value: typeLabel(schema.items as TSchema) });
  if (schema.type === "object") return "object";
  return [schema.type, schema.format ? `(${schema.format})` : ""].filter(Boolean).join(" ");
}

/** The limits a schema sets, as a short phrase. */
function limitsOf(schema: TSchema): string {
  const parts: string[] = [];
  if (schema.minLength !== undefined && schema.minLength > 1) parts.push(t("api.at_least_minlength_characters", { minLength: schema.minLength }));
  if (schema.maxLength !== undefined) parts.push(t("api.at_most_maxlength_characters", { maxLength: schema.maxLength }));
  if (schema.minimum !== undefined) parts.push(t("api.from_minimum", { minimum: schema.minimum }));
  if (schema.maximum !== undefined) parts.push(t("api.to_maximum", { maximum: schema.maximum }));
  if (schema.minItems !== undefined && schema.minItems > 0) parts.push(t("api.at_least_minitems", { minItems: schema.minItems }));
  if (schema.maxItems !== undefined) parts.push(t("api.at_most_maxitems_items", { maxItems: schema.maxItems }));
  return parts.join(", ");
}

const accessText = (): Record<Endpoint["access"], string> => ({
  public: t("api.anyone_with_a_token_any"),
  token: t("api.a_token_of_any_scope"),
  write: t("api.a_token_with_write_scope"),
});

function Parameters({ def }: { def: Endpoint }): JSX.Element {
  const list = [...parametersOf(def.schema.params, "path"), ...parametersOf(def.schema.querystring, "query")] as { name: string; in: string; required: boolean; description?: string }[];
  if (list.length === 0) return "";
  const schemaOf = (p: { name: string; in: string }) => ((p.in === "path" ? def.schema.params : def.schema.querystring)!.properties as Record<string, TSchema>)[p.name]!;
  return (
    <table class="api-fields">
      <caption safe>{t("api.parameters_of_operationid", { operationId: def.operationId })}</caption>
      <thead>
        <tr>
          <th safe scope="col">{t("users.name")}</th>
          <th safe scope="col">{t("api.in")}</th>
          <th safe scope="col">{t("subscriptions.type")}</th>
          <th safe scope="col">{t("api.required")}</th>
          <th safe scope="col">{t("users.description")}</th>
        </tr>
      </thead>
      <tbody>
        {list.map((p) => (
          <tr>
            <th scope="row">
              <code safe>{p.name}</code>
            </th>
            <td safe>{p.in}</td>
            <td safe>{typeLabel(schemaOf(p))}</td>
            <td safe>{p.required ? t("api.yes") : t("api.no")}</td>
            <td safe>{[p.description ?? "", limitsOf(schemaOf(p))].filter(Boolean).join(" ")}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function BodyFields({ def }: { def: Endpoint }): JSX.Element {
  const body = def.schema.body;
  if (!body) return "";
  const required = new Set<string>((body.required as string[] | undefined) ?? []);
  const rows = Object.entries((body.properties ?? {}) as Record<string, TSchema>).flatMap(([name, schema]) =>
    schema.type === "object"
      ? Object.entries((schema.properties ?? {}) as Record<string, TSchema>).map(([inner, s]) => ({ name: `${name}.${inner}`, schema: s, required: required.has(name) && ((schema.required as string[] | undefined) ?? []).includes(inner) }))
      : [{ name, schema, required: required.has(name) }],
  );
  return (
    <table class="api-fields">
      <caption safe>{t("api.json_body_of_operationid", { operationId: def.operationId })}</caption>
      <thead>
        <tr>
          <th safe scope="col">{t("api.field")}</th>
          <th safe scope="col">{t("subscriptions.type")}</th>
          <th safe scope="col">{t("api.required")}</th>
          <th safe scope="col">{t("users.description")}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr>
            <th scope="row">
              <code safe>{row.name}</code>
            </th>
            <td safe>{typeLabel(row.schema)}</td>
            <td safe>{row.required ? t("api.yes") : t("api.no")}</td>
            <td safe>{[descriptionOf(row.schema) ?? "", limitsOf(row.schema)].filter(Boolean).join(" ")}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function example(def: Endpoint, base: string): string {
  if (!def.example) return "";
  const lines = [`curl -X ${def.method} '${base}${API_PREFIX}${def.example.path}'`];
  if (def.access !== "public") lines.push(`  -H 'Authorization: Bearer fanfold_…'`);
  if (def.example.body !== undefined) {
    lines.push(`  -H 'Content-Type: application/json'`);
    lines.push(`  -d '${JSON.stringify(def.example.body, null, 2).replace(/'/g, "'\\''")}'`);
  }
  return lines.join(" \\\n");
}

/** An endpoint group's heading: the group names (OpenAPI tags) are English identifiers in the table. */
function groupLabel(group: string): string {
  const keys: Record<string, MessageKey> = { Works: "api.group.works", "Kudos and bookmarks": "api.group.kudos_bookmarks", "Tags and users": "api.group.tags_users", Comments: "api.group.comments" };
  return keys[group] ? t(keys[group]) : group;
}

const anchor = (def: Endpoint) => `op-${def.operationId}`;

function EndpointDoc({ def, base }: { def: Endpoint; base: string }): JSX.Element {
  return (
    <section class="api-endpoint" id={anchor(def)} aria-labelledby={`${anchor(def)}-h`}>
      <h4 class="heading" id={`${anchor(def)}-h`}>
        <code safe>{`${def.method} ${API_PREFIX}${def.url}`}</code>
      </h4>
      <p safe>{`${t(def.summary)}.`}</p>
      {def.description ? <p safe>{t(def.description)}</p> : ""}
      <p>
        <strong safe>{t("api.who")}</strong> <span safe>{accessText()[def.access]}</span>
      </p>
      <p>
        <strong safe>{t("api.answers")}</strong> <span safe>{Object.keys(def.schema.responses).join(", ")}</span>
      </p>
      <Parameters def={def} />
      <BodyFields def={def} />
      {def.example ? (
        <>
          <p safe>{t("api.example")}</p>
          <pre>
            <code safe>{example(def, base)}</code>
          </pre>
        </>
      ) : (
        ""
      )}
    </section>
  );
}

const PROBLEM_CODES: ErrorCode[] = ["INVALID_REQUEST", "MALFORMED_JSON", "UNSUPPORTED_MEDIA_TYPE", "TOKEN_REQUIRED", "TOKEN_INVALID", "RESTRICTED_WORK", "TOKEN_SCOPE", "FORBIDDEN", "KUDOS_REFUSED", "COMMENT_REFUSED", "NOT_FOUND", "WORK_NOT_FOUND", "METHOD_NOT_ALLOWED", "CONFLICT", "BODY_TOO_LARGE", "UNPROCESSABLE", "RATE_LIMITED", "RATE_LIMIT_UNAVAILABLE", "INTERNAL", "ACCOUNT_SUSPENDED", "ACCOUNT_BANNED"];

function ApiDocsPage({ endpoints, base, tokensHref }: { endpoints: Endpoint[]; base: string; tokensHref: string | null }): JSX.Element {
  const groups = [...new Set(endpoints.map((e) => e.tag))];
  return (
    <div class="api-docs">
      <h2 safe class="heading">{t("api.fanfold_json_api_version_1")}</h2>
      <p>{escapeHtml(t("api.every_endpoint_is_under"))}{" "}<code safe>{`${base}${API_PREFIX}`}</code>{" "}{escapeHtml(t("api.and_answers_json_the_machine"))}{" "}
        <a safe href={`${API_PREFIX}/openapi.json`}>{t("api.openapi_3_1_document")}</a>{escapeHtml(t("api.this_page_is_generated_from"))}</p>
      <nav aria-label={t("api.api_sections")}>
        <ul>
          <li>
            <a safe href="#api-auth">{t("api.tokens_and_scopes")}</a>
          </li>
          <li>
            <a safe href="#api-errors">{t("api.errors")}</a>
          </li>
          <li>
            <a safe href="#api-limits">{t("api.rate_limits")}</a>
          </li>
          {groups.map((group) => (
            <li>
              <a href={`#group-${group.toLowerCase().replace(/[^a-z]+/g, "-")}`} safe>
                {groupLabel(group)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <section id="api-auth" aria-labelledby="api-auth-h">
        <h3 safe class="heading" id="api-auth-h">{t("api.tokens_and_scopes")}</h3>
        <p>{escapeHtml(t("api.make_a_personal_access_token"))}{" "}{tokensHref ? <a safe href={tokensHref}>{t("api.your_token_page")}</a> : escapeHtml(t("api.your_account_s_token_page"))}{" "}{escapeHtml(t("api.and_send_it_with_every"))}{" "}<code safe>{t("api.authorization_bearer_fanfold")}</code>. A <strong safe>{t("api.read")}</strong>{" "}{escapeHtml(t("api.token_reads_what_you_could"))}{" "}
          <strong safe>{t("api.write")}</strong>{" "}{escapeHtml(t("api.token_also_posts_and_edits"))}{" "}<a safe href="/opds">{t("api.opds_catalog")}</a>{" "}{escapeHtml(t("api.as_bearer_or_as_the"))}</p>
      </section>
      <section id="api-errors" aria-labelledby="api-errors-h">
        <h3 safe class="heading" id="api-errors-h">{t("api.errors")}</h3>
        <p>{escapeHtml(t("api.errors_are"))}{" "}<code safe>{t("api.application_problem_json")}</code>{" "}{escapeHtml(t("api.rfc_9457_with_a_stable"))}{" "}<code safe>{t("api.code")}</code>, a <code safe>{t("api.detail")}</code>{" "}{escapeHtml(t("api.sentence_and_for_fields_an"))}{" "}<code safe>{t("api.errors_2")}</code>{" "}{escapeHtml(t("api.list_naming_each_field"))}<code safe>{t("api.title")}</code>, <code safe>{t("api.chapter_content")}</code>{escapeHtml(t("api.a_parameter_s_name_a"))}</p>
        <dl>
          {PROBLEM_CODES.map((code) => (
            <>
              <dt id={`problem-${code.toLowerCase()}`}>
                <code>{code}</code> <span safe>{`(${ERRORS[code].status})`}</span>
              </dt>
              <dd safe>{t(ERRORS[code].message, { detail: "…", limit: "…", seconds: "N", method: "…", allowed: "…", has: t("api.scope.read"), needs: t("api.scope.write"), until: "…", reason: "…" })}</dd>
            </>
          ))}
        </dl>
        <p safe>{t("api.strict_contract")}</p>
      </section>
      <section id="api-limits" aria-labelledby="api-limits-h">
        <h3 safe class="heading" id="api-limits-h">{t("api.rate_limits")}</h3>
        <p safe>
          {t("api.up_to_token_requests_a", { token: API_RATE_LIMITS.token, anonymous: API_RATE_LIMITS.anonymous })}
        </p>
      </section>
      {groups.map((group) => (
        <section id={`group-${group.toLowerCase().replace(/[^a-z]+/g, "-")}`} aria-labelledby={`group-${group.toLowerCase().replace(/[^a-z]+/g, "-")}-h`}>
          <h3 class="heading" id={`group-${group.toLowerCase().replace(/[^a-z]+/g, "-")}-h`} safe>
            {groupLabel(group)}
          </h3>
          {endpoints
            .filter((e) => e.tag === group)
            .map((def) => (
              <EndpointDoc def={def} base={base} />
            ))}
        </section>
      ))}
    </div>
  );
}

/** `/api`: the docs page of a table of endpoints (routes.ts passes its own table, so neither file imports the other). */
export async function showApiDocs(req: FastifyRequest, reply: FastifyReply, endpoints: Endpoint[]) {
  const login = req.viewer.user?.login;
  return reply.page("API", <ApiDocsPage endpoints={endpoints} base={req.config.publicUrl} tokensHref={login ? tokensPath(login) : null} />, { mainClass: "api-docs" });
}
