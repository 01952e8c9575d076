/** A friendly empty list: a heading and what to do next, in a KERN card. */
export function EmptyState({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <div className="kern-card">
      <div className="kern-card__container">
        <div className="kern-card__header">
          <h2 className="kern-title">{title}</h2>
        </div>
        <div className="kern-card__body">
          <p className="kern-body">{children}</p>
        </div>
      </div>
    </div>
  );
}
