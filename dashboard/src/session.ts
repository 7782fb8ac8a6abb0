// The signed-in token: kept in sessionStorage (gone when the tab closes), taken from a login link
// `/#token=...` and then removed from the address bar, so that it is not left in the history or
// in a screenshot.

const KEY = "socketlab.token";

export function takeTokenFromLink(): void {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (!match) return;
  setToken(decodeURIComponent(match[1] as string));
  history.replaceState(null, "", location.pathname + location.search);
}

export function token(): string | null {
  return sessionStorage.getItem(KEY);
}

export function setToken(value: string): void {
  sessionStorage.setItem(KEY, value.trim());
}

export function signOut(): void {
  sessionStorage.removeItem(KEY);
}
