"""Talking to the imports API as staff do: a file sent with a GraphQL multipart request
(the graphql-multipart-request spec), or PUT at an upload link, and the import polled
through GraphQL."""

from __future__ import annotations

from typing import Any

import orjson

IMPORT_FIELDS = """
  id source status dryRun fileName rowsDone rowsTotal lastError errorReportUrl
  counts { rows valid invalid toMatch toCreate points created matched pointsPosted }
  errors { line column reason }
"""
IMPORT_CUSTOMERS = f"""
mutation ($source: ImportSource!, $file: Upload!, $dryRun: Boolean!, $mapping: [ImportColumnInput!]) {{
  importCustomers(source: $source, file: $file, dryRun: $dryRun, mapping: $mapping) {{
    import {{ {IMPORT_FIELDS} }}
    userErrors {{ field code message }}
  }}
}}
"""
# everything a file can say, and a points-history file beside it
FULL_FIELDS = """
  id status lastError historyFileName
  counts { rows valid invalid toMatch toCreate points created matched pointsPosted
           tiers tiersToCreate birthdays referralCodes historyRows historyInvalid }
  errors { line column reason inHistoryFile }
"""
IMPORT_WITH_HISTORY = f"""
mutation ($source: ImportSource!, $file: Upload!, $history: Upload, $dryRun: Boolean!) {{
  importCustomers(source: $source, file: $file, historyFile: $history, dryRun: $dryRun) {{
    import {{ {FULL_FIELDS} }}
    userErrors {{ field code message }}
  }}
}}
"""
READ_FULL = f"query ($id: ID!) {{ import(id: $id) {{ {FULL_FIELDS} }} }}"
IMPORT = f"query ($id: ID!) {{ import(id: $id) {{ {IMPORT_FIELDS} }} }}"
START = (
    f"mutation ($id: ID!) {{ startImport(id: $id) {{ import {{ "
    f"{IMPORT_FIELDS} }} userErrors {{ code message }} }} }}"
)
REVERT = (
    f"mutation ($id: ID!) {{ revertImport(id: $id) {{ import {{ "
    f"{IMPORT_FIELDS} }} userErrors {{ code message }} }} }}"
)
CREATE_UPLOAD = """
mutation ($source: ImportSource!, $dryRun: Boolean!) {
  createImportUpload(source: $source, fileName: "big.csv", dryRun: $dryRun) {
    import { id status } uploadUrl expiresAt userErrors { code }
  }
}
"""


async def send_file(
    shop: Any,
    content: bytes,
    *,
    source: str = "SMILE",
    dry_run: bool = True,
    mapping: list[dict[str, str]] | None = None,
    name: str = "customers.csv",
    token: str | None = None,
) -> dict[str, Any]:
    """importCustomers with ``content`` as its file; the whole GraphQL response."""
    operations = {
        "query": IMPORT_CUSTOMERS,
        "variables": {"source": source, "file": None, "dryRun": dry_run, "mapping": mapping},
    }
    response = await shop.http.post(
        "/graphql",
        data={
            "operations": orjson.dumps(operations).decode(),
            "map": orjson.dumps({"0": ["variables.file"]}).decode(),
        },
        files={"0": (name, content, "text/csv")},
        headers={"Authorization": f"Bearer {token or shop.token()}"},
    )
    assert response.status_code == 200, response.text
    return response.json()


async def imported(shop: Any, content: bytes, **kwargs: Any) -> dict[str, Any]:
    """importCustomers that must be taken: the import it returns."""
    result = await send_file(shop, content, **kwargs)
    assert "errors" not in result, result
    payload = result["data"]["importCustomers"]
    assert payload["userErrors"] == [], payload
    return payload["import"]


async def read(shop: Any, import_id: str) -> dict[str, Any]:
    result = await shop.gql(IMPORT, {"id": import_id})
    assert "errors" not in result, result
    return result["data"]["import"]


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def csv_bytes(*lines: str) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode()


async def send_files(
    shop: Any, content: bytes, history: bytes | None = None, *, source: str, dry_run: bool
) -> dict[str, Any]:
    """importCustomers with a customer file and, optionally, a points-history file (two
    files of one multipart request); the import it returns."""
    operations = {
        "query": IMPORT_WITH_HISTORY,
        "variables": {"source": source, "file": None, "history": None, "dryRun": dry_run},
    }
    files = {"0": ("customers.csv", content, "text/csv")}
    mapped = {"0": ["variables.file"]}
    if history is not None:
        files["1"] = ("history.csv", history, "text/csv")
        mapped["1"] = ["variables.history"]
    response = await shop.http.post(
        "/graphql",
        data={"operations": orjson.dumps(operations).decode(), "map": orjson.dumps(mapped).decode()},
        files=files,
        headers={"Authorization": f"Bearer {shop.token()}"},
    )
    assert response.status_code == 200, response.text
    result = response.json()
    assert "errors" not in result, result
    payload = result["data"]["importCustomers"]
    assert payload["userErrors"] == [], payload
    return payload["import"]


async def read_full(shop: Any, import_id: str) -> dict[str, Any]:
    result = await shop.gql(READ_FULL, {"id": import_id})
    assert "errors" not in result, result
    return result["data"]["import"]
