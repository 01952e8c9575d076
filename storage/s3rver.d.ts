// s3rver 3.x ships no types; this covers the part of its API that storage/embedded.ts uses.
declare module "s3rver" {
  import type { Server } from "node:http";
  import type { AddressInfo } from "node:net";

  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory: string;
    resetOnClose?: boolean;
    allowMismatchedSignatures?: boolean;
    vhostBuckets?: boolean;
    configureBuckets?: { name: string; configs?: (string | Buffer)[] }[];
  }

  type Middleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void> | void;

  interface KoaContext {
    method: string;
    path: string;
    query: Record<string, string | string[] | undefined>;
    params: Record<string, string | undefined>;
    status: number;
    body: unknown;
    state: Record<string, unknown>;
  }

  class S3rver {
    constructor(options: S3rverOptions);
    middleware: Middleware[];
    httpServer?: Server;
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
  }
  export default S3rver;
}
