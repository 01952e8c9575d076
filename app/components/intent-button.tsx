import type { ReactNode } from "react";

/**
 * A submit button that names the form's command (`intent`): add/remove a row, grant/refuse, … The
 * editors dispatch on that field on the server, so every such button is the same markup; without
 * JavaScript the button's own value is what the server receives.
 */
export function IntentButton({
  intent,
  variant = "secondary",
  disabled,
  children,
}: {
  intent: string;
  variant?: "primary" | "secondary" | "tertiary";
  disabled?: boolean;
  children: ReactNode;
}) {
  return (
    <button
      type="submit"
      name="intent"
      value={intent}
      className={`kern-btn kern-btn--${variant}`}
      disabled={disabled}
    >
      <span className="kern-label">{children}</span>
    </button>
  );
}
