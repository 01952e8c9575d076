import fs from "node:fs";
import path from "node:path";
import {
  type ErrorDetail,
  XmlBufferInputProvider,
  XmlDocument,
  XmlLibError,
  XsdValidator,
  xmlRegisterInputProvider,
} from "libxml2-wasm";
import { xbauXsdDir } from "./paths.server";

/**
 * XSD validation of XBau messages with libxml2 (WebAssembly).
 *
 * The XBau 2.6 schema set is ~45 files that include/import each other. All of them are loaded once
 * into an in-memory input provider keyed by their absolute path, so libxml2 resolves every
 * `schemaLocation` against the shipped copy (fixtures/xbau/2.6/xsd) and never touches anything
 * else on disk. Each entry schema is compiled once and cached for the life of the process.
 */

export interface XmlValidationError {
  line: number;
  message: string;
}

export interface XmlValidationResult {
  valid: boolean;
  errors: XmlValidationError[];
}

/** Entry schemas of XBau 2.6 (file names in fixtures/xbau/2.6/xsd). */
export type XbauEntrySchema =
  | "xbau-nachrichten-baugenehmigung.xsd"
  | "xbau-nachrichten-beteiligung.xsd"
  | "xbau-kernmodul-prozessnachrichten.xsd"
  | `xbau-nachrichten-${string}.xsd`;

let providerDir: string | undefined;
const validators = new Map<string, XsdValidator>();
const schemaDocs: XmlDocument[] = [];

function ensureProvider(dir: string): void {
  if (providerDir === dir) return;
  if (providerDir !== undefined) throw new Error(`XSD provider already registered for ${providerDir}`);
  const buffers: Record<string, Uint8Array> = {};
  for (const file of fs.readdirSync(dir)) {
    if (file.endsWith(".xsd")) buffers[path.join(dir, file)] = fs.readFileSync(path.join(dir, file));
  }
  xmlRegisterInputProvider(new XmlBufferInputProvider(buffers));
  providerDir = dir;
}

function toErrors(details: ErrorDetail[] | undefined, fallback: string): XmlValidationError[] {
  const errors = (details ?? [])
    .filter((d) => d.level >= 2)
    .map((d) => ({ line: d.line, message: d.message.trim() }));
  return errors.length > 0 ? errors : [{ line: 0, message: fallback }];
}

/** Compiles (once) and returns the validator for an entry schema. Throws if the schema is broken. */
export function schemaValidator(entry: XbauEntrySchema, dir: string = xbauXsdDir()): XsdValidator {
  const file = path.join(dir, entry);
  const existing = validators.get(file);
  if (existing) return existing;
  if (path.dirname(file) !== dir || !fs.existsSync(file)) throw new Error(`Unknown XBau schema: ${entry}`);
  ensureProvider(dir);
  // The parsed schema document stays alive with the validator: libxml2 may keep pointers into it.
  const schemaDoc = XmlDocument.fromBuffer(fs.readFileSync(file), { url: file });
  try {
    const validator = XsdValidator.fromDoc(schemaDoc);
    validators.set(file, validator);
    schemaDocs.push(schemaDoc);
    return validator;
  } catch (error) {
    schemaDoc.dispose();
    throw error;
  }
}

/**
 * Validates an XML string against an XBau entry schema. Never throws for bad input: a document
 * that is not well-formed is reported as invalid with the parser's line numbers.
 */
export function validateXml(xml: string, entry: XbauEntrySchema): XmlValidationResult {
  const validator = schemaValidator(entry);
  let doc: XmlDocument;
  try {
    doc = XmlDocument.fromString(xml);
  } catch (error) {
    if (error instanceof XmlLibError) {
      return { valid: false, errors: toErrors(error.details, error.message) };
    }
    throw error;
  }
  try {
    validator.validate(doc);
    return { valid: true, errors: [] };
  } catch (error) {
    if (error instanceof XmlLibError) {
      return { valid: false, errors: toErrors(error.details, error.message) };
    }
    throw error;
  } finally {
    doc.dispose();
  }
}
