// For servers that speak Anthropic's stream without naming its events. The SDK reads an SSE
// frame only by its `event:` line, so a server (some proxies) that sends `data:` lines alone has
// every event of every reply dropped, and each call ends as if the stream were cut.

/**
 * `inner`, with each frame of an event stream that has data but no `event:` line given one,
 * named after its JSON's `type` (which Anthropic's events all carry). Other replies, and frames
 * that are named already, pass as they are.
 */
export function namingEvents(inner: typeof fetch): typeof fetch {
  return async (input, init) => {
    const response = await inner(input, init);
    const type = response.headers.get("content-type") ?? "";
    if (!response.ok || !response.body || !type.includes("text/event-stream")) return response;
    const body = response.body
      .pipeThrough(new TextDecoderStream())
      .pipeThrough(namedFrames())
      .pipeThrough(new TextEncoderStream());
    const headers = new Headers(response.headers);
    headers.delete("content-length");
    headers.delete("content-encoding");
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers,
    });
  };
}

function namedFrames(): TransformStream<string, string> {
  let held = "";
  // Frames end at a blank line, in any of the three line endings SSE allows. The search starts
  // where the last one stopped (less the end's length), so a long frame is not scanned anew
  // with each piece of it.
  const frameEnd = /\r\n\r\n|\n\n|\r\r/g;
  let from = 0;
  return new TransformStream({
    transform(text, controller) {
      held += text;
      frameEnd.lastIndex = from;
      for (let end = frameEnd.exec(held); end !== null; end = frameEnd.exec(held)) {
        controller.enqueue(named(held.slice(0, end.index)) + end[0]);
        held = held.slice(end.index + end[0].length);
        frameEnd.lastIndex = 0;
      }
      from = Math.max(0, held.length - 3);
    },
    flush(controller) {
      if (held) controller.enqueue(named(held));
    },
  });
}

/** One frame (without its blank line), with an `event:` line put first when it lacks one. */
function named(frame: string): string {
  const lines = frame.split(/\r\n|\n|\r/);
  if (lines.some((line) => line.startsWith("event:"))) return frame;
  const data = lines.filter((line) => line.startsWith("data:"))
    .map((line) => line.slice(5).replace(/^ /, "")).join("\n");
  if (data === "") return frame;
  try {
    const type = JSON.parse(data)?.type;
    if (typeof type === "string" && /^[\w.-]+$/.test(type)) return `event: ${type}\n${frame}`;
  } catch {
    // Not JSON: left as it is.
  }
  return frame;
}
