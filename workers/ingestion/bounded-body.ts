/**
 * A request body read to an exact length: it counts as it streams and errors
 * the moment it passes `limit`, so nothing beyond the declared size is read or
 * stored. (A pull source rather than pipeThrough: workerd reports
 * pipeThrough's internal rejection as unhandled.)
 */
import { AppError } from "../../shared/errors.ts";

class BodyTooLarge extends Error {}

export interface BoundedBody {
  stream: ReadableStream<Uint8Array>;
  received(): number;
}

export function boundedBody(body: ReadableStream<Uint8Array>, limit: number): BoundedBody {
  let received = 0;
  const reader = body.getReader();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) return controller.close();
      received += value.byteLength;
      if (received > limit) {
        controller.error(new BodyTooLarge(`more than ${limit} bytes`));
        await reader.cancel().catch(() => undefined);
        return;
      }
      controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return { stream, received: () => received };
}

/** Checks Content-Length against the expected size before a byte is read; `what` names the body in the problem. */
export function checkDeclaredLength(lengthHeader: string | undefined, expected: number, what: string): void {
  if (lengthHeader === undefined) return;
  const length = Number(lengthHeader);
  if (length > expected) throw new AppError("PAYLOAD_TOO_LARGE", `The body is ${length} bytes; ${what} is ${expected} bytes.`);
  if (length < expected) throw new AppError("BAD_REQUEST", `The body is ${length} bytes; ${what} is ${expected} bytes.`);
}

/** The problem for a body the store refused: too long, or it ended early. */
export function bodyProblem(received: number, expected: number): AppError {
  if (received > expected) return new AppError("PAYLOAD_TOO_LARGE", `The body exceeds the declared ${expected} bytes; the upload was stopped.`);
  return new AppError("BAD_REQUEST", `The body ended after ${received} of the declared ${expected} bytes.`);
}
