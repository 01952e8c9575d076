// Entry of the page rasteriser's worker thread (workers/pdf/raster.ts). A worker starts as plain
// Node; tsx (the runtime the worker process uses too) loads the TypeScript worker module.
import { tsImport } from "tsx/esm/api";

await tsImport("./raster-worker.ts", import.meta.url);
