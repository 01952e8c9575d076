// Entry of the XBau validation worker thread (app/xbau/validation-pool.server.ts). A worker starts
// as plain Node; tsx (the runtime the web server uses too) loads the TypeScript worker module.
import { tsImport } from "tsx/esm/api";

await tsImport("./validation-worker.ts", import.meta.url);
