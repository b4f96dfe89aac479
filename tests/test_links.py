"""URLs in body HTML are found and rewritten as an HTML parser reads the tags.

The oracle is the standard library's parser, driven here on its own: every URL
attribute it reports, in order, is what ``urls_in`` must report, and a rewrite must
change those values and no other byte the parser sees as text. Bodies come from
real archives (Markdown by 18F's and OpenTelemetry's writers, WordPress's export
tests with comments, scripts and hand-written HTML) and from generated tag soup.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SHARED_CORPUS
from newsgen.links import SRCSET_ATTRIBUTES, URL_ATTRIBUTES, rewrite_urls, urls_in


class _Oracle(HTMLParser):
    """URL attribute values and text, as the parser reads them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.text: list[str] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in URL_ATTRIBUTES:
                self.urls.append(value.strip())
            elif name in SRCSET_ATTRIBUTES:
                self.urls += [c.split()[0] for c in value.split(",") if c.split()]

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


def oracle(body: str) -> _Oracle:
    parser = _Oracle()
    parser.feed(body)
    parser.close()
    return parser


def marked(tag: str, attribute: str, url: str) -> str:
    return f"https://cdn.example/{url}"


def assert_read_as_the_parser_reads(body: str, rewritten_too: bool = True) -> None:
    """The URLs found are the parser's; with ``rewritten_too``, the body rewritten, parsed
    again, has each of them changed and the same text and comments (a body of malformed tags
    may not: a stray quote in one pairs with the quotes of a tag written again)."""
    expected = oracle(body)
    assert urls_in(body) == expected.urls
    if not rewritten_too:
        return
    rewritten = oracle(rewrite_urls(body, marked))
    assert rewritten.urls == [f"https://cdn.example/{url}" for url in expected.urls]
    assert "".join(rewritten.text) == "".join(expected.text)
    assert rewritten.comments == expected.comments


def real_bodies() -> list[tuple[str, str]]:
    """(name, body HTML): 18F's Markdown posts rendered, and WordPress's exported post bodies."""
    if not SHARED_CORPUS.is_dir():
        pytest.skip(f"the real archives are not beside the project ({SHARED_CORPUS})")
    bodies = []
    for path in sorted((SHARED_CORPUS / "18f-blog").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        body = text.split("---", 2)[2] if text.startswith("---") else text
        bodies.append((path.name, markdown.markdown(body, extensions=["attr_list", "tables", "fenced_code"])))
    for path in sorted((SHARED_CORPUS / "wordpress-importer").glob("*.xml")):
        xml = path.read_text(encoding="utf-8", errors="replace")
        for i, found in enumerate(re.findall(r"<content:encoded><!\[CDATA\[(.*?)\]\]></content:encoded>", xml, re.S)):
            bodies.append((f"{path.name}#{i}", found))
    return bodies


def test_urls_in_real_archive_bodies_are_those_the_html_parser_reads():
    bodies = real_bodies()
    assert len(bodies) > 500
    for name, body in bodies:
        try:
            assert_read_as_the_parser_reads(body)
        except AssertionError as failure:
            raise AssertionError(f"{name}: {failure}") from None


def test_a_url_in_a_comment_or_script_is_left_alone_and_the_tags_around_it_are_rewritten():
    body = ('<!-- <a href="/old/"> --><script>document.write(\'<img src="/x.png">\')</script>'
            '<p>1 < 2 <a href="/new/">new</a></p>')
    assert rewrite_urls(body, marked) == (
        '<!-- <a href="/old/"> --><script>document.write(\'<img src="/x.png">\')</script>'
        '<p>1 < 2 <a href="https://cdn.example//new/">new</a></p>')


def test_only_tags_with_a_changed_url_are_written_again():
    body = "<p class=lead>Read <A HREF='/a/?x=1&amp;y=2' title=\"t\">this</A> <img src=/p.jpg alt=''/></p>"
    assert rewrite_urls(body, marked) == (
        '<p class=lead>Read <a href="https://cdn.example//a/?x=1&amp;y=2" title="t">this</A> '
        '<img src="https://cdn.example//p.jpg" alt="" /></p>')
    assert rewrite_urls(body, lambda tag, attribute, url: url) is body


_NAMES = st.sampled_from(["a", "img", "A", "IMG", "p", "source", "script", "style", "textarea", "br", "video"])
_ATTRIBUTE_NAMES = st.sampled_from(["href", "src", "HREF", "srcset", "poster", "alt", "title", "class", "data-x"])
_VALUES = st.text(alphabet="ab/.:?&#;=<> '\"`\t\n\xa0é1,", max_size=12)
_QUOTES = st.sampled_from(['"{}"', "'{}'", "{}"])
_SPACES = st.sampled_from([" ", "  ", "\n", "\t", "\xa0", "/", " / "])


@st.composite
def _tag(draw: st.DrawFn) -> str:
    name = draw(_NAMES)
    attributes = []
    for _ in range(draw(st.integers(0, 3))):
        attribute = draw(_ATTRIBUTE_NAMES)
        if draw(st.booleans()):
            attribute += draw(st.sampled_from(["=", " = ", "=="])) + draw(_QUOTES).format(draw(_VALUES))
        attributes.append(draw(_SPACES) + attribute)
    return f"<{name}{''.join(attributes)}{draw(st.sampled_from(['', ' ', '/', ' /']))}>"


_PIECES = st.one_of(_tag(), st.sampled_from(["</a>", "</p >", "text", " & ", "<", ">", "<!-- c -->", "<!x>",
                                             "</script>", "</style>", "<?pi?>", "&amp;", "\n"]))


@settings(max_examples=600, deadline=None)
@given(st.lists(_PIECES, max_size=12).map("".join))
def test_urls_in_tag_soup_are_those_the_html_parser_reads(body):
    assert_read_as_the_parser_reads(body, rewritten_too=False)
    assert rewrite_urls(body, lambda tag, attribute, url: url) is body  # nothing to change: not a byte changed


@st.composite
def _well_formed_tag(draw: st.DrawFn) -> str:
    attributes = []
    for _ in range(draw(st.integers(0, 3))):
        attribute = draw(_ATTRIBUTE_NAMES)
        if draw(st.booleans()):
            value = draw(st.text(alphabet="ab/.:?#;=> `\t\n\xa0é1,&", max_size=12))
            attribute += "=" + (f'"{value}"' if draw(st.booleans()) else f"'{value}'")
        attributes.append(draw(st.sampled_from([" ", "  ", "\n"])) + attribute)
    return f"<{draw(_NAMES)}{''.join(attributes)}{draw(st.sampled_from(['', ' /']))}>"


@settings(max_examples=600, deadline=None)
@given(st.lists(st.one_of(_well_formed_tag(), st.sampled_from(["</a>", "text ", " & ", ">", "<!-- c -->", "\n"])),
                max_size=12).map("".join))
def test_well_formed_tags_are_rewritten_in_place_and_nothing_else_changes(body):
    assert_read_as_the_parser_reads(body)
