import { fileURLToPath } from "node:url";
import { z } from "zod";
import type { OpenedHost } from "../../tools/host.ts";
import {
  CallToolRequestSchema,
  CompleteRequestSchema,
  ErrorCode,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
  Server,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from "./_sdk.ts";
import type { LoggingLevel, McpTool } from "./_sdk.ts";
import { callTool, createElicitingAsker, toMcpTool } from "./tools.ts";
import { FILE_TEMPLATE, readResource, RESOURCES, watchedPathsOf } from "./resources.ts";
import { ResourceSubscriptions } from "./subscriptions.ts";
import { DECISION_NODE_TEMPLATE, DecisionSubscriptions, isDecisionUri } from "./decisions.ts";
import { complete, getPrompt, PROMPTS } from "./prompts.ts";
import { INSTRUCTIONS, SERVER_CAPABILITIES, serverInfo } from "./handshake.ts";

/** What one MCP session needs from its composition root. */
export interface LoomServerOptions {
  /** Opens the tool host for a project root; called once, on first need. */
  openHost: (root: string) => Promise<OpenedHost>;
  /** The root given with `--project`; when absent, the client's first root or `cwd`. */
  project?: string;
  cwd: string;
  /** Ask the client for its roots when no project was given (stdio only). */
  useRoots?: boolean;
  /** False for a directory this process may not use (outside Deno's grants); default: all. */
  canUseRoot?: (path: string) => boolean;
  version: string;
  /** Diagnostics for the operator (stderr); never the protocol stream. */
  log?: (text: string) => void;
  /** Log the project served once a session is initialized (default true; HTTP says it once). */
  announce?: boolean;
}

/** One MCP session: the SDK server plus the lazily opened project. */
export interface LoomServer {
  server: Server;
  /** The project host, opened on first use. */
  opened(): Promise<OpenedHost>;
  /** Sends `notifications/message` to the client (filtered by its `logging/setLevel`). */
  notify(level: LoggingLevel, data: string): void;
  /** Resolves once every request received so far has been answered (reply written) or at close. */
  answered(): Promise<void>;
  close(): Promise<void>;
}

/** Builds the MCP server for one session: tools, resources, prompts, logging, completion. */
export function createLoomServer(options: LoomServerOptions): LoomServer {
  const server = new Server(serverInfo(options.version), {
    capabilities: structuredClone(SERVER_CAPABILITIES),
    instructions: INSTRUCTIONS,
  });
  const log = options.log ?? (() => {});
  // The SDK turns a request its schema rejects into -32603 Internal error; bad params are the
  // client's mistake (-32602), and the message names the field and what was expected.
  const onRequest = <S extends z.ZodType>(
    schema: S & { shape: { method: { value: string } } },
    // deno-lint-ignore no-explicit-any
    handler: (request: z.infer<S>, extra: any) => unknown,
  ) => {
    const method = schema.shape.method.value;
    // Server's own tools/call wrapper parses the request a second time and the result (which
    // callTool builds well-formed) once more, with zod, on every call: the base class's
    // registration keeps the protocol machinery (ids, cancellation, progress) without them.
    const register: Server["setRequestHandler"] = method === "tools/call"
      ? Object.getPrototypeOf(Server.prototype).setRequestHandler
      : server.setRequestHandler;
    register.call(
      server,
      z.looseObject({ method: z.literal(method) }) as unknown as S,
      ((request: unknown, extra: unknown) => {
        const parsed = schema.safeParse(request);
        if (!parsed.success) {
          throw new McpError(ErrorCode.InvalidParams, invalidParams(method, parsed.error));
        }
        return handler(parsed.data, extra);
      }) as never,
    );
  };
  const notify = (level: LoggingLevel, data: string) => {
    server.sendLoggingMessage({ level, logger: "loom", data }).catch(() => {});
  };
  let openedPromise: Promise<OpenedHost> | undefined;
  const inflight = new Set<Promise<unknown>>();
  const opened = () => openedPromise ??= chooseRoot().then(options.openHost);

  async function chooseRoot(): Promise<string> {
    if (options.project !== undefined) return options.project;
    if (options.useRoots && server.getClientCapabilities()?.roots) {
      try {
        const { roots } = await server.listRoots(undefined, { timeout: 10_000 });
        for (const root of roots) {
          if (!root.uri.startsWith("file:")) continue;
          const path = fileURLToPath(root.uri);
          if (options.canUseRoot && !options.canUseRoot(path)) {
            notify(
              "warning",
              `Cannot use the root "${path}": it is outside what this process may read; serving ${options.cwd}`,
            );
            log(`loom mcp: root ${path} is outside the sandbox; serving ${options.cwd}`);
            break;
          }
          notify("info", `Serving the client's first root: ${path}`);
          return path;
        }
      } catch (err) {
        log(`loom mcp: roots/list failed (${String(err)}); serving ${options.cwd}`);
      }
    }
    return options.cwd;
  }

  server.oninitialized = () => {
    opened().then(
      (o) => options.announce !== false && log(`loom mcp: serving ${o.host.context.guard.root}`),
      (err) => log(`loom mcp: cannot open the project: ${String(err)}`),
    );
  };

  // One session has one host, whose registry never changes: its listing is made once (the JSON
  // schemas of twelve tools take milliseconds to build).
  let toolList: Promise<McpTool[]> | undefined;
  onRequest(ListToolsRequestSchema, async () => ({
    tools: await (toolList ??= opened().then(({ host }) =>
      [...host.tools.values()].map(toMcpTool)
    )),
  }));

  onRequest(CallToolRequestSchema, async (request, extra) => {
    const { host } = await opened();
    const token = request.params._meta?.progressToken;
    const progress = token === undefined
      ? undefined
      : (p: number, total?: number, message?: string) => {
        extra.sendNotification({
          method: "notifications/progress",
          params: { progressToken: token, progress: p, total, message },
        }).catch(() => {});
      };
    const ask = server.getClientCapabilities()?.elicitation?.form
      ? createElicitingAsker((message, requestedSchema) =>
        server.elicitInput({ message, requestedSchema }, {
          relatedRequestId: extra.requestId,
          signal: extra.signal,
          timeout: 600_000,
        })
      )
      : undefined;
    const call = callTool(host, request.params.name, request.params.arguments ?? {}, {
      signal: extra.signal,
      progress,
      ask,
      log,
    });
    inflight.add(call);
    const result = await call.finally(() => inflight.delete(call));
    if (result.isError) {
      const first = result.content[0];
      notify("warning", first?.type === "text" ? first.text : `${request.params.name} failed`);
    }
    return result;
  });

  const subscriptions = new ResourceSubscriptions((uri) => {
    server.sendResourceUpdated({ uri }).catch(() => {});
  });
  const decisionSubscriptions = new DecisionSubscriptions((uri) => {
    server.sendResourceUpdated({ uri }).catch(() => {});
  });
  onRequest(ListResourcesRequestSchema, () => ({ resources: RESOURCES }));
  onRequest(ListResourceTemplatesRequestSchema, () => ({
    resourceTemplates: [FILE_TEMPLATE, DECISION_NODE_TEMPLATE],
  }));
  onRequest(ReadResourceRequestSchema, async (request) => ({
    contents: [await readResource(await opened(), request.params.uri)],
  }));
  onRequest(SubscribeRequestSchema, async (request) => {
    const uri = request.params.uri;
    if (isDecisionUri(uri)) await decisionSubscriptions.subscribe(await opened(), uri);
    else subscriptions.subscribe(uri, await watchedPathsOf(await opened(), uri));
    return {};
  });
  onRequest(UnsubscribeRequestSchema, (request) => {
    subscriptions.unsubscribe(request.params.uri);
    decisionSubscriptions.unsubscribe(request.params.uri);
    return {};
  });

  onRequest(ListPromptsRequestSchema, () => ({ prompts: PROMPTS }));
  onRequest(
    GetPromptRequestSchema,
    async (request) =>
      getPrompt(await opened(), request.params.name, request.params.arguments ?? {}),
  );
  onRequest(CompleteRequestSchema, async (request) => ({
    completion: await complete(await opened(), request.params.ref, request.params.argument),
  }));

  const sessionClosed = Promise.withResolvers<void>();
  server.onclose = () => {
    sessionClosed.resolve();
    subscriptions.close();
    decisionSubscriptions.close();
  };
  return {
    server,
    opened,
    notify,
    // Closing clears the table without deleting entries one by one: the close ends the wait too.
    answered: () => Promise.race([whenAnswered(server, inflight), sessionClosed.promise]),
    async close() {
      subscriptions.close();
      decisionSubscriptions.close();
      await server.close();
      // Closing aborted the running calls; wait until they have killed their processes.
      await Promise.allSettled([...inflight]);
    },
  };
}

/**
 * Waits for the SDK's table of running request handlers to empty: an entry leaves it once its
 * reply has been sent, so nothing is added per request to learn this. Without that table (another
 * SDK version) the running tool calls are what is waited for.
 */
function whenAnswered(server: Server, inflight: Set<Promise<unknown>>): Promise<void> {
  const running = (server as unknown as { _requestHandlerAbortControllers?: unknown })
    ._requestHandlerAbortControllers;
  if (!(running instanceof Map)) return Promise.allSettled([...inflight]).then(() => {});
  if (running.size === 0) return Promise.resolve();
  const { promise, resolve } = Promise.withResolvers<void>();
  // Watches this one table's deletions from now on (called once, when input has ended).
  const remove = running.delete;
  running.delete = function (key: unknown): boolean {
    const removed = remove.call(this, key);
    if (this.size === 0) {
      running.delete = remove;
      resolve();
    }
    return removed;
  };
  return promise;
}

function invalidParams(method: string, error: z.ZodError): string {
  const problems = error.issues.map((issue) =>
    `${issue.path.length > 0 ? issue.path.join(".") : "request"}: ${issue.message}`
  );
  return `Invalid params for ${method}: ${problems.join("; ")}`;
}
