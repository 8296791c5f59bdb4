import assert from "node:assert/strict";
import { test } from "node:test";
import { Validator } from "@seriousme/openapi-schema-validator";
import { ApiClient } from "../../test/support/api.js";
import { assertMatch, Client, testConfig } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { buildApp } from "../app.js";
import { openApiPath } from "./openapi.js";
import { API_ENDPOINTS } from "./routes.js";

test("the OpenAPI 3.1 document validates and lists every endpoint with its schemas; the docs page lists them too", async (t) => {
  await eachDialect(t, async (_t, testDb) => {
    const app = await buildApp(testConfig(testDb.url), testDb.db);
    try {
      const res = await new ApiClient(app).get("/openapi.json");
      assert.equal(res.status, 200);
      const doc = res.body;
      const validator = new Validator();
      const result = await validator.validate(structuredClone(doc));
      assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2)?.slice(0, 2000));
      assert.equal(validator.version, "3.1");
      assert.equal(doc.servers[0].url, "http://127.0.0.1:3000/api/v1");
      assert.deepEqual(doc.components.securitySchemes.token, { type: "http", scheme: "bearer", description: doc.components.securitySchemes.token.description });

      const operations = Object.entries(doc.paths as Record<string, Record<string, { operationId: string }>>).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => `${method.toUpperCase()} ${path} ${op.operationId}`));
      assert.deepEqual(operations.sort(), API_ENDPOINTS.map((e) => `${e.method} ${openApiPath(e.url)} ${e.operationId}`).sort());
      // The request schemas are the ones that validate: the body's required fields, the query's parameters.
      const postWork = doc.paths["/works"].post;
      assert.equal(postWork.requestBody.content["application/json"].schema.$ref, "#/components/schemas/NewWorkBody");
      assert.deepEqual(doc.components.schemas.NewWorkBody.required.sort(), ["chapter", "fandoms", "rating", "title", "warnings"]);
      assert.deepEqual(postWork.security, [{ token: [] }]);
      assert.equal(postWork.responses["400"].content["application/problem+json"].schema.$ref, "#/components/schemas/Problem");
      assert.ok(postWork.responses["201"].headers["x-ratelimit-remaining"]);
      const listing = doc.paths["/works"].get;
      const sort = listing.parameters.find((p: { name: string }) => p.name === "work_search[sort_column]");
      assert.equal(sort.in, "query");
      assert.ok(sort.schema.anyOf.some((s: { const: string }) => s.const === "kudos_count"));
      assert.ok(listing.parameters.some((p: { name: string; style?: string }) => p.name === "include_work_search[fandom_ids][]" && p.style === "form"));
      assert.deepEqual(doc.paths["/works/{id}"].get.parameters.map((p: { name: string; in: string; required: boolean }) => [p.name, p.in, p.required]), [["id", "path", true]]);

      // The docs page: every endpoint, the errors, linked from every page's footer.
      const home = await new Client(app).get("/works");
      assertMatch(home.body, /<footer[\s\S]*<a href="\/api">API<\/a>/);
      const docs = await new Client(app).get("/api");
      assert.equal(docs.statusCode, 200);
      for (const e of API_ENDPOINTS) assertMatch(docs.body, new RegExp(`id="op-${e.operationId}"[\\s\\S]*?<code>${e.method} /api/v1${e.url.replace(/[/]/g, "\\/")}</code>`), e.operationId);
      assertMatch(docs.body, /id="problem-token_scope"/);
      assertMatch(docs.body, /href="\/api\/v1\/openapi.json"/);
    } finally {
      await app.close();
    }
  });
});
