import assert from "node:assert/strict";
import { namingEvents } from "./event_names.ts";

/** What namingEvents makes of a stream sent in `pieces`. */
async function named(pieces: string[], contentType = "text/event-stream"): Promise<string> {
  const inner = () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const piece of pieces) controller.enqueue(new TextEncoder().encode(piece));
        controller.close();
      },
    });
    return Promise.resolve(new Response(body, { headers: { "content-type": contentType } }));
  };
  return await (await namingEvents(inner as typeof fetch)("http://x/v1/messages")).text();
}

Deno.test("frames with data but no event line get one named after their type, split anywhere", async () => {
  const start = '{"type":"message_start","message":{}}';
  const delta =
    '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a\\n\\nb"}}';
  assert.equal(
    await named([`data: ${start}\n`, `\ndata: ${delta.slice(0, 20)}`, `${delta.slice(20)}\n\n`]),
    `event: message_start\ndata: ${start}\n\nevent: content_block_delta\ndata: ${delta}\n\n`,
  );
  // CRLF line ends, and a last frame with no blank line after it.
  assert.equal(
    await named([`data:${start}\r\n\r\ndata: {"type":"message_stop"}`]),
    `event: message_start\ndata:${start}\r\n\r\nevent: message_stop\ndata: {"type":"message_stop"}`,
  );
});

Deno.test("named frames, comments, pings and data that is not an event pass as they are", async () => {
  const stream = [
    ": keep-alive\n\n",
    'event: ping\ndata: {"type": "ping"}\n\n',
    "data: [DONE]\n\n",
    'data: {"type":"bad\\nname"}\n\n',
  ].join("");
  assert.equal(await named([stream]), stream);
  // A reply that is not an event stream is not touched.
  assert.equal(
    await named(['data: {"type":"x"}\n\n'], "application/json"),
    'data: {"type":"x"}\n\n',
  );
});

Deno.test("frames sent a character at a time, CRLF ends straddling pieces, come out whole", async () => {
  const start = '{"type":"message_start","message":{}}';
  const stream = `data: ${start}\r\n\r\ndata: {"type":"message_stop"}\r\n\r\n`;
  assert.equal(
    await named([...stream]),
    `event: message_start\ndata: ${start}\r\n\r\nevent: message_stop\ndata: {"type":"message_stop"}\r\n\r\n`,
  );
});
