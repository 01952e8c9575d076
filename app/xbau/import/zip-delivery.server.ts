import { createWriteStream } from "node:fs";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import yauzl from "yauzl";
import { type IntakeProblem, IntakeRefused } from "./problems";
import { XML_LIMITS } from "./safe-xml.server";

/**
 * A delivery as one ZIP (message + attachments, as transports bundle them), read with yauzl from a
 * temp file within limits. Refused, before anything is stored: more entries than allowed, an entry
 * or the total larger than allowed (declared sizes and the bytes actually inflated are both
 * counted), a compression ratio typical of a ZIP bomb, absolute names, "..", backslashes or
 * drive letters, symlinks, encrypted entries, and anything but exactly one XML message. Files in
 * folders are taken by their file name (the message names attachments by dateiname).
 */

export interface ZipLimits {
  maxEntries: number;
  /** Largest attachment (the upload limit); the message itself is limited by XML_LIMITS.maxBytes. */
  maxEntryBytes: number;
  maxTotalBytes: number;
  /** Largest uncompressed/compressed ratio of one entry. */
  maxRatio: number;
}

export function zipLimits(uploadMaxBytes: number): ZipLimits {
  return {
    // 500 Anlagen and the message: more than any Bauantrag carries.
    maxEntries: 501,
    maxEntryBytes: uploadMaxBytes,
    maxTotalBytes: 2 * 1024 * 1024 * 1024,
    // PDFs and images compress little; text-heavy PDFs reach ~10. 200 leaves room and stops bombs.
    maxRatio: 200,
  };
}

export interface ZipDelivery {
  message: Buffer;
  attachments: { filename: string; path: string }[];
}

const refuse = (problems: IntakeProblem[]) => new IntakeRefused("delivery", problems);
const entryProblem = (name: string, message: string): IntakeProblem => ({
  element: `ZIP-Eintrag „${name}“`,
  message,
});

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

/** Why an entry name is unsafe, or null. yauzl checks some of this too; we refuse in German. */
function unsafeName(name: string): string | null {
  if (name.includes("\\")) return "Der Name enthält einen umgekehrten Schrägstrich.";
  if (name.startsWith("/") || /^[a-zA-Z]:/.test(name)) return "Absolute Pfade sind nicht erlaubt.";
  if (name.split("/").some((part) => part === "..")) return "Pfade mit „..“ sind nicht erlaubt.";
  if ([...name].some((ch) => ch.charCodeAt(0) < 0x20)) return "Der Name enthält Steuerzeichen.";
  return null;
}

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    // validateEntrySizes: yauzl fails a stream whose inflated size differs from the declared one.
    yauzl.open(file, { lazyEntries: true, validateEntrySizes: true, decodeStrings: true }, (err, zip) =>
      err || !zip ? reject(err ?? new Error("zip")) : resolve(zip),
    );
  });
}

/** Counts bytes through a stream and fails past `max` (a lying header cannot inflate more). */
function limitTo(max: number, onOver: () => Error): Transform {
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > max) done(onOver());
      else done(null, chunk);
    },
  });
}

/** The archive's entries one at a time (yauzl reads the next only when asked: lazyEntries). */
async function* entriesOf(zip: yauzl.ZipFile): AsyncGenerator<yauzl.Entry> {
  while (true) {
    const entry = await new Promise<yauzl.Entry | null>((resolve, reject) => {
      const onEntry = (e: yauzl.Entry) => {
        zip.off("end", onEnd);
        zip.off("error", onError);
        resolve(e);
      };
      const onEnd = () => {
        zip.off("entry", onEntry);
        zip.off("error", onError);
        resolve(null);
      };
      const onError = (err: Error) => {
        zip.off("entry", onEntry);
        zip.off("end", onEnd);
        reject(err);
      };
      zip.once("entry", onEntry);
      zip.once("end", onEnd);
      zip.once("error", onError);
      zip.readEntry();
    });
    if (!entry) return;
    yield entry;
  }
}

/**
 * Refuses a file entry (its name was found safe) by its header before a byte is inflated: symbolic links,
 * encryption, the size limit of its kind (the one XML message or an attachment) and the ratio.
 */
