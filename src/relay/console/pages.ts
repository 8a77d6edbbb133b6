/** The console's two server-rendered pages and its stylesheet (no inline script or style: strict CSP). */

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https:; media-src 'self' https:; connect-src 'self'; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; require-trusted-types-for 'script'; trusted-types lit-html indigo-chat-html";

function shell(title: string, body: string, base: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${esc(title)}</title>
<link rel="icon" href="${base}/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="${base}/assets/console.css">
</head>
<body>
${body}
</body>
</html>
`;
}

export function loginPage(base: string, error?: string): string {
  return shell(
    'Sign in · indigo chat console',
    `<main class="login">
  <h1>indigo chat console</h1>
  <form method="post" action="${base}/login">
    <label for="token">Console token</label>
    <input id="token" name="token" type="password" autocomplete="current-password" required maxlength="1024" autofocus>
    ${error ? `<p class="error" role="alert">${esc(error)}</p>` : ''}
    <button type="submit">Sign in</button>
  </form>
  <p class="hint">The token is <code>RELAY_CONSOLE_TOKEN</code> in the relay's environment.</p>
</main>`,
    base,
  );
}

export function appPage(base: string, csrf: string): string {
  return shell(
    'indigo chat console',
    `<header class="top">
  <h1>indigo chat console</h1>
  <form method="post" action="${base}/logout"><input type="hidden" name="csrf" value="${esc(csrf)}"><button type="submit">Sign out</button></form>
</header>
<indigo-console api="${base}/api"></indigo-console>
<script type="module" src="${base}/assets/console.js"></script>`,
    base,
  );
}

export const CONSOLE_CSS = `
:root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2230; background: #f5f6fa; }
body { margin: 0; }
h1 { font-size: 1.25rem; margin: 0; }
.top { display: flex; align-items: center; justify-content: space-between; padding: 0.75rem 1.25rem; background: #3a2ecc; color: #fff; }
.top button { background: transparent; color: #fff; border: 1px solid #fff8; border-radius: 6px; padding: 0.35rem 0.8rem; font: inherit; cursor: pointer; }
.top button:focus-visible { outline: 2px solid #fff; outline-offset: 2px; }
.login { max-width: 22rem; margin: 12vh auto; background: #fff; padding: 2rem; border-radius: 12px; box-shadow: 0 2px 12px #0002; }
.login form { display: grid; gap: 0.6rem; margin-top: 1.2rem; }
.login input { font: inherit; padding: 0.55rem; border: 1px solid #8a8fa3; border-radius: 6px; }
.login button { font: inherit; padding: 0.6rem; border: 0; border-radius: 6px; background: #3a2ecc; color: #fff; cursor: pointer; }
.login button:focus-visible, .login input:focus-visible { outline: 2px solid #3a2ecc; outline-offset: 2px; }
.error { color: #b00020; margin: 0; }
.hint { color: #555b6e; font-size: 0.85rem; }
indigo-console { display: block; padding: 1rem 1.25rem 3rem; }
`;

export const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="#3a2ecc"/><path d="M8 9h16v11H14l-5 4v-4H8z" fill="#fff"/></svg>';
