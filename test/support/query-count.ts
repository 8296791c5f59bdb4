import { AsyncLocalStorage } from "node:async_hooks";
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryId, QueryResult, RootOperationNode, UnknownRow } from "kysely";
import type { Db } from "../../src/platform/db/index.js";

/** What ran inside one `count(...)`: the number of queries and their SQL, in order. */
export interface QueryLog {
  queries: number;
  sql: string[];
}

/**
 * Counts the queries Kysely runs on a database handle, for tests that a page's query count does
 * not grow with its data. `db` is the same database through a counting plugin (give it to the
 * app or the query under test); `count(fn)` runs `fn` and reports only the queries run on its
 * behalf (followed through async calls), so timers and other requests in flight (the browse
 * index polling the change feed) are not counted.
 */
export function queryCounter(base: Db): { db: Db; count<T>(fn: () => Promise<T>): Promise<QueryLog & { result: T }> } {
  const current = new AsyncLocalStorage<QueryLog>();
  const pending = new WeakMap<QueryId, string>();
  const plugin: KyselyPlugin = {
    transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
      if (current.getStore()) pending.set(args.queryId, base.getExecutor().compileQuery(args.node, args.queryId).sql);
      return args.node;
    },
    async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      const log = current.getStore();
      if (log) {
        log.queries += 1;
        log.sql.push(pending.get(args.queryId) ?? "(unknown)");
      }
      return args.result;
    },
  };
  return {
    db: base.withPlugin(plugin),
    async count(fn) {
      const log: QueryLog = { queries: 0, sql: [] };
      const result = await current.run(log, fn);
      return { ...log, result };
    },
  };
}
