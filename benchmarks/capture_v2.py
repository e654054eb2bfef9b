"""Record the Airflow 3 list pages scenario h decodes, from a real server, as it sent them.

    python benchmarks/capture_v2.py [--state STATE_JSON] [--count 100]

``--state`` is the state file ``scripts/airflow_server.py`` writes for a 3.x server
(``base_url`` and ``admin`` credentials; default: the 3.3.2 server's under ``.cache``, or
``$AIRFLOW_TEST_STATE_DIR``). A server may cap its page size below ``--count`` (the test
servers cap it at 10), so the pages are read at offsets 0, n, 2n… and the items' bytes are
joined, exactly as sent, into one page of up to ``--count`` items; the rest of the page
(``total_entries`` and, for task instances, the cursors) is the first answer's. Writes
``benchmarks/data/v2_dags.json`` and ``benchmarks/data/v2_task_instances.json`` when the
server has items of that kind, and prints what it wrote.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
PAGES = {
    "v2_dags.json": ("/api/v2/dags", "dags"),
    "v2_task_instances.json": ("/api/v2/dags/~/dagRuns/~/taskInstances", "task_instances"),
}


def _default_state() -> Path:
    root = os.environ.get("AIRFLOW_TEST_STATE_DIR")
    base = Path(root) if root else HERE.parent / ".cache" / "airflow-server"
    return base / "3.3.2" / "state.json"


def _items_span(text: str, key: str) -> tuple[int, int]:
    """Where the items of the list under ``key`` start and end in ``text`` (brackets out)."""
    start = text.index(f'"{key}":') + len(key) + 3
    while text[start] != "[":
        start += 1
    _, end = json.JSONDecoder().raw_decode(text, start)
    return start + 1, end - 1


def join_pages(pages: list[bytes], key: str) -> bytes:
    """One page holding every item of ``pages``, each item's bytes as the server sent them."""
    first = pages[0].decode("utf-8")
    head_end, tail_start = _items_span(first, key)
    items = []
    for page in pages:
        text = page.decode("utf-8")
        begin, end = _items_span(text, key)
        if text[begin:end].strip():
            items.append(text[begin:end])
    joined = first[:head_end] + ",".join(items) + first[tail_start:]
    expected = [item for page in pages for item in json.loads(page)[key]]
    if json.loads(joined)[key] != expected:
        raise RuntimeError(f"joining the {key} pages changed their items")
    return joined.encode("utf-8")


def capture(api: httpx.Client, path: str, key: str, count: int) -> tuple[bytes, int]:
    """The first ``count`` items of ``path`` as one page, and how many it holds."""
    pages: list[bytes] = []
    seen = 0
    while seen < count:
        response = api.get(path, params={"limit": count - seen, "offset": seen})
        response.raise_for_status()
        got = len(response.json()[key])
        if not got:
            break
        pages.append(response.content)
        seen += got
    if not pages:
        return b"", 0
    return join_pages(pages, key), seen


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--state", type=Path, default=_default_state())
    parser.add_argument("--count", type=int, default=100)
    args = parser.parse_args()
    state = json.loads(args.state.read_text(encoding="utf-8"))
    base_url = state["base_url"]
    credentials = {"username": state["admin"]["username"], "password": state["admin"]["password"]}
    token = httpx.post(f"{base_url}/auth/token", json=credentials).raise_for_status()
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    DATA.mkdir(exist_ok=True)
    with httpx.Client(base_url=base_url, headers=headers, timeout=30) as api:
        for name, (path, key) in PAGES.items():
            body, items = capture(api, path, key, args.count)
            if not items:
                print(f"{path}: the server has no {key}; {name} not written")
                continue
            (DATA / name).write_bytes(body)
            print(f"{path}: {items} {key}, {len(body):,} bytes -> {DATA / name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
