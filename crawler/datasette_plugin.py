"""Our Datasette plugin for `epaper serve` (registered by crawler/serve.py, no entry point needed).

Two hooks, both switched on per database by the plugin configuration `epaper` in the metadata, so that
other Datasette instances in the same process are left alone:

- `filters_from_request`: the search box of `story` and `article` runs the query of `epaper search`
  (schema.search.term_filter_sql): every term, in either script, terms of one or two characters by substring
  scan. Datasette's own FTS filter would send the box's text to the trigram index as one phrase, which finds
  nothing shorter than three characters and only the script typed. It stays unused, because the metadata of
  those tables names no `fts_table` (and the index is not found by Datasette's detection either).
- `asgi_wrapper`: the archive is served read-only, so any request other than GET/HEAD/OPTIONS gets a
  one-line 405 instead of reaching Datasette (a POST to a canned query made it fail with a 500).
"""

from __future__ import annotations

from typing import Any

from datasette import hookimpl
from datasette.filters import FilterArguments
from datasette.utils.asgi import BadRequest

PLUGIN = "epaper"
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
READ_ONLY_MESSAGE = b"405 Method Not Allowed: this archive is served read-only; use GET.\n"


def _enabled(datasette: Any, database: str, table: str) -> bool:
    config = datasette.plugin_config(PLUGIN, database=database) or {}
    return table in config.get("search_tables", ())


@hookimpl(trylast=True)  # called after Datasette's own filters, so that our extra_context wins
def filters_from_request(request: Any, database: str, table: str, datasette: Any) -> Any:
    if not _enabled(datasette, database, table):
        return None
    from schema.search import term_filter_sql

    query = request.args.get("_search", "")
    context: dict[str, Any] = {"supports_search": True}
    if not query.strip():
        return FilterArguments([], extra_context=context)
    try:
        where, params = term_filter_sql(query)
    except ValueError as exc:
        raise BadRequest(str(exc)) from None
    context["search"] = query
    return FilterArguments([where], params, [f'search matches "{query}" (epaper search rules)'], context)


@hookimpl
def asgi_wrapper(datasette: Any) -> Any:
    def wrap(app: Any) -> Any:
        if not (datasette.plugin_config(PLUGIN) or {}).get("read_only"):
            return app

        async def read_only(scope: dict[str, Any], receive: Any, send: Any) -> None:
            if scope.get("type") == "http" and scope.get("method", "GET").upper() not in READ_METHODS:
                await send(
                    {
                        "type": "http.response.start",
                        "status": 405,
                        "headers": [
                            (b"content-type", b"text/plain; charset=utf-8"),
                            (b"allow", b"GET, HEAD, OPTIONS"),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": READ_ONLY_MESSAGE})
                return
            await app(scope, receive, send)

        return read_only

    return wrap
