// Minimal typings for the parts of SaxonJS 2 (npm "saxon-js", no bundled types) the product uses.
declare module "saxon-js" {
  interface TransformOptions {
    stylesheetInternal?: unknown;
    stylesheetText?: string;
    sourceText?: string;
    destination?: "serialized" | "raw" | "document";
  }
  interface TransformResult {
    principalResult: string;
  }
  const SaxonJS: {
    transform(options: TransformOptions, mode: "sync"): TransformResult;
  };
  export default SaxonJS;
}
