import assert from "node:assert/strict";
import type { Message, ModelRequest, ToolDefinition } from "../../core/mod.ts";
import { lookupModel } from "../catalog.ts";
import { AnthropicEncoder } from "./encode.ts";
import { toAnthropicRequest } from "./request.ts";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

const INFO = lookupModel("anthropic:claude-sonnet-4-6");
const TOOLS: ToolDefinition[] = [
  { name: "file_read", description: "Read a file", inputSchema: { type: "object" } },
  { name: "shell", description: 'Run "it"', inputSchema: { type: "object", properties: {} } },
];
const use = (id: string): Message => ({
  role: "assistant",
  content: [
    { type: "text", text: "Reading." },
    { type: "tool_use", id, name: "file_read", input: { path: "a\u00e9.ts" } },
  ],
});
const result = (id: string, isError = false): Message => ({
  role: "tool",
  content: [{ type: "tool_result", toolUseId: id, content: `1: x\n2: "y" ${id}`, isError }],
});

const CASES: [string, ModelRequest][] = [
  ["an empty conversation", { messages: [] }],
  ["a system prompt only", { messages: [{ role: "system", content: "You are Loom." }] }],
  ["two system messages and tools", {
    messages: [
      { role: "system", content: "one" },
      { role: "system", content: "" },
      { role: "system", content: "two" },
      { role: "user", content: "hi" },
    ],
    tools: TOOLS,
    maxTokens: 1000,
  }],
  ["tool calls, results merged with the next user turn, errors and images", {
    messages: [
      { role: "system", content: "sys \u2603 \ud83d\ude00" },
      { role: "user", content: "read a" },
      use("t1"),
      result("t1"),
      { role: "user", content: "and again" },
      use("t2"),
      result("t2", true),
      {
        role: "user",
        content: [{ type: "text", text: "" }, {
          type: "image",
          mediaType: "image/png",
          data: "iVB",
        }],
      },
      { role: "assistant", content: "" },
      { role: "assistant", content: [{ type: "text", text: "done" }] },
    ],
    tools: TOOLS,
  }],
  ["tool call ids Anthropic would refuse (from another provider) and their results", {
    messages: [
      { role: "user", content: "read a" },
      use("functions.file_read:0"),
      result("functions.file_read:0"),
    ],
  }],
  ["lone surrogates (half an emoji) in every kind of text: each becomes U+FFFD", {
    messages: [
      { role: "system", content: "sys \ud83d" },
      { role: "user", content: "read \ude00 this" },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Reading \ud83d" },
          { type: "tool_use", id: "t9", name: "file_read", input: { path: "\ud83d.ts" } },
        ],
      },
      { role: "tool", content: [{ type: "tool_result", toolUseId: "t9", content: "x\ud83d" }] },
    ],
    tools: [{ name: "file_read", description: "Read \ud83d", inputSchema: { type: "object" } }],
  }],
  ["text blocks of white space only (a reply of newlines before a tool call) are left out", {
    messages: [
      { role: "user", content: "read a" },
      {
        role: "assistant",
        content: [
          { type: "text", text: "\n\n" },
          { type: "tool_use", id: "t1", name: "file_read", input: {} },
        ],
      },
      result("t1"),
      { role: "assistant", content: " \n" },
      { role: "user", content: [{ type: "text", text: "\t" }, { type: "text", text: "go on" }] },
    ],
  }],
  ["no user turn before the last message", {
    messages: [{ role: "assistant", content: "a" }, { role: "assistant", content: "b" }],
  }],
];

for (const [name, request] of CASES) {
  Deno.test(`the encoder writes the bytes of JSON.stringify(toAnthropicRequest) writes: ${name}`, () => {
    const encoder = new AnthropicEncoder();
    const expected = JSON.stringify(toAnthropicRequest(request, INFO));
    assert.equal(text(encoder.encode(request, INFO)), expected);
    assert.equal(text(encoder.encode(request, INFO)), expected, "and again from its cache");
    // What strict parsers (Anthropic's API) refuse: the escape of a lone surrogate.
    assert.doesNotMatch(expected, /(?<!\\)(?:\\\\)*\\ud[89a-f]/);
    // And a text block with nothing but white space, which it also refuses.
    assert.doesNotMatch(expected, /"type":"text","text":"(\s|\\[ntr])*"/);
  });
}

