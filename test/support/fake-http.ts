import type { AddonError } from "../../src/errors.ts";
import type { HttpClient, HttpRequest, HttpResponse } from "../../src/http/index.ts";

/** A scripted answer: a response (its body streamed in `chunkSize` pieces) or a thrown error. */
export type Answer =
  | (HttpResponse & { chunkSize?: number; failAt?: { chars: number; error: AddonError } })
  | AddonError;

/** An HttpClient that answers from a script, in order, and records every request. */
export function createFakeHttp(answers: Answer[]): HttpClient & { requests: HttpRequest[] } {
  const requests: HttpRequest[] = [];
  const next = (req: HttpRequest): Exclude<Answer, AddonError> => {
    requests.push(req);
    const answer = answers.shift();
    if (answer === undefined) throw new Error(`unexpected request ${req.url.href}`);
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return {
    requests,
    async send(req) {
      return next(req);
    },
    async open(req) {
      const answer = next(req);
      const size = answer.chunkSize ?? 4096;
      return {
        status: answer.status,
        headers: answer.headers,
        async *chunks() {
          for (let i = 0; i < answer.body.length; i += size) {
            if (answer.failAt !== undefined && i >= answer.failAt.chars) throw answer.failAt.error;
            yield answer.body.slice(i, i + size);
          }
        },
        async text() {
          return answer.body;
        },
      };
    },
    async close() {},
  };
}
