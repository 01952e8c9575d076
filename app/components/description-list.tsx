import type { ReactNode } from "react";

/** KERN description list from label/value pairs. */
export function DescriptionList({ items }: { items: { label: string; value: ReactNode }[] }) {
  return (
    <dl className="kern-description-list">
      {items.map((item) => (
        <div key={item.label} className="kern-description-list-item">
          <dt className="kern-description-list-item__key">{item.label}</dt>
          <dd className="kern-description-list-item__value">{item.value}</dd>
        </div>
      ))}
    </dl>
  );
}
