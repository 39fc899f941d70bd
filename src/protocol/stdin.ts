import type { Readable } from "node:stream";

import { AddonError } from "../errors.ts";
import { decodeDocument } from "./input-definition.ts";

/**
 * Reads splunkd's document from stdin. splunkd closes stdin after writing it, so the end of the
 * stream ends the document; like Splunk's old JS SDK, a document whose closing tag has arrived is
 * taken at once too, in case stdin stays open (reference: splunk-platform.md §1.4).
 *
 * @throws AddonError INPUT_DOCUMENT_INVALID when nothing arrives within `timeoutMs` or the
 * bytes are not text.
 */
export function readStdinDocument(
  input: Readable,
  closingTag: string,
  timeoutMs = 30_500,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let done = false;

    const finish = (error?: AddonError): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      input.off("data", onData);
      input.off("end", onEnd);
      input.off("error", onError);
      input.pause();
      if (error !== undefined) return reject(error);
      try {
        resolve(decodeDocument(Buffer.concat(chunks)));
      } catch (decodeError) {
        reject(decodeError instanceof Error ? decodeError : new Error(String(decodeError)));
      }
    };
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      if (endsWithTag(Buffer.concat(chunks), closingTag)) finish();
    };
    const onEnd = (): void => finish();
    const onError = (): void =>
      finish(new AddonError("INPUT_DOCUMENT_INVALID", "Reading the document on stdin failed"));
    const timer = setTimeout(() => {
      finish(
        new AddonError(
          "INPUT_DOCUMENT_INVALID",
          `No complete ${closingTag} document arrived on stdin within ${timeoutMs} ms`,
        ),
      );
    }, timeoutMs);
    timer.unref();

    input.on("data", onData);
    input.on("end", onEnd);
    input.on("error", onError);
  });
}

function endsWithTag(bytes: Buffer, tag: string): boolean {
  try {
    return decodeDocument(bytes).trimEnd().endsWith(tag);
  } catch {
    return false;
  }
}
