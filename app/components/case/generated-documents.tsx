import { formatBytes, formatDateTime, isoString } from "~/domain/format";

export interface GeneratedDocumentLink {
  id: string;
  kind: string;
  title: string;
  filename: string;
  sizeBytes: number;
  createdAt: Date | string;
  href: string;
}

/** Files the system produced for a case (receipt, XBau messages, …) as download links; no JS needed. */
export function GeneratedDocumentItems({ documents }: { documents: GeneratedDocumentLink[] }) {
  return (
    <>
      {documents.map((d) => (
        <li key={d.id} data-testid={`generated-${d.kind}`}>
          <a className="kern-link" href={d.href} download>
            <span className="kern-icon kern-icon--download" aria-hidden="true" /> {d.title}
          </a>{" "}
          ({d.filename}, {formatBytes(d.sizeBytes)},{" "}
          <time dateTime={isoString(d.createdAt)}>{formatDateTime(d.createdAt)}</time>)
        </li>
      ))}
    </>
  );
}
