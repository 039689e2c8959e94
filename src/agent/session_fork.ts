// Forking a session: a new session that starts with a copy of another's live messages.
import { transaction } from "../store/mod.ts";
import type { SessionInfo } from "./session_rows.ts";
import type { SessionStore } from "./session_store.ts";

/** Copies a session's live messages (up to `uptoSeq` when given) into a new session. */
export function forkSession(
  store: SessionStore,
  sourceRef: string,
  options: { uptoSeq?: number } = {},
): SessionInfo {
  const source = store.get(sourceRef);
  return transaction(store.db, () => {
    const forked = store.create({
      model: source.model,
      systemPrompt: source.systemPrompt,
      parentId: source.id,
    });
    if (source.title) store.setTitle(forked.id, `${source.title} (fork)`);
    for (const stored of store.live(source.id)) {
      if (options.uptoSeq !== undefined && stored.seq > options.uptoSeq && !stored.summary) break;
      const seq = store.append(forked.id, stored.message, stored.agentRole);
      if (stored.summary) store.markSummary(forked.id, seq);
    }
    store.flush();
    return store.get(forked.id);
  });
}