Deno.test("the encoder stays exact while a conversation grows: breakpoints move, cached JSON does not keep them", () => {
  const encoder = new AnthropicEncoder();
  const messages: Message[] = [{ role: "system", content: "You are Loom." }];
  const steps: Message[] = [
    { role: "user", content: "first" },
    use("t1"),
    result("t1"),
    { role: "assistant", content: "ok" },
    { role: "user", content: "second" },
    use("t2"),
    result("t2"),
    { role: "user", content: "merged into the results" },
    { role: "assistant", content: "end" },
  ];
  for (const message of steps) {
    messages.push(message);
    const request: ModelRequest = { messages: [...messages], tools: TOOLS };
    const body = text(encoder.encode(request, INFO));
    assert.equal(body, JSON.stringify(toAnthropicRequest(request, INFO)));
    assert.equal(body.split('"cache_control"').length - 1 <= 4, true, "at most four breakpoints");
  }
});

Deno.test("the encoder follows a changed system prompt and a changed tool list", () => {
  const encoder = new AnthropicEncoder();
  const one: ModelRequest = { messages: [{ role: "system", content: "v1" }], tools: TOOLS };
  const two: ModelRequest = {
    messages: [{ role: "system", content: "v2" }, { role: "user", content: "x" }],
    tools: TOOLS.slice(0, 1),
  };
  for (const request of [one, two, one]) {
    assert.equal(
      text(encoder.encode(request, INFO)),
      JSON.stringify(toAnthropicRequest(request, INFO)),
    );
  }
});

Deno.test("leased bodies stay exact while a conversation grows, is compacted and grows again", () => {
  const encoder = new AnthropicEncoder();
  const fresh = new AnthropicEncoder();
  let messages: Message[] = [{ role: "system", content: "You are Loom." }];
  const turn = (n: number): Message[] => [
    { role: "user", content: `question ${n}` },
    use(`t${n}`),
    result(`t${n}`),
    { role: "assistant", content: [{ type: "text", text: `answer ${n}` }] },
  ];
  const check = (label: string) => {
    // A new system message object each time, as the agent loop sends it.
    const request: ModelRequest = {
      messages: [{ ...messages[0] }, ...messages.slice(1)],
      tools: TOOLS,
    };
    const expected = JSON.stringify(toAnthropicRequest(request, INFO));
    const lease = encoder.lease(request, INFO);
    assert.equal(text(lease.body), expected, label);
    assert.equal(text(fresh.encode(request, INFO)), expected, `${label}, without a lease`);
    lease.release();
  };
  for (let n = 1; n <= 4; n++) {
    for (const message of turn(n)) {
      messages.push(message);
      check(`turn ${n}, ${messages.length} messages`);
    }
  }
  // A body encoded without a lease (one was out) grows the kept prefix past the leased buffer's.
  for (const message of turn(5)) {
    messages.push(message);
    const request: ModelRequest = { messages: [...messages], tools: TOOLS };
    const out = encoder.lease(request, INFO);
    messages.push({ role: "user", content: `aside ${messages.length}` });
    const aside: ModelRequest = { messages: [...messages], tools: TOOLS };
    assert.equal(
      text(encoder.encode(aside, INFO)),
      JSON.stringify(toAnthropicRequest(aside, INFO)),
    );
    out.release();
    messages.push({ role: "assistant", content: `reply ${messages.length}` });
    check(`after a body encoded aside, ${messages.length} messages`);
  }
  // Compaction: a summary replaces the older turns, so the kept prefix no longer matches.
  messages = [messages[0], { role: "user", content: "summary of turns 1-3" }, ...turn(4)];
  check("after compaction");
  for (const message of turn(5)) {
    messages.push(message);
    check(`after compaction, ${messages.length} messages`);
  }
  // Not an append either: the same leading objects, then a message that would merge into them.
  const u1: Message = { role: "user", content: "u1" }, a1 = use("a1");
  messages = [messages[0], u1, a1, result("a1"), { role: "assistant", content: "a2" }];
  check("a short conversation");
  messages = [messages[0], u1, a1, { role: "assistant", content: "merged" }, result("b")];
  check("a rewritten tail");
});

Deno.test("a body leased while another is out gets bytes of its own, and a released one is reused", () => {
  const encoder = new AnthropicEncoder();
  const one: ModelRequest = { messages: [{ role: "user", content: "one" }], tools: TOOLS };
  const two: ModelRequest = { messages: [{ role: "user", content: "two" }], tools: TOOLS };
  const first = encoder.lease(one, INFO);
  const second = encoder.lease(two, INFO);
  assert.notEqual(first.body.buffer, second.body.buffer);
  assert.equal(text(first.body), JSON.stringify(toAnthropicRequest(one, INFO)));
  assert.equal(text(second.body), JSON.stringify(toAnthropicRequest(two, INFO)));
  second.release();
  first.release();
  first.release();
  const third = encoder.lease(two, INFO);
  assert.equal(third.body.buffer, first.body.buffer, "the kept buffer is written again");
  assert.equal(text(third.body), JSON.stringify(toAnthropicRequest(two, INFO)));
  assert.equal(text(first.body), text(third.body), "so the released body's bytes changed");
});

