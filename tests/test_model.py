"""The article model's indexes: order, neighbours, related articles, lead story."""
from __future__ import annotations

import pickle
from datetime import datetime, timedelta, timezone
from types import MappingProxyType

from newsgen.model import Article, Author, Term, build_site, pack_body

T0 = datetime(2025, 12, 19, 12, tzinfo=timezone.utc)


def make(key: str, hours: int, section: str = "news", tags: tuple[str, ...] = (), featured: bool = False) -> Article:
    return Article(key=key, title=key, date=T0 - timedelta(hours=hours), section=section, slug=key,
                   url=f"/{section}/{key}/", packed_body=b"", summary="",
                   tags=tuple(Term(t, t, f"/tags/{t}/") for t in tags), featured=featured)


def test_articles_are_newest_first_with_ties_broken_by_key():
    site = build_site([make("b", 1), make("a", 1), make("c", 0)])
    assert [a.key for a in site.articles] == ["c", "a", "b"]


def test_a_new_version_of_an_article_takes_its_place_and_the_rest_stay_as_they_were():
    from dataclasses import replace
    site = build_site([make(k, hours) for k, hours in [("a", 1), ("b", 1), ("c", 1), ("d", 0), ("e", 5)]])
    new_b, new_e = replace(site.by_key["b"], title="B, corrected"), replace(site.by_key["e"], title="E, corrected")
    patched = site.with_versions({"b": new_b, "e": new_e})
    assert [a.key for a in patched.articles] == [a.key for a in site.articles] == ["d", "a", "b", "c", "e"]
    assert patched.articles[2] is new_b and patched.articles[4] is new_e and patched.by_key["b"] is new_b
    assert [a.title for a in site.articles] == ["d", "a", "b", "c", "e"]  # the old site is untouched
    assert patched.previous == site.previous and patched.with_versions({}) is patched


def test_previous_and_next_stay_within_a_section():
    site = build_site([make("n1", 3), make("s1", 2, "sport"), make("n2", 1), make("n3", 0)])
    assert site.previous["n3"] == "n2" and site.next["n2"] == "n3" and site.previous["n2"] == "n1"
    assert "n1" not in site.previous and "s1" not in site.previous and "s1" not in site.next


def test_related_prefers_more_shared_tags_then_nearer_in_time():
    site = build_site([make("x", 0, tags=("a", "b")), make("both", 10, tags=("a", "b")),
                       make("near", 1, tags=("a",)), make("far", 5, tags=("b",)), make("none", 2)], related_size=3)
    assert site.related["x"] == ("both", "near", "far")
    assert "none" not in site.related


def test_lead_is_newest_featured_else_newest():
    assert build_site([make("new", 0), make("feat", 5, featured=True)]).lead.key == "feat"
    assert build_site([make("new", 0), make("old", 5)]).lead.key == "new"
    assert build_site([]).lead is None


def test_configured_sections_come_first_even_when_empty():
    site = build_site([make("a", 0, "zeta"), make("b", 0, "alpha")], [("politics", "Politics"), ("zeta", "Z!")])
    assert [(s.key, s.name, len(s.articles)) for s in site.sections] == [
        ("politics", "Politics", 0), ("zeta", "Z!", 1), ("alpha", "Alpha", 1)]


def test_articles_survive_the_trip_to_a_worker_process():
    original = make("a", 0, tags=("t",))
    original = Article(**{**{f: getattr(original, f) for f in original.__dataclass_fields__},
                          "extra": MappingProxyType({"kicker": "Live"})})
    copy = pickle.loads(pickle.dumps(original))
    assert copy == original and copy.extra["kicker"] == "Live"


def test_articles_read_back_share_one_object_for_each_tag_and_author():
    # an archive of 100,000 articles names a few hundred tags and people: one copy each, not one per article
    writer = Author("Aigerim Bekova", "aigerim-bekova", "/authors/aigerim-bekova/", bio="Almaty")
    first, second = (Article(**{**{f: getattr(a, f) for f in a.__dataclass_fields__}, "authors": (writer,)})
                     for a in (make("a", 0, tags=("kazakhstan", "energy")), make("b", 1, tags=("energy",))))
    one, other = pickle.loads(pickle.dumps(first)), pickle.loads(pickle.dumps(second))
    assert one.tags[1] is other.tags[0] and one.tags[1] == Term("energy", "energy", "/tags/energy/")
    assert one.authors[0] is other.authors[0] and one.authors[0].bio == "Almaty"


def test_a_body_is_kept_compressed_and_reads_back_whole():
    body = "".join(f"<p>Astana, day {n}: the tenge held at 0.00193 to the dollar; Ташкент ждёт.</p>\n" for n in range(200))
    article = Article(**{**{f: getattr(make("a", 0), f) for f in Article.__dataclass_fields__},
                         "packed_body": pack_body(body)})
    assert article.html == body
    assert len(article.packed_body) * 4 < len(body.encode())
    assert pickle.loads(pickle.dumps(article)).html == body and make("b", 0).html == ""
