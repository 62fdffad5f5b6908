"""Searching the catalogue: full-text on PostgreSQL, a plain `icontains` elsewhere.

`Innovation.search_vector` is a stored tsvector that `innovation_search_refresh`
(in services) keeps up to date whenever an innovation's words change. A GIN index
on it lets PostgreSQL answer a search without reading the whole table.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Index
from django.db.models.expressions import CombinedExpression

SEARCH_CONFIG = "english"


def full_text_available() -> bool:
    return connection.vendor == "postgresql"


def search_document() -> CombinedExpression:
    """Title first, then the summary, then the longer descriptions."""
    return (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
        + SearchVector("problem", "how_it_works", weight="C", config=SEARCH_CONFIG)
    )


def search_query(words: str) -> SearchQuery:
    """Words as people type them: `red bag -dementia`, `"virtual ward"`, `falls or frailty`."""
    return SearchQuery(words, config=SEARCH_CONFIG, search_type="websearch")


class GinIndexOnPostgres(GinIndex):
    """A GIN index on PostgreSQL; SQLite has no GIN, so there it is a plain index.

    SQLite never fills the column (it searches with `icontains`), so the plain
    index costs nothing, and migrations and test databases work on both.
    """

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return Index.create_sql(self, model, schema_editor, **kwargs)
        return super().create_sql(model, schema_editor, using=using, **kwargs)
