// The HTML of the stand-in's pages: a plain login form, and an app page with Splunk Web's
// chrome (a system bar, the app bar with the app's navigation) around a Simple XML dashboard
// whose `script` and `stylesheet` files are loaded from the app's static folder.
import type { View } from "./app-files.ts";

const escape = (text: string): string =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const CHROME_CSS = `
  body { margin: 0; font-family: "Splunk Platform Sans", "Proxima Nova", Roboto, Helvetica, Arial, sans-serif; background: #f2f4f5; }
  header.system { background: #171d21; color: #fff; padding: 8px 16px; font-size: 14px; display: flex; gap: 16px; }
  nav.app { background: #fff; border-bottom: 1px solid #c3cbd4; padding: 0 16px; display: flex; flex-wrap: wrap; gap: 4px; align-items: center; }
  nav.app .app-label { font-weight: 700; margin-right: 16px; padding: 10px 0; }
  nav.app a { color: #3c444d; text-decoration: none; padding: 10px 8px; }
  nav.app a[aria-current="page"] { border-bottom: 3px solid #0f6cbd; }
  main.dashboard-body { padding: 16px; }
  h1.dashboard-title { font-size: 24px; font-weight: 400; margin: 0 0 12px; }
`;

export function appPage(opts: {
  locale: string;
  app: string;
  view: View;
  nav: Array<{ name: string; label: string }>;
  user: string;
}): string {
  const { locale, app, view } = opts;
  const asset = (file: string) => `/${locale}/static/@standin.0/app/${app}/${file.replace(/^\//, "")}`;
  const links = opts.nav
    .map((n) => {
      const href = n.name === "search" ? `/${locale}/app/${app}/search` : `/${locale}/app/${app}/${n.name}`;
      const current = n.name === view.name ? ' aria-current="page"' : "";
      return `<a href="${escape(href)}"${current}>${escape(n.name === "search" ? "Search" : n.label)}</a>`;
    })
    .join("");
  return `<!doctype html>
<html lang="${escape(locale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(view.label)} | Splunk</title>
<style>${CHROME_CSS}</style>
${view.stylesheets.map((file) => `<link rel="stylesheet" href="${escape(asset(file))}">`).join("\n")}
</head>
<body>
<header class="system"><span>splunk&gt;</span><span>Apps</span><span style="margin-left:auto">${escape(opts.user)}</span></header>
<nav class="app" aria-label="App navigation"><span class="app-label">${escape(app)}</span>${links}</nav>
<main class="dashboard-body" data-view="${escape(view.name)}">
${view.hideTitle ? "" : `<h1 class="dashboard-title">${escape(view.label)}</h1>`}
</main>
<script src="/${escape(locale)}/config?autoload=1"></script>
${view.scripts.map((file) => `<script src="${escape(asset(file))}"></script>`).join("\n")}
</body>
</html>
`;
}

export function loginPage(returnTo: string, error: string | undefined): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Login | Splunk</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: sans-serif; max-width: 360px; margin: 48px auto;">
<h1>splunk&gt; enterprise</h1>
${error === undefined ? "" : `<p role="alert">${escape(error)}</p>`}
<form method="post" action="/en-US/account/login?return_to=${encodeURIComponent(returnTo)}">
<p><label>Username <input name="username" autocomplete="username" required></label></p>
<p><label>Password <input name="password" type="password" autocomplete="current-password" required></label></p>
<p><button type="submit">Sign In</button></p>
</form>
</body></html>
`;
}

export function notFoundPage(locale: string): string {
  return `<!doctype html><html lang="${escape(locale)}"><head><meta charset="utf-8"><title>Page not found | Splunk</title></head>
<body><h1>Oops.</h1><p>Page not found! Click <a href="/${escape(locale)}/app/launcher/home">here</a> to return to Splunk homepage.</p></body></html>
`;
}