Deno.test("the encoder rebuilds the preamble when the system prompt, the limit or the tools change", () => {
  const encoder = new AnthropicEncoder();
  const tools = [...TOOLS];
  const messages: Message[] = [{ role: "system", content: "one" }, { role: "user", content: "hi" }];
  const requests: ModelRequest[] = [
    { messages, tools },
    { messages, tools, maxTokens: 100 },
    { messages: [{ role: "system", content: "two" }, messages[1]], tools },
    { messages, tools: TOOLS.slice(0, 1) },
    { messages },
  ];
  // A tool added to the same array is still sent.
  const grown = { messages, tools };
  for (const request of requests) {
    assert.equal(
      text(encoder.encode(request, INFO)),
      JSON.stringify(toAnthropicRequest(request, INFO)),
    );
  }
  encoder.encode(grown, INFO);
  tools.push({ name: "git", description: "Git", inputSchema: { type: "object" } });
  const { body, release } = encoder.lease(grown, INFO);
  assert.equal(text(body), JSON.stringify(toAnthropicRequest(grown, INFO)));
  release();
});

Deno.test("a messages array passed again after it grew is encoded exactly, system messages included", () => {
  const encoder = new AnthropicEncoder();
  const messages: Message[] = [{ role: "system", content: "You are Loom." }];
  const step = (added: Message[]) => {
    messages.push(...added);
    const request = { messages, tools: TOOLS };
    const { body, release } = encoder.lease(request, INFO);
    assert.equal(text(body), JSON.stringify(toAnthropicRequest(request, INFO)));
    release();
  };
  step([{ role: "user", content: "read a" }]);
  step([use("t1"), result("t1")]);
  step([{ role: "assistant", content: "a says x" }, { role: "user", content: "and b?" }]);
  // A system message arriving later joins the system prompt.
  step([{ role: "system", content: "Be brief." }, use("t2"), result("t2")]);
  step([{ role: "assistant", content: "b says y" }, { role: "user", content: "thanks" }]);
  // A new array (as after compaction) is walked again.
  const fresh = {
    messages: [messages[0], { role: "user", content: "summary" } as Message],
    tools: TOOLS,
  };
  assert.equal(text(encoder.encode(fresh, INFO)), JSON.stringify(toAnthropicRequest(fresh, INFO)));
});

Deno.test("random appends, compactions, rewrites and overlapping leases always give exact bytes", () => {
  // A fixed-seed generator: the same sequence every run.
  let seed = 20261127;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)];
  const makers: (() => Message)[] = [
    () => ({ role: "user", content: `q ${random()}` }),
    () => use(`t${Math.floor(random() * 1e6)}`),
    () => result(`t${Math.floor(random() * 1e6)}`, random() < 0.2),
    () => ({ role: "assistant", content: [{ type: "text", text: `a \u00e9 ${random()}` }] }),
    () => ({ role: "assistant", content: "" }),
    () => ({ role: "system", content: random() < 0.5 ? "" : "Be brief." }),
    // Several blocks in one message, empty ones, images, and text JSON must escape.
    () => ({
      role: "assistant",
      content: [
        { type: "text", text: "" },
        { type: "text", text: `"q" \\ \n\t\u0001 \ud800 ${random()}` },
        {
          type: "tool_use",
          id: `t${random()}`,
          name: "grep",
          input: { q: "\u2028", n: [1, null] },
        },
      ],
    }),
    () => ({
      role: "tool",
      content: [
        { type: "tool_result", toolUseId: "a", content: "", isError: random() < 0.5 },
        { type: "tool_result", toolUseId: "b\u00e9", content: `</x>\r\n\udc00 ${random()}` },
      ],
    }),
    () => ({
      role: "user",
      content: [{ type: "image", mediaType: "image/png", data: "iVBORw0K" }, {
        type: "text",
        text: `see ${random()}`,
      }],
    }),
  ];
  const encoder = new AnthropicEncoder();
  let messages: Message[] = [{ role: "system", content: "You are Loom." }];
  let tools = TOOLS;
  let out: { release(): void } | undefined;
  for (let i = 0; i < 400; i++) {
    const r = random();
    if (r < 0.6) messages.push(pick(makers)());
    else if (r < 0.65) messages = [messages[0], { role: "user", content: `summary ${i}` }];
    else if (r < 0.7) messages = messages.slice(0, Math.max(1, messages.length - 2));
    else if (r < 0.75) messages = [...messages];
    else if (r < 0.78) tools = random() < 0.5 ? TOOLS : TOOLS.slice(0, 1);
    const request: ModelRequest = { messages, tools, maxTokens: random() < 0.1 ? 99 : undefined };
    const expected = JSON.stringify(toAnthropicRequest(request, INFO));
    if (random() < 0.15) {
      // Another body is out while this one is encoded.
      const lease = encoder.lease(request, INFO);
      out?.release();
      out = lease;
      assert.equal(text(lease.body), expected, `step ${i}`);
    } else {
      out?.release();
      out = undefined;
      const lease = encoder.lease(request, INFO);
      assert.equal(text(lease.body), expected, `step ${i}`);
      lease.release();
    }
  }
});