function checkEntry(entry: yauzl.Entry, limits: ZipLimits) {
  const name = entry.fileName;
  if (((entry.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK) {
    throw refuse([entryProblem(name, "Symbolische Verknüpfungen sind nicht erlaubt.")]);
  }
  if (entry.isEncrypted()) {
    throw refuse([entryProblem(name, "Verschlüsselte Einträge werden nicht angenommen.")]);
  }
  const isMessage = name.toLowerCase().endsWith(".xml");
  const max = isMessage ? XML_LIMITS.maxBytes : limits.maxEntryBytes;
  const tooBig = () =>
    refuse([
      entryProblem(
        name,
        `Der Eintrag ist entpackt größer als ${Math.round(max / 1024 / 1024)} MB und wird nicht angenommen.`,
      ),
    ]);
  if (entry.uncompressedSize > max) throw tooBig();
  if (entry.uncompressedSize / Math.max(entry.compressedSize, 1) > limits.maxRatio) {
    throw refuse([
      entryProblem(
        name,
        `Der Eintrag ist ungewöhnlich stark komprimiert (über ${limits.maxRatio}:1) und wird als mögliche ZIP-Bombe abgelehnt.`,
      ),
    ]);
  }
  return { isMessage, max, tooBig };
}

/** An error while reading the archive, as the German refusal the sender reads. */
function asRefusal(error: unknown): Error {
  if (error instanceof IntakeRefused) return error;
  // yauzl's own name checks (it turns backslashes into slashes first): said in German.
  const m = /^(invalid relative path|absolute path): (.*)$/.exec(error instanceof Error ? error.message : "");
  if (m) {
    return refuse([
      entryProblem(
        m[2] ?? "",
        m[1] === "absolute path"
          ? "Absolute Pfade sind nicht erlaubt."
          : "Pfade mit „..“ sind nicht erlaubt.",
      ),
    ]);
  }
  return refuse([
    {
      element: "ZIP",
      message: `Das ZIP-Archiv ist beschädigt oder unzulässig (${error instanceof Error ? error.message : "unbekannter Fehler"}).`,
    },
  ]);
}

export async function readZipDelivery(zipFile: string, dir: string, limits: ZipLimits): Promise<ZipDelivery> {
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(zipFile);
  } catch (error) {
    throw refuse([
      {
        element: "ZIP",
        message: `Die Datei ist kein lesbares ZIP-Archiv (${error instanceof Error ? error.message : "unbekannter Fehler"}).`,
      },
    ]);
  }
  try {
    if (zip.entryCount > limits.maxEntries) {
      throw refuse([
        {
          element: "ZIP",
          message: `Das Archiv enthält ${zip.entryCount} Einträge; höchstens ${limits.maxEntries} sind erlaubt.`,
        },
      ]);
    }
    let message: Buffer | null = null;
    let messageName = "";
    const attachments: ZipDelivery["attachments"] = [];
    let total = 0;
    for await (const entry of entriesOf(zip)) {
      const name = entry.fileName;
      const unsafe = unsafeName(name);
      if (unsafe) throw refuse([entryProblem(name, unsafe)]);
      if (name.endsWith("/")) continue; // a folder
      const { isMessage, max, tooBig } = checkEntry(entry, limits);
      total += entry.uncompressedSize;
      if (total > limits.maxTotalBytes) {
        throw refuse([
          {
            element: "ZIP",
            message: `Der entpackte Inhalt ist größer als ${Math.round(limits.maxTotalBytes / 1024 / 1024)} MB.`,
          },
        ]);
      }
      if (isMessage && message) {
        throw refuse([
          entryProblem(
            name,
            `Das Archiv enthält mehr als eine XML-Datei („${messageName}“ und „${name}“); erwartet wird genau eine XBau-Nachricht.`,
          ),
        ]);
      }
      const stream = await zip.openReadStreamPromise(entry);
      const limiter = limitTo(max, tooBig);
      if (isMessage) {
        const chunks: Buffer[] = [];
        await pipeline(stream, limiter, async function* (source) {
          for await (const chunk of source) chunks.push(chunk as Buffer);
          yield* [];
        });
        message = Buffer.concat(chunks);
        messageName = name;
      } else {
        const target = path.join(dir, `zip-${attachments.length + 1}`);
        await pipeline(stream, limiter, createWriteStream(target, { flags: "wx", mode: 0o600 }));
        attachments.push({ filename: path.posix.basename(name), path: target });
      }
    }
    if (!message) {
      throw refuse([{ element: "ZIP", message: "Das Archiv enthält keine XBau-Nachricht (XML-Datei)." }]);
    }
    return { message, attachments };
  } catch (error) {
    throw asRefusal(error);
  } finally {
    zip.close();
  }
}
