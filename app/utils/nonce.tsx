import { createContext, type ReactNode, useContext } from "react";

/**
 * The request's CSP nonce for components that render inline scripts (<Scripts>,
 * <ScrollRestoration>). Provided by entry.server.tsx from the load context; in the browser it is
 * empty (browsers hide nonce values from the DOM, and hydration adds no new inline scripts).
 */
const NonceContext = createContext("");

export function NonceProvider({ nonce, children }: { nonce: string; children: ReactNode }) {
  return <NonceContext.Provider value={nonce}>{children}</NonceContext.Provider>;
}

export function useNonce(): string {
  return useContext(NonceContext);
}
