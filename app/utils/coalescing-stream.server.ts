import { Transform, type TransformCallback } from "node:stream";

/** A chunk is passed on at the latest when this much is waiting (keeps memory per response bounded). */
const MAX_PENDING_BYTES = 128 * 1024;

/**
 * The HTML body between React and the response. React's renderToPipeableStream writes a page in
 * 2 KB pieces, and @remix-run/node flushes the response after every piece it reads; behind the
 * `compression` middleware each flush closes a deflate block and becomes its own socket write.
 * For a 75 KB inbox page that was ~37 flushes per request: a fifth of the web process's CPU and a
 * gzip body 3.5 times larger than one block would be. This stream joins what is written within one
 * turn of the event loop into one chunk, so a page rendered in one go leaves as one piece, while
 * content that arrives later (a Suspense boundary resolving) still goes out as soon as it exists.
 */
export class CoalescingStream extends Transform {
  private parts: Buffer[] = [];
  private size = 0;
  private scheduled = false;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.parts.push(chunk);
    this.size += chunk.length;
    if (this.size >= MAX_PENDING_BYTES) this.release();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.release();
      });
    }
    callback();
  }

  override _flush(callback: TransformCallback): void {
    this.release();
    callback();
  }

  private release(): void {
    if (this.size === 0 || this.destroyed) return;
    const chunk = this.parts.length === 1 ? (this.parts[0] as Buffer) : Buffer.concat(this.parts, this.size);
    this.parts = [];
    this.size = 0;
    this.push(chunk);
  }
}
