import assert from "node:assert/strict";
import { test } from "node:test";
import { appWithUser, assertMatch, Client, loggedInUser, redirectedId, workForm } from "./support/app.js";
import { eachDialect } from "./support/db.js";

// Every field that is stored as HTML gets markup that must not survive: a script, an event
// handler, a javascript: link and an iframe, next to a word that must. The pages that show those
// fields emit them unescaped (as TrustedHtml), so this is what the sanitizer on input buys.
const HOSTILE = (word: string) =>
  `${word} <script>alert(1)</script><img src="https://img.example/a.png" onerror="alert(2)"><a href="javascript:alert(3)">link</a><iframe src="https://evil.example/"></iframe><p onclick="alert(4)">end</p>`;
// As live markup only: forms that show the typed text again show it escaped, which is fine.
const SURVIVED = /<script>|<iframe|\sonerror="|\sonclick="|href="javascript:/i;

/** Fails naming the page and showing a little of the markup around what survived. */
function assertClean(body: string, name: string): void {
  const found = SURVIVED.exec(body);
  assert.equal(found ? body.slice(Math.max(0, found.index - 80), found.index + 80) : null, null, `${name}: hostile markup survived`);
}

const tokenIn = (html: string) => /name="comment\[token\]" value="([^"]+)"/.exec(html)?.[1] ?? "";

test("script in user HTML never reaches a rendered page, feed or download", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId, login, password } = await appWithUser(db, url);
    try {
      const writer = new Client(app);
      await writer.logIn(login, password);
      const form = workForm(pseudId, {
        "work[title]": "Tide Tables",
        "work[summary]": HOSTILE("SummaryWord"),
        "work[notes]": HOSTILE("NotesWord"),
        "work[endnotes]": HOSTILE("EndnotesWord"),
        "work[comment_permission]": "all",
        "work[series_attributes][title]": "Harbour Cycle",
        "chapter[content]": HOSTILE("ContentWord"),
      });
      const preview = await writer.post("/works", { ...form, commit: "Preview" });
      assertMatch(preview.body, /SummaryWord/, "preview");
      assertClean(preview.body, "preview");
      const workId = redirectedId(await writer.post("/works", form));
      const series = await db.selectFrom("series").select("id").executeTakeFirstOrThrow();
      await writer.post(`/series/${series.id}`, { "series[title]": "Harbour Cycle", "series[summary]": HOSTILE("SeriesSummaryWord"), "series[series_notes]": HOSTILE("SeriesNotesWord") });

      const { client: reader } = await loggedInUser(app, db, "reader");
      const workPage = await reader.get(`/works/${workId}`);
      await reader.post(`/works/${workId}/comments`, { "comment[token]": tokenIn(workPage.body), "comment[comment_content]": HOSTILE("CommentWord") });
      await reader.post(`/works/${workId}/bookmarks`, { "bookmark[notes]": HOSTILE("BookmarkWord"), "bookmark[tag_string]": "" });

      const guest = new Client(app);
      const pages: Record<string, [string, RegExp]> = {
        "work page": [(await guest.get(`/works/${workId}`)).body, /SummaryWord[\s\S]*NotesWord[\s\S]*ContentWord[\s\S]*EndnotesWord/],
        "comments of the work": [(await guest.get(`/works/${workId}/comments`)).body, /CommentWord/],
        "writer's inbox": [(await writer.get(`/users/${login}/inbox`)).body, /CommentWord/],
        "bookmarks of the work": [(await guest.get(`/works/${workId}/bookmarks`)).body, /BookmarkWord/],
        "works listing": [(await guest.get("/works")).body, /SummaryWord/],
        "series page": [(await guest.get(`/series/${series.id}`)).body, /SeriesSummaryWord[\s\S]*SeriesNotesWord/],
        "user's series": [(await guest.get(`/users/${login}/series`)).body, /SeriesSummaryWord/],
        "Atom feed": [(await guest.get("/works/feed.atom")).body, /SummaryWord/],
        "chapters feed": [(await guest.get(`/works/${workId}/chapters/feed.atom`)).body, /Words:/],
        "HTML download": [(await guest.get(`/downloads/${workId}/Tide_Tables.html`)).body, /SummaryWord[\s\S]*ContentWord/],
      };
      for (const [name, [body, expected]] of Object.entries(pages)) {
        assertMatch(body, expected, name);
        // Feeds carry the HTML escaped once more as XML text: undo that before looking.
        const markup = name.includes("feed") ? body.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&amp;/g, "&") : body;
        assertClean(markup, name);
      }
    } finally {
      await app.close();
    }
  });
});
