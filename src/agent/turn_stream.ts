// One run as an event stream: a queue to the caller, cancellation from the caller's signal or
// from leaving the loop early, and failures turned into error and final events.
import { isLoomError, LoomError } from "../core/mod.ts";
import { type AgentEvent, EventChannel } from "./events.ts";

/**
 * Why a settled run's signal is aborted (releasing whatever still listens to it): made once, as
 * a DOMException per turn costs a stack capture.
 */
const SETTLED = new DOMException("The turn has ended", "AbortError");

/**
 * Runs `execute` with an `emit` that feeds the returned iterable. Breaking out of the iteration
 * (or aborting `outer`) cancels the run; the iterable ends once the run has settled.
 */
export function streamTurn(
  execute: (signal: AbortSignal, emit: (event: AgentEvent) => void) => Promise<void>,
  outer: AbortSignal | undefined,
  onSettled: () => void,
): AsyncIterable<AgentEvent> {
  const channel = new EventChannel<AgentEvent>();
  const controller = new AbortController();
  const onAbort = () => controller.abort(outer?.reason);
  if (outer?.aborted) onAbort();
  outer?.addEventListener("abort", onAbort, { once: true });
  let open = true;
  const emit = (event: AgentEvent) => {
    if (open) channel.push(event);
  };
  // One async function for the whole run: its end, the stream's end and releasing the signal.
  // The channel ends once the run has settled, with the run's own failure if it had one, so a
  // reader that reaches the end has waited for the whole run.
  let failure: { error: unknown } | undefined;
  const done = (async () => {
    try {
      try {
        await execute(controller.signal, emit);
      } catch (err) {
        const error = isLoomError(err)
          ? err
          : new LoomError("UNAVAILABLE", `Cannot finish the turn: internal error: ${String(err)}`, {
            cause: err,
          });
        emit({ type: "error", error });
        emit({
          type: "final",
          text: "",
          reason: controller.signal.aborted ? "cancelled" : "error",
          steps: 0,
        });
      } finally {
        outer?.removeEventListener("abort", onAbort);
        open = false;
        onSettled();
      }
      channel.close();
    } catch (err) {
      failure = { error: err };
      channel.fail(err);
    }
    controller.abort(SETTLED);
  })();
  return {
    [Symbol.asyncIterator]: () => ({
      next: () => channel.next(),
      // Leaving early cancels the run and waits for it to settle.
      return: () => {
        controller.abort();
        return done.then(() => {
          if (failure) throw failure.error;
          return { value: undefined, done: true };
        });
      },
    }),
  };
}
