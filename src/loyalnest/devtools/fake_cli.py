"""``loyalnest shopify-fake``: the bundled Shopify Admin API fake, standalone.

Register on the main app with ``register(app)``. Then point LoyalNest at it::

    loyalnest shopify-fake --port 8081 &
    LOYALNEST_SHOPIFY_ADMIN_BASE_URL=http://127.0.0.1:8081 loyalnest run
"""

from __future__ import annotations

import contextlib
import ipaddress
import signal
import threading
from pathlib import Path
from typing import Annotated

import typer

from loyalnest.devtools.shopify_fake import DEMO_SHOP, DEV_ACCESS_TOKEN, PLAN_LIMITS, ShopifyFake


def parse_shop_spec(spec: str) -> tuple[str, str, str]:
    domain, _, rest = spec.partition(":")
    token, _, plan = rest.partition(":")
    if not domain or not token:
        raise typer.BadParameter(f"expected DOMAIN:TOKEN[:PLAN], got {spec!r}")
    plan = plan or "standard"
    if plan not in PLAN_LIMITS:
        raise typer.BadParameter(f"plan must be one of {', '.join(PLAN_LIMITS)}")
    return domain.lower(), token, plan


def shopify_fake(
    port: Annotated[int, typer.Option(min=0, max=65535, help="port to listen on (0: any free port)")] = 8081,
    host: Annotated[
        str, typer.Option(help="address to listen on (loopback unless you mean it)")
    ] = "127.0.0.1",
    shop: Annotated[
        list[str] | None,
        typer.Option(
            help="DOMAIN:TOKEN[:PLAN] to register (repeatable); plans: free, standard, advanced, plus,"
            " enterprise"
        ),
    ] = None,
    auto_register: Annotated[
        bool,
        typer.Option(
            "--auto-register/--no-auto-register",
            help="accept unknown shops, registering each with the first token it presents",
        ),
    ] = True,
) -> None:
    """Run the Shopify Admin GraphQL fake (discount codes, shop, customers, cost-based
    throttling) so LoyalNest can redeem rewards end to end without a Shopify account."""
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback:
        typer.echo(f"warning: the fake accepts any token it is given; {host} is not loopback", err=True)
    fake = ShopifyFake(host=host, port=port, auto_register=auto_register)
    shops = [parse_shop_spec(spec) for spec in shop or ()] or [(DEMO_SHOP, DEV_ACCESS_TOKEN, "standard")]
    for domain, token, plan in shops:
        fake.add_shop(domain, token=token, plan=plan)

    def announce(base_url: str) -> None:
        typer.echo(f"Shopify Admin API fake at {base_url}")
        for domain, _, plan in shops:
            typer.echo(f"  shop {domain} ({plan})")
        if auto_register:
            typer.echo("  other shops are registered on first use with the token they present")
        typer.echo(f"point LoyalNest at it: LOYALNEST_SHOPIFY_ADMIN_BASE_URL={base_url}")
        typer.echo(f"state: GET {base_url}/__fake__/state")
        typer.echo(
            f"an order used a code: POST {base_url}/__fake__/shops/{{shop}}/discount-codes/{{code}}/use"
        )

    with contextlib.suppress(KeyboardInterrupt):
        fake.serve_forever(on_bound=announce)


def smtp_sink(
    port: Annotated[int, typer.Option(min=0, max=65535, help="port to listen on (0: any free port)")] = 1025,
    directory: Annotated[
        Path | None, typer.Option("--dir", help="write each message there as an .eml file")
    ] = None,
) -> None:
    """Run the development SMTP sink on loopback: it accepts every message (nothing is
    delivered anywhere) and keeps it as an .eml file when given ``--dir``. On exit it
    prints how many it received (the notifications bench reads that line)."""
    from loyalnest.devtools.provider_fakes import SmtpSink

    sink = SmtpSink(port=port, directory=directory, keep=0).start()
    typer.echo(
        f"SMTP sink at smtp://127.0.0.1:{sink.port}" + (f", writing {directory}/*.eml" if directory else "")
    )
    typer.echo(f"point LoyalNest at it: LOYALNEST_NOTIFICATIONS_DEV_SMTP=127.0.0.1:{sink.port}")
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    with contextlib.suppress(KeyboardInterrupt):
        # short timed waits: Ctrl-C interrupts a timed wait, not an untimed one
        while not stopped.wait(0.5):
            continue
    sink.stop()
    typer.echo(f"received {sink.received}")


def register(app: typer.Typer) -> None:
    """Add ``shopify-fake`` and ``smtp-sink`` to ``app``."""
    app.command("shopify-fake")(shopify_fake)
    app.command("smtp-sink")(smtp_sink)
