"""The tables researchers query (docs/schema.md), as typed SQLAlchemy 2.x models.

Table and column names are a public contract: add columns through a new Alembic revision, never rename.
Constraint names come from the metadata naming convention so migrations can address them by name.
The store writes through Core (`Model.__table__`); the ORM classes are for readers and tests.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

EDITION_STATUSES = ("complete", "partial", "missing", "not_published", "failed")
FAILURE_KINDS = ("edition", "page", "article", "media")
SCRIPTS = ("hans", "hant")
TEXT_SOURCES = ("html", "pdf")  # where an article's text was read: its HTML page, or the page PDF


def _in_list(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class UtcDateTime(TypeDecorator[dt.datetime]):
    """A timestamp stored as UTC and always read back timezone-aware.

    SQLite keeps no offset, so naive values read from it are UTC by construction; naive values handed in
    are taken to be UTC already.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc)
        value = value.astimezone(dt.timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def table_of(model: type[Base]) -> Table:
    """The Core table of a model, typed as one: `Model.__table__` is declared as any FromClause."""
    return Base.metadata.tables[model.__tablename__]


class Newspaper(Base):
    __tablename__ = "newspaper"
    __table_args__ = (
        UniqueConstraint("key"),
        CheckConstraint(_in_list("script", SCRIPTS), name="script"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(Text)
    region: Mapped[str | None] = mapped_column(Text)
    script: Mapped[str] = mapped_column(String(8), default="hans")
    homepage: Mapped[str | None] = mapped_column(Text)


class Edition(Base):
    """One issue of a paper. `status` is NULL while a crawl of it has not been finalised."""

    __tablename__ = "edition"
    __table_args__ = (
        UniqueConstraint("newspaper_id", "date"),
        CheckConstraint(_in_list("status", EDITION_STATUSES), name="status"),
        Index(None, "date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    newspaper_id: Mapped[int] = mapped_column(ForeignKey("newspaper.id", ondelete="CASCADE"))
    date: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str | None] = mapped_column(String(16))
    page_count: Mapped[int | None] = mapped_column(Integer)
    article_count: Mapped[int | None] = mapped_column(Integer)
    url: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)  # why not_published / failed, as the spider said
    first_crawled_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    last_crawled_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class Page(Base):
    """A 版面. `article_count` is how many articles the page lists (less those an earlier page of the edition
    listed first); NULL means the page itself was not stored yet (a placeholder for an article that came first)."""

    __tablename__ = "page"
    __table_args__ = (
        UniqueConstraint("edition_id", "number"),
        Index(None, "name"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("edition.id", ondelete="CASCADE"))
    seq: Mapped[int | None] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    image_url: Mapped[str | None] = mapped_column(Text)
    pdf_url: Mapped[str | None] = mapped_column(Text)
    image_width: Mapped[int | None] = mapped_column(Integer)
    image_height: Mapped[int | None] = mapped_column(Integer)
    article_count: Mapped[int | None] = mapped_column(Integer)
    # the archived page image and page PDF (EPAPER_MEDIA): digest and size as received; the image's pixel size
    # (which may differ from the hotspot space above); the PDF's first page in points (NULL: not measured)
    image_sha256: Mapped[str | None] = mapped_column(String(64))
    image_bytes: Mapped[int | None] = mapped_column(Integer)
    image_pixel_width: Mapped[int | None] = mapped_column(Integer)
    image_pixel_height: Mapped[int | None] = mapped_column(Integer)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    pdf_bytes: Mapped[int | None] = mapped_column(Integer)
    pdf_width_pt: Mapped[float | None] = mapped_column(Float)
    pdf_height_pt: Mapped[float | None] = mapped_column(Float)


class Article(Base):
    """One story; a story continued on other pages stays one row with several `article_part` rows."""

    __tablename__ = "article"
    __table_args__ = (
        UniqueConstraint("edition_id", "source_key"),
        CheckConstraint(_in_list("script", SCRIPTS), name="script"),
        CheckConstraint(_in_list("text_source", TEXT_SOURCES), name="text_source"),
        Index(None, "page_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("edition.id", ondelete="CASCADE"))
    page_id: Mapped[int | None] = mapped_column(ForeignKey("page.id", ondelete="SET NULL"))
    seq: Mapped[int | None] = mapped_column(Integer)
    source_key: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    kicker: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    title_simplified: Mapped[str | None] = mapped_column(Text)
    subtitle: Mapped[str | None] = mapped_column(Text)
    dateline: Mapped[str | None] = mapped_column(Text)
    byline: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text, default="")
    body_simplified: Mapped[str | None] = mapped_column(Text)
    crossheads: Mapped[list[str] | None] = mapped_column(JSON(none_as_null=True))
    editors: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON(none_as_null=True))
    joins: Mapped[int] = mapped_column(Integer, default=0)
    script: Mapped[str] = mapped_column(String(8), default="hans")
    char_count: Mapped[int] = mapped_column(Integer, default=0)
    # 'pdf' when the HTML body was empty or image-only and the text was read from the page PDF
    text_source: Mapped[str] = mapped_column(String(8), default="html", server_default="html")
    # share (0..1) of the text the page PDF prints inside the article's hotspots that its HTML text has too;
    # NULL when not measured (no PDF fetched, no hotspots, a scan)
    pdf_coverage: Mapped[float | None] = mapped_column(Float)
    polygon: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    area_share: Mapped[float | None] = mapped_column(Float)
    content_hash: Mapped[str] = mapped_column(String(64))
    parser_version: Mapped[str | None] = mapped_column(Text)
    first_seen_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    changed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class ArticlePart(Base):
    __tablename__ = "article_part"
    __table_args__ = (
        UniqueConstraint("article_id", "seq"),
        Index(None, "page_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"))
    page_id: Mapped[int | None] = mapped_column(ForeignKey("page.id", ondelete="SET NULL"))
    seq: Mapped[int] = mapped_column(Integer)
    url: Mapped[str | None] = mapped_column(Text)
    source_key: Mapped[str | None] = mapped_column(Text)
    # the piece's own text as fetched, so that a story can be re-joined from its parts on every run
    title: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str | None] = mapped_column(Text)
    continuations: Mapped[list[Any] | None] = mapped_column(JSON(none_as_null=True))  # 下转/上接 markers


class Byline(Base):
    __tablename__ = "byline"
    __table_args__ = (
        UniqueConstraint("article_id", "seq"),
        Index(None, "name"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    name: Mapped[str | None] = mapped_column(Text)
    role: Mapped[str | None] = mapped_column(Text)
    organisation: Mapped[str | None] = mapped_column(Text)


class Image(Base):
    """An article's image; `url` is NULL for a caption printed without a picture."""

    __tablename__ = "image"
    __table_args__ = (UniqueConstraint("article_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    url: Mapped[str | None] = mapped_column(Text)
    caption: Mapped[str | None] = mapped_column(Text)
    credit: Mapped[str | None] = mapped_column(Text)


class CrawlRun(Base):
    __tablename__ = "crawl_run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    args: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    started_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(16))
    counters: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))


class RunCoverage(Base):
    """Field coverage of what one run stored for one paper, its baseline and the findings (schema/coverage.py)."""

    __tablename__ = "run_coverage"
    __table_args__ = (UniqueConstraint("run_id", "newspaper_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_run.id", ondelete="CASCADE"))
    newspaper_id: Mapped[int] = mapped_column(ForeignKey("newspaper.id", ondelete="CASCADE"))
    computed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    articles: Mapped[int] = mapped_column(Integer, default=0)
    figures: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    baseline: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    findings: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON(none_as_null=True))


class Failure(Base):
    """What could not be fetched or parsed. Once the same URL is stored, or the edition settles as complete or
    not_published, the row is resolved (`resolved_at`, `resolution`) and kept as history; only open failures
    (resolved_at NULL) count against an edition and a run's exit status. A new failure of the URL reopens it."""

    __tablename__ = "failure"
    __table_args__ = (
        UniqueConstraint("newspaper_id", "url"),
        CheckConstraint(_in_list("kind", FAILURE_KINDS), name="kind"),
        Index(None, "edition_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    newspaper_id: Mapped[int] = mapped_column(ForeignKey("newspaper.id", ondelete="CASCADE"))
    edition_id: Mapped[int | None] = mapped_column(ForeignKey("edition.id", ondelete="CASCADE"))
    page_url: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    first_failed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    last_failed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    resolution: Mapped[str | None] = mapped_column(String(32))  # stored, complete, not_published


TABLES = {t.name: t for t in Base.metadata.sorted_tables}