Deno.test("a conversation leased after an unrelated one is not built on the other's bytes", () => {
  const encoder = new AnthropicEncoder();
  const exact = (request: ModelRequest) => {
    const { body, release } = encoder.lease(request, INFO);
    assert.equal(text(body), JSON.stringify(toAnthropicRequest(request, INFO)));
    release();
  };
  const main: Message[] = [{ role: "system", content: "You are Loom." }];
  const turns: Message[] = [
    { role: "user", content: "one" },
    use("t1"),
    result("t1"),
    { role: "assistant", content: "read" },
    { role: "user", content: "two" },
    use("t2"),
    result("t2"),
  ];
  for (const message of turns) {
    main.push(message);
    exact({ messages: main, tools: TOOLS });
  }
  // Another conversation on the same encoder, with the same system prompt and tools (a summary
  // request), keeps no stable prefix of its own.
  exact({ messages: [main[0], { role: "user", content: "Name this session" }], tools: TOOLS });
  main.push({ role: "assistant", content: "done" }, { role: "user", content: "three" });
  exact({ messages: main, tools: TOOLS });
});

Deno.test("thinking before each call goes back to the server that sent it, first in its message, and to no other", () => {
  const ORIGIN = "https://api.deepseek.com/anthropic";
  const thought = (text: string, extra: Record<string, unknown> = {}) => ({
    thinking: [{ type: "thinking", thinking: text, ...extra }],
    thinking_origin: ORIGIN,
  });
  const request: ModelRequest = {
    messages: [
      { role: "user", content: "read a and b" },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Reading." },
          {
            type: "tool_use",
            id: "t1",
            name: "file_read",
            input: {},
            // As DeepSeek sends it: no signature, and empty thinking kept as it came.
            providerFields: thought("", { stray: "not sent" }),
          },
          {
            type: "tool_use",
            id: "t2",
            name: "file_read",
            input: {},
            providerFields: {
              thinking: [
                { type: "thinking", thinking: "then b", signature: "s2" },
                { type: "redacted_thinking", data: "opaque" },
                { type: "bogus" },
                null,
              ],
              thinking_origin: ORIGIN,
            },
          },
        ],
      },
      {
        role: "tool",
        content: [
          { type: "tool_result", toolUseId: "t1", content: "A" },
          { type: "tool_result", toolUseId: "t2", content: "B" },
        ],
      },
    ],
  };
  const blocks = (origin: string | undefined) => {
    const expected = JSON.stringify(toAnthropicRequest(request, INFO, origin));
    assert.equal(text(new AnthropicEncoder(origin).encode(request, INFO)), expected);
    const body = JSON.parse(expected) as { messages: { content: { type: string }[] }[] };
    return body.messages[1].content.map((b) => {
      const { cache_control: _, ...rest } = b as Record<string, unknown>;
      return rest;
    });
  };
  assert.deepEqual(blocks(ORIGIN), [
    { type: "thinking", thinking: "" },
    { type: "text", text: "Reading." },
    { type: "tool_use", id: "t1", name: "file_read", input: {} },
    { type: "thinking", thinking: "then b", signature: "s2" },
    { type: "redacted_thinking", data: "opaque" },
    { type: "tool_use", id: "t2", name: "file_read", input: {} },
  ]);
  // Anthropic itself (or any other server) refuses thinking it did not sign.
  assert.deepEqual(blocks("https://api.anthropic.com").map((b) => b.type), [
    "text",
    "tool_use",
    "tool_use",
  ]);
});
