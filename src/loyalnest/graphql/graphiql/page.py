"""GraphiQL's HTML page: every script and stylesheet it loads is one of the app's own
files (assets.py), so the IDE works with no network beyond the app.

The page has no inline script, so its Content-Security-Policy allows scripts from the
app alone; SecurityHeaders adds the same frame-ancestors rule as everywhere else.
"""

from __future__ import annotations

from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse

from loyalnest.graphql.graphiql.assets import OWN_SCRIPT, OWN_STYLE, VENDORED, asset_url

# - scripts: the app's files only (no inline script, no eval);
# - styles: the app's files, plus inline style attributes and elements, which GraphiQL's
#   editors and popovers set at run time;
# - fonts and the favicon: GraphiQL's CSS embeds its fonts as data: URLs;
# - connect: the page's own origin, /graphql over HTTP and WebSocket (CSP 3's 'self'
#   covers ws:/wss: to the same host).
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'"
)


def _tag(request: Request, name: str, integrity: str | None) -> str:
    url = escape(asset_url(request, name))
    check = f' integrity="{integrity}"' if integrity else ""
    if name.endswith(".css"):
        return f'<link rel="stylesheet" href="{url}"{check}>'
    return f'<script src="{url}"{check}></script>'


def graphiql_page(request: Request) -> HTMLResponse:
    styles = [_tag(request, a.name, a.integrity) for a in VENDORED if a.name.endswith(".css")]
    scripts = [_tag(request, a.name, a.integrity) for a in VENDORED if a.name.endswith(".js")]
    styles.append(_tag(request, OWN_STYLE, None))
    scripts.append(_tag(request, OWN_SCRIPT, None))
    newline = "\n    "
    page = f"""<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>LoyalNest GraphiQL</title>
    {newline.join(styles)}
  </head>
  <body>
    <div id="graphiql">Loading GraphiQL…</div>
    {newline.join(scripts)}
  </body>
</html>
"""
    return HTMLResponse(page, headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY})
