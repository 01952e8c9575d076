import { formatDateTime, isoString } from "../format";

export interface GeneratedDocumentLink {
  id: string;
  kind: string;
  title: string;
  filename: string;
  sizeBytes: number;
  createdAt: Date | string;
  href: string;
}

function formatSize(n: number): string {
  if (n < 1024) return `${n} Byte`;
  if (n < 1024 * 1024) return `${(n / 1024).toLocaleString("de-DE", { maximumFractionDigits: 0 })} KB`;
  return `${(n / 1024 / 1024).toLocaleString("de-DE", { maximumFractionDigits: 1 })} MB`;
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
          ({d.filename}, {formatSize(d.sizeBytes)},{" "}
          <time dateTime={isoString(d.createdAt)}>{formatDateTime(d.createdAt)}</time>)
        </li>
      ))}
    </>
  );
}
