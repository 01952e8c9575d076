import { parentPort } from "node:worker_threads";
import { type SchematronResult, validateSchematron } from "./schematron.server";
import { validateXml, type XbauEntrySchema, type XmlValidationResult } from "./validate.server";

/**
 * Worker thread of the XBau validation pool: XSD (libxml2) and, when the XSD passes, the official
 * Schematron (SaxonJS) — the CPU-bound half-second that must not block the web process's event
 * loop. Each worker compiles the schemas and loads the stylesheets once, then serves requests.
 */

export interface ValidationRequest {
  id: number;
  xml: string;
  entry: XbauEntrySchema;
}

export type ValidationReply =
  | { id: number; ok: true; xsd: XmlValidationResult; schematron: SchematronResult | null }
  | { id: number; ok: false; error: string };

const port = parentPort;
if (!port) throw new Error("validation-worker must run as a worker thread");

port.on("message", (req: ValidationRequest) => {
  let reply: ValidationReply;
  try {
    const xsd = validateXml(req.xml, req.entry);
    reply = { id: req.id, ok: true, xsd, schematron: xsd.valid ? validateSchematron(req.xml) : null };
  } catch (error) {
    reply = { id: req.id, ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
port.postMessage({ ready: true });
