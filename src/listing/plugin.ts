import type { FastifyInstance } from "fastify";
import type { Db } from "../platform/db/index.js";
import { BrowseIndex } from "./index-loader.js";

declare module "fastify" {
  interface FastifyRequest {
    /** This process's browse index (src/listing/index-loader.ts). */
    browse: BrowseIndex;
  }
}

/**
 * Builds the browse index before the app serves, hands it to every request, follows the change
 * feed while the app runs, and stops following when it closes.
 */
export async function attachBrowseIndex(app: FastifyInstance, db: Db, options: { progress?: boolean } = {}): Promise<BrowseIndex> {
  let lastShown = 0;
  const browse = await BrowseIndex.build(db, {
    progress: options.progress
      ? (done, total) => {
          if (done - lastShown < 100_000 && done !== total) return;
          lastShown = done;
          process.stderr.write(`browse index: ${done.toLocaleString("en")} of ${total.toLocaleString("en")} works\n`);
        }
      : undefined,
  });
  if (options.progress) process.stderr.write(`browse index: ready, ${browse.index.size.toLocaleString("en")} works in ${browse.buildSeconds.toFixed(1)} s\n`);
  app.decorateRequest("browse", null as unknown as BrowseIndex);
  app.addHook("onRequest", async (req) => {
    req.browse = browse;
  });
  app.addHook("onClose", async () => {
    await browse.stop();
  });
  browse.follow();
  return browse;
}
