/**
 * Typed storage errors. Routes map them to HTTP answers (413, 404, 400) without string matching;
 * messages are German because they may reach the person who uploaded the file.
 */

export class StorageLimitError extends Error {
  readonly code = "STORAGE_LIMIT";
  constructor(readonly maxBytes: number) {
    super(`Die Datei ist größer als das erlaubte Maximum von ${formatMegabytes(maxBytes)} MB.`);
    this.name = "StorageLimitError";
  }
}

/** The body was longer or shorter than the length declared for it (expectedBytes). */
export class StorageLengthMismatchError extends Error {
  readonly code = "STORAGE_LENGTH_MISMATCH";
  constructor(
    readonly expectedBytes: number,
    readonly receivedBytes: number,
  ) {
    super("Die Datei ist nicht vollständig angekommen.");
    this.name = "StorageLengthMismatchError";
  }
}

export class StorageNotFoundError extends Error {
  readonly code = "STORAGE_NOT_FOUND";
  constructor(readonly key: string) {
    super("Die Datei wurde im Speicher nicht gefunden.");
    this.name = "StorageNotFoundError";
  }
}

export class StorageKeyError extends Error {
  readonly code = "STORAGE_INVALID_KEY";
  constructor(detail: string) {
    super(`Ungültiger Speicherschlüssel: ${detail}`);
    this.name = "StorageKeyError";
  }
}

/** 250 MiB -> "250", 1.5 MiB -> "1,5" (German decimal comma). */
function formatMegabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return new Intl.NumberFormat("de-DE", { maximumFractionDigits: 1 }).format(mb);
}
