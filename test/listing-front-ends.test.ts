import assert from "node:assert/strict";
import { test } from "node:test";
import type { FastifyInstance } from "fastify";
import { createToken } from "../src/api/commands.js";
import { relate } from "../src/blocking/commands.js";
import { appendChanges } from "../src/platform/changes.js";
import type { Db } from "../src/platform/db/index.js";
import { findTagByName } from "../src/model/tags.js";
import { runRefilterNow } from "../src/tags/refilter.js";
import { wrangle } from "../src/tags/wrangling.js";
import { ApiClient } from "./support/api.js";
import { appWithUser, Client, loggedInUser } from "./support/app.js";
import { eachDialect } from "./support/db.js";
import { makeCreator, makeWork } from "./support/factories.js";

// The four front-ends of a works listing (the HTML page, the JSON API, the Atom feed and the OPDS
// acquisition feed) call one use case (listingPage): asked for the same listing by the same
// viewer, they must list the same works in the same order. Checked as a guest and as a member
// who muted a creator, with registered-only works and drafts in the archive.

/** Work ids in the order an HTML listing shows them. */
function htmlIds(html: string): number[] {
  return [...html.matchAll(/<h4 class="heading"><a href="\/works\/(\d+)"/g)].map((m) => Number(m[1]));
}

/** Work ids in the order an Atom or OPDS feed's entries give them. */
function feedIds(xml: string): number[] {
  return [...xml.matchAll(/<entry>\s*<id>[^<]*\/works\/(\d+)<\/id>/g)].map((m) => Number(m[1]));
}

async function feed(app: FastifyInstance, url: string, authorization?: string): Promise<number[]> {
  const res = await app.inject({ method: "GET", url, headers: authorization ? { authorization } : {} });
  assert.equal(res.statusCode, 200, `${url}: ${res.body.slice(0, 200)}`);
  return feedIds(res.body);
}

async function seed(db: Db, writerPseud: number) {
  const wrangled = await wrangle(db, null, [{ action: "create", name: "Lantern Coast", type: "Fandom", canonical: true }]);
  assert.ok(wrangled.ok);
  if (wrangled.jobId !== null) await runRefilterNow(db, wrangled.jobId);
  const loud = await makeCreator(db, "loud");
  const fandoms = ["Lantern Coast"];
  const ids = [
    await makeWork(db, writerPseud, { title: "Open One", fandoms }),
    await makeWork(db, writerPseud, { title: "Open Two", fandoms }),
    await makeWork(db, writerPseud, { title: "Members Only", fandoms, restricted: true }),
    await makeWork(db, writerPseud, { title: "Still A Draft", fandoms, draft: true }),
    await makeWork(db, writerPseud, { title: "In Progress", fandoms, expectedChapters: null }),
    await makeWork(db, writerPseud, { title: "Elsewhere", fandoms: ["Other Shore"] }),
    await makeWork(db, loud.pseudId, { title: "Loud Open", fandoms }),
    await makeWork(db, loud.pseudId, { title: "Loud Members", fandoms, restricted: true }),
    await makeWork(db, writerPseud, { title: "Open Three", fandoms }),
  ];
  // Kudos with ties (the order then falls to the id), and published dates (as backdating sets
  // them) in another order than the works were made in, through the change feed as the commands do.
  const kudos = [3, 5, 4, 9, 2, 7, 5, 6, 3];
  const publishedDay = [14, 3, 21, 9, 1, 17, 6, 25, 11];
  for (const [i, id] of ids.entries()) {
    await db.updateTable("works").set({ kudos_count: kudos[i]!, published_on: `2024-02-${String(publishedDay[i]).padStart(2, "0")}` }).where("id", "=", id).execute();
  }
  await appendChanges(db, ids, "work");
  const fandom = (await findTagByName(db, "Lantern Coast"))!.id;
  return { loud, fandom, draft: ids[3]!, members: [ids[2]!, ids[7]!], loudWorks: [ids[6]!, ids[7]!] };
}

