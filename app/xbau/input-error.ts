/**
 * The one error an XBau message builder throws when its input cannot make a valid message (a
 * missing Aktenzeichen, no documents, …). It lists every problem, not only the first, and names
 * the message type; workers turn it into a permanent failure (retrying cannot fix the input).
 */
export class XbauInputError extends Error {
  override name = "XbauInputError";
  constructor(
    /** Message type code, e.g. "0205". */
    readonly messageType: string,
    readonly problems: string[],
  ) {
    super(`XBau ${messageType} kann nicht erzeugt werden: ${problems.join("; ")}`);
  }
}
