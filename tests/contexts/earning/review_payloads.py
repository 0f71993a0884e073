"""Review webhook bodies shaped as Judge.me and Yotpo send them (see
``loyalnest.contexts.earning.reviews`` for the fields read)."""

from __future__ import annotations


def judgeme(**overrides) -> dict:
    review = {
        "id": 12345,
        "title": "Great",
        "body": "Love it",
        "rating": 5,
        "product_external_id": 7001,
        "product_title": "Mug",
        "reviewer": {"id": 9, "email": "Ann@Example.com", "name": "Ann"},
        "published": True,
        "hidden": False,
        "curated": "ok",
        "verified": "buyer",
        "created_at": "2026-11-20T10:00:00Z",
    }
    review.update(overrides)
    return {"review": review}


def yotpo(**overrides) -> dict:
    data = {
        "id": "219",
        "title": "Review Title",
        "content": "Review Content",
        "score": "4",
        "deleted": "false",
        "archived": "false",
        "verified_buyer": "true",
        "customer_email": "bob@example.com",
        "external_product_id": "sku-77",
        "created_at": "2026-11-20 14:12:13 UTC",
    }
    data.update(overrides)
    return {"event": "review_create", "data": data}