test("the HTML listing, the API, Atom and OPDS list the same works in the same order, for a guest and for a member who muted someone", async (t) => {
  await eachDialect(t, async (_t, testDb) => {
    const { db } = testDb;
    const { app, pseudId } = await appWithUser(db, testDb.url);
    try {
      const { loud, fandom, draft, members, loudWorks } = await seed(db, pseudId);
      const reader = await loggedInUser(app, db, "reader");
      await relate(db, "mute", reader.userId, loud.userId);
      const token = (await createToken(db, reader.userId, "feeds", "read")).token;
      const basic = `Basic ${Buffer.from(`reader:${token}`).toString("base64")}`;

      const filters = [
        `include_work_search%5Bfandom_ids%5D%5B%5D=${fandom}&work_search%5Bsort_column%5D=kudos_count`,
        `include_work_search%5Bfandom_ids%5D%5B%5D=${fandom}&work_search%5Bcomplete%5D=T&work_search%5Bsort_column%5D=title_to_sort_on`,
        "work_search%5Bsort_column%5D=created_at&work_search%5Bwords_from%5D=1",
        "work_search%5Bother_tag_names%5D=Lantern%20Coast&work_search%5Bsort_column%5D=hits&work_search%5Bsort_direction%5D=asc",
      ];
      for (const query of filters) {
        // A guest: no session, no credentials.
        const guest = {
          html: htmlIds((await new Client(app).get(`/works?${query}`)).body),
          api: (await new ApiClient(app).get(`/works?${query}`)).body.works.map((w: { id: number }) => w.id),
          atom: await feed(app, `/works/feed.atom?${query}`),
          opds: await feed(app, `/opds/works?${query}`),
        };
        assert.ok(guest.html.length > 0, `${query}: the guest's listing is not empty`);
        assert.deepEqual(guest.api, guest.html, `${query}: guest, API`);
        assert.deepEqual(guest.atom, guest.html, `${query}: guest, Atom`);
        assert.deepEqual(guest.opds, guest.html, `${query}: guest, OPDS`);
        for (const id of [draft, ...members]) assert.ok(!guest.html.includes(id), `${query}: a guest sees no draft or registered-only work`);

        // The member: the session for the page, a token for the API, Basic (a token as the password) for Atom, Bearer for OPDS.
        const member = {
          html: htmlIds((await reader.client.get(`/works?${query}`)).body),
          api: (await new ApiClient(app, token).get(`/works?${query}`)).body.works.map((w: { id: number }) => w.id),
          atom: await feed(app, `/works/feed.atom?${query}`, basic),
          opds: await feed(app, `/opds/works?${query}`, `Bearer ${token}`),
        };
        assert.ok(member.html.length > 0, `${query}: the member's listing is not empty`);
        assert.deepEqual(member.api, member.html, `${query}: member, API`);
        assert.deepEqual(member.atom, member.html, `${query}: member, Atom`);
        assert.deepEqual(member.opds, member.html, `${query}: member, OPDS`);
        for (const id of [draft, ...loudWorks]) assert.ok(!member.html.includes(id), `${query}: no draft, nothing by the muted creator`);
        if (!query.includes("complete")) assert.ok(member.html.includes(members[0]!), `${query}: the member sees the registered-only work`);
      }

      // "Date Posted" is the published date in search too: sort:posted lists as the sidebar's created_at sort does.
      const byPosted = htmlIds((await reader.client.get("/works?work_search%5Bsort_column%5D=created_at")).body);
      assert.deepEqual((await new ApiClient(app, token).get("/search?q=sort%3Aposted")).body.works.map((w: { id: number }) => w.id), byPosted);
      const days = await db.selectFrom("works").select(["id", "published_on"]).where("id", "in", byPosted).execute();
      const dayOf = new Map(days.map((d) => [d.id, d.published_on]));
      assert.deepEqual(byPosted.map((id) => dayOf.get(id)), [...byPosted.map((id) => dayOf.get(id))].sort().reverse(), "newest published first");
    } finally {
      await app.close();
    }
  });
});
