import { Form, Link, NavLink } from "@remix-run/react";
import type { ReactNode } from "react";
import { navigationFor, rolesLabel } from "~/utils/permissions";

/** What the shell needs to know about the signed-in user (sent to the browser; no secrets). */
export interface ShellUser {
  displayName: string;
  email: string;
  roles: string[];
  authority: { name: string } | null;
  /** Unread in-app notifications (badge next to the bell link). */
  unreadNotifications?: number;
}

export function SkipLink() {
  return (
    <a className="app-skip-link kern-link" href="#inhalt">
      Zum Inhalt springen
    </a>
  );
}

export function Header({ user }: { user: ShellUser | null }) {
  const nav = navigationFor(user);
  return (
    <header className="app-header">
      <div className="kern-container app-header__bar">
        <Link to="/" className="app-header__brand">
          <span className="app-header__logo" aria-hidden="true">
            B
          </span>
          <span>
            <span className="app-header__product">Bauantrag</span>
            <span className="app-header__tagline">Digitales Baugenehmigungsverfahren</span>
          </span>
        </Link>
        {user ? (
          <div className="app-header__user">
            <div className="app-header__identity">
              <span className="kern-body kern-body--bold" data-testid="user-name">
                {user.displayName}
              </span>
              <span className="kern-body kern-body--small" data-testid="user-role">
                {rolesLabel(user.roles)}
                {user.authority ? ` · ${user.authority.name}` : ""}
              </span>
            </div>
            <NotificationLink count={user.unreadNotifications ?? 0} />
            <Link to="/konto/sicherheit" className="kern-link">
              Konto und Sicherheit
            </Link>
            <Form method="post" action="/abmelden">
              <button type="submit" className="kern-btn kern-btn--secondary">
                <span className="kern-icon kern-icon--logout" aria-hidden="true" />
                <span className="kern-label">Abmelden</span>
              </button>
            </Form>
          </div>
        ) : null}
      </div>
      {nav.length > 0 ? (
        <nav aria-label="Hauptnavigation" className="app-nav">
          <div className="kern-container">
            <ul className="app-nav__list">
              {nav.map((item) => (
                <li key={item.to}>
                  <NavLink to={item.to} className="app-nav__link">
                    {item.label}
                  </NavLink>
                </li>
              ))}
            </ul>
          </div>
        </nav>
      ) : null}
    </header>
  );
}

function NotificationLink({ count }: { count: number }) {
  return (
    <Link
      to="/benachrichtigungen"
      className="kern-link app-header__notifications"
      data-testid="notifications-link"
    >
      <span className="kern-icon kern-icon--mail" aria-hidden="true" />
      <span>Benachrichtigungen</span>
      {count > 0 ? (
        <span className="kern-badge kern-badge--danger app-header__badge" data-testid="unread-count">
          <span className="kern-label">
            {count}
            <span className="kern-sr-only"> ungelesen</span>
          </span>
        </span>
      ) : null}
    </Link>
  );
}

export function Footer() {
  return (
    <footer className="app-footer">
      <div className="kern-container">
        <p className="kern-body kern-body--small">
          Bauantrag – ein Dienst der unteren Bauaufsichtsbehörden. Bei Fragen zu Ihrem Verfahren wenden Sie
          sich an Ihre Bauaufsichtsbehörde.
        </p>
      </div>
    </footer>
  );
}

export function Shell({ user, children }: { user: ShellUser | null; children: ReactNode }) {
  return (
    <>
      <SkipLink />
      <Header user={user} />
      <main id="inhalt" tabIndex={-1} className="kern-container app-main">
        {children}
      </main>
      <Footer />
    </>
  );
}

/** Page heading block: KERN heading plus an optional lead sentence. */
export function PageHeader({
  title,
  lead,
  children,
}: {
  title: string;
  lead?: ReactNode;
  children?: ReactNode;
}) {
  return (
    <div className="app-page-header">
      <div>
        <h1 className="kern-heading-large">{title}</h1>
        {lead ? <p className="kern-body kern-body--large app-lead">{lead}</p> : null}
      </div>
      {children ? <div className="app-page-header__actions">{children}</div> : null}
    </div>
  );
}
