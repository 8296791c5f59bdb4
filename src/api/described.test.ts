import assert from "node:assert/strict";
import { test } from "node:test";
import { Type } from "@sinclair/typebox";
import { TypeCompiler } from "@sinclair/typebox/compiler";
import { useLocale } from "../platform/i18n/index.js";
import { pseudoLocalize } from "../platform/i18n/pseudo.js";
import { described, descriptionOf, message } from "./described.js";

test("a schema's description is its catalogue message, rendered in the language in use when it is read", () => {
  // Built before the locale changes, as schema.ts's shapes are built at module load.
  const schema = Type.String({ maxLength: 20, ...described("api.schema.range_from", { column: message("listing.sort.word_count"), format: message("api.schema.format_whole_number") }) });
  assert.equal(descriptionOf(schema), "Word Count from, inclusive (a whole number).");
  useLocale("pseudo");
  try {
    assert.equal(descriptionOf(schema), pseudoLocalize("{column} from, inclusive ({format}).").replace("{column}", pseudoLocalize("Word Count")).replace("{format}", pseudoLocalize("a whole number")));
  } finally {
    useLocale("en");
  }
  assert.equal(descriptionOf(Type.String()), undefined);
});

test("the message keyword does not change what a schema accepts", () => {
  const plain = TypeCompiler.Compile(Type.Object({ id: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }));
  const carrying = TypeCompiler.Compile(Type.Object({ id: Type.Integer({ minimum: 1, ...described("api.schema.work_id") }) }, { additionalProperties: false }));
  for (const value of [{ id: 1 }, { id: 0 }, { id: "1" }, {}, { id: 1, other: 2 }]) assert.equal(carrying.Check(value), plain.Check(value), JSON.stringify(value));
});
