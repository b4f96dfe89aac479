"""``newsgen import wordpress``: WordPress's own test exports, and small exports written here, imported
through the command and built as a reader would get them."""
from __future__ import annotations

import re
import subprocess
import textwrap
from pathlib import Path

import pytest
from lxml import etree

from conftest import SHARED_CORPUS, build_site, read, run_cli
from test_html_valid import validator

CORPUS = SHARED_CORPUS / "wordpress-importer"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"WordPress's test exports are not in {CORPUS} "
                                  "(see ../shared/corpus/wordpress-importer/SOURCE.md)")
VALID = ["a11y-unit-test-data.xml", "authors-multiline.xml", "crazy-cdata.xml", "post-content-blank-lines.xml",
         "slashes.xml", "small-export.xml", "term-formats.xml", "valid-wxr-1.0.xml", "valid-wxr-1.1.xml",
         "wxr-flat-attachment-different-site.xml", "wxr-flat-attachment-same-site.xml", "wxr-simple.xml"]
LEFTOVERS = re.compile(r"<!--\s*/?wp:|\[/?(?:caption|wp_caption|gallery|embed|video|audio|playlist)\b")


def import_export(export: Path, site: Path, *options: str) -> tuple[int, str]:
    return run_cli("import", "wordpress", str(export), "-s", str(site), *options)


def searchless(site: Path) -> Path:
    """The imported site without its search index (Pagefind is not what these tests are about)."""
    with open(site / "newsgen.yaml", "a", encoding="utf-8") as settings:
        settings.write("search: false\n")
    return site


def page_text(output: Path, url: str) -> str:
    """What a reader reads on the page: its text, entities decoded."""
    return " ".join(etree.HTML(read(output, url)).xpath("string(//main)").split())


def article_page(output: Path, slug: str) -> str:
    """The text of the one article page (not a redirect page) whose address ends with ``slug``."""
    [page] = [p for p in output.rglob(f"{slug}/index.html") if 'http-equiv="refresh"' not in p.read_text()]
    return " ".join(etree.HTML(page.read_text(encoding="utf-8")).xpath("string(//main)").split())


def front(path: Path) -> dict[str, object]:
    import yaml
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


def articles(site: Path) -> list[Path]:
    return sorted((site / "content").rglob("*.md"))


# --- a small export written here ------------------------------------------------------------------

def wxr(*items: str, version: str = "1.2", authors: str = "", link: str = "https://old.example.org") -> str:
    ns = f"http://wordpress.org/export/{version}/"
    return textwrap.dedent(f"""\
        <?xml version="1.0" encoding="UTF-8" ?>
        <rss version="2.0" xmlns:excerpt="{ns}excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/"
             xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="{ns}">
        <channel>
        <title>The Steppe Gazette</title>
        <link>{link}</link>
        <language>en</language>
        <wp:wxr_version>{version}</wp:wxr_version>
        <wp:base_site_url>{link}</wp:base_site_url>
        <wp:base_blog_url>{link}</wp:base_blog_url>
        {authors}
        """) + "\n".join(items) + "\n</channel>\n</rss>\n"


def item(post_id: int, title: str | None = "A story", content: str = "Text.", *, name: str = "a-story",
         date: str = "2024-03-05 14:30:00", gmt: str = "2024-03-05 09:30:00", status: str = "publish",
         kind: str = "post", categories: str = '<category domain="category" nicename="news"><![CDATA[News]]></category>',
         meta: str = "", creator: str = "aida", excerpt: str = "", url: str = "", parent: int = 0,
         link: str = "") -> str:
    title_element = "" if title is None else f"<title><![CDATA[{title}]]></title>"
    return f"""<item>{title_element}
<link>{link or f'https://old.example.org/?p={post_id}'}</link>
<dc:creator><![CDATA[{creator}]]></dc:creator>
<content:encoded><![CDATA[{content}]]></content:encoded>
<excerpt:encoded><![CDATA[{excerpt}]]></excerpt:encoded>
<wp:post_id>{post_id}</wp:post_id><wp:post_date><![CDATA[{date}]]></wp:post_date>
<wp:post_date_gmt><![CDATA[{gmt}]]></wp:post_date_gmt>
<wp:post_modified><![CDATA[{date}]]></wp:post_modified><wp:post_modified_gmt><![CDATA[{gmt}]]></wp:post_modified_gmt>
<wp:post_name><![CDATA[{name}]]></wp:post_name><wp:status><![CDATA[{status}]]></wp:status>
<wp:post_parent>{parent}</wp:post_parent><wp:post_type><![CDATA[{kind}]]></wp:post_type>
{f'<wp:attachment_url><![CDATA[{url}]]></wp:attachment_url>' if url else ''}
{categories}{meta}</item>"""


AUTHOR = ("<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[aida]]></wp:author_login>"
          "<wp:author_display_name><![CDATA[Aida Nurlanovna]]></wp:author_display_name></wp:author>")


def write_export(tmp_path: Path, text: str, name: str = "export.xml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- WordPress's own test exports -------------------------------------------------------------------

def posts_in(export: Path) -> list[etree._Element]:
    """The export's posts an import should make articles of (read here with lxml, independently)."""
    tree = etree.parse(str(export), etree.XMLParser(recover=True))
    found = []
    for element in tree.iter("item"):
        fields = {etree.QName(c).localname: (c.text or "").strip() for c in element}
        if fields.get("post_type", "post") == "post" and fields.get("status", "publish") not in ("trash", "auto-draft"):
            found.append(element)
    return found


@needs_corpus
@pytest.mark.parametrize("name", VALID)
def test_every_post_of_every_valid_export_becomes_an_article_of_a_site_that_passes_check_and_builds(tmp_path, name):
    site = tmp_path / "site"
    code, out = import_export(CORPUS / name, site)
    assert code == 0, out
    assert len(articles(site)) == len(posts_in(CORPUS / name))
    code, out = run_cli("check", "-s", str(searchless(site)), "-j", "1")
    assert code == 0, out
    assert (site / "import-report.md").is_file()
    output = build_site(site)[0]
    pages = {p.parent.name for p in output.rglob("index.html") if 'http-equiv="refresh"' not in p.read_text()}
    published = [front(p) for p in articles(site) if not front(p).get("draft")]
    assert all(str(fields["slug"]) in pages for fields in published)


@needs_corpus
def test_a_post_keeps_its_title_date_slug_section_tags_author_and_featured_image(tmp_path):
    site = tmp_path / "site"
    assert import_export(CORPUS / "a11y-unit-test-data.xml", site)[0] == 0
    [path] = (site / "content/template-2").glob("*-template-featured-image-horizontal.md")
    fields = front(path)
    assert fields["title"] == "Template: Featured Image (Horizontal)"
    assert fields["date"] == "2012-03-15T15:15:12-07:00"  # post_date with its distance from post_date_gmt
    assert fields["slug"] == "template-featured-image-horizontal" and fields["section"] == "template-2"
    # its other category is a tag, as the issue asks
    assert fields["tags"] == ["Codex", "edge case", "featured image", "image", "template", "Uncategorized"]
    assert fields["authors"] == ["a11yteam"]
    assert fields["image"] == "https://wpthemetestdata.files.wordpress.com/2013/03/featured-image-horizontal.jpg"
    output = build_site(searchless(site))[0]
    page = read(output, "/2012/03/15/template-featured-image-horizontal/")  # WordPress's own address
    assert "Template: Featured Image (Horizontal)" in page and "featured-image-horizontal.jpg" in page
    assert "Template</a>" in page or ">Template<" in page  # the category's name is the section's


@needs_corpus
def test_drafts_private_and_scheduled_posts_keep_their_status(tmp_path):
    site = tmp_path / "site"
    import_export(CORPUS / "a11y-unit-test-data.xml", site)
    [draft] = (site / "content/unpublished").glob("*-draft.md")
    [scheduled] = (site / "content/unpublished").glob("*-scheduled.md")
    assert front(draft)["draft"] is True and front(draft)["date"] == "2013-04-09T11:20:39-07:00"
    assert "draft" not in front(scheduled) and front(scheduled)["date"] == "2020-01-01T12:00:18-07:00"
    small = tmp_path / "small"
    import_export(CORPUS / "small-export.xml", small)
    private = [p for p in articles(small) if front(p).get("draft")]
    assert len(private) == 1  # the export's one private post


@needs_corpus
def test_a_malformed_export_is_refused_with_its_line_and_column_and_nothing_written(tmp_path):
    code, out = import_export(CORPUS / "malformed.xml", tmp_path / "site")
    assert code == 1
    assert "malformed.xml:90:11: is not well-formed XML: Opening and ending tag mismatch" in out
    assert "nothing was written" in out
    assert not (tmp_path / "site").exists()


@needs_corpus
def test_an_export_without_a_version_is_not_taken_for_one(tmp_path):
    code, out = import_export(CORPUS / "missing-version-tag.xml", tmp_path / "site")
    assert code == 1 and "is not a WordPress export: it has no <wp:wxr_version>" in out
    assert not (tmp_path / "site").exists()


def test_an_empty_or_cut_short_export_is_refused_with_a_line_and_column(tmp_path):
    cut = wxr(item(1)).split("</channel>")[0]  # the end of the file lost in a download
    for name, text, where in [("empty.xml", "", "empty.xml:1:1: "),
                              ("cut.xml", cut, f"cut.xml:{cut.count(chr(10)) + 1}:1: ")]:
        code, out = import_export(write_export(tmp_path, text, name), tmp_path / "site")
        assert code == 1 and where + "is not well-formed XML" in out and "nothing was written" in out
        assert not (tmp_path / "site").exists()


def test_an_export_that_does_not_exist_is_a_usage_error_without_a_traceback(tmp_path):
    code, out = import_export(tmp_path / "missing.xml", tmp_path / "site")
    assert code == 2 and "missing.xml is not a file; give the path of WordPress's export" in out
    assert "Traceback" not in out and not (tmp_path / "site").exists()


def test_a_feed_that_is_not_an_export_says_so(tmp_path):
    feed = write_export(tmp_path, '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>')
    code, out = import_export(feed, tmp_path / "site")
    assert code == 1 and "is not a WordPress export" in out


@needs_corpus
@pytest.mark.parametrize("name, text", [("crazy-cdata.xml", "Content with nested <![CDATA[ tags ]]> :)"),
                                        ("slashes.xml", "Slashes aren\\'t \\\"cool\\\"")])
def test_tricky_text_reaches_the_page_exactly(tmp_path, name, text):
    site = tmp_path / "site"
    assert import_export(CORPUS / name, site)[0] == 0
    output = build_site(searchless(site))[0]
    assert text in article_page(output, "hello-world")


@needs_corpus
def test_a_category_name_with_backslashes_and_quotes_is_the_section_name_exactly(tmp_path):
    site = tmp_path / "site"
    assert import_export(CORPUS / "slashes.xml", site)[0] == 0
    import yaml
    assert yaml.safe_load((site / "newsgen.yaml").read_text(encoding="utf-8"))["sections"] == {
        "alpha": 'a \\"great\\" category'}


@needs_corpus
def test_classic_posts_get_paragraphs_where_their_blank_lines_were(tmp_path):
    site = tmp_path / "site"
    import_export(CORPUS / "post-content-blank-lines.xml", site)
    output = build_site(searchless(site))[0]
    [page] = [p for p in output.rglob("hello-world/index.html") if 'http-equiv="refresh"' not in p.read_text()]
    paragraphs = [" ".join(p.xpath("string()").split()) for p in etree.HTML(page.read_text()).iter("p")]
    assert "This is an example of a WordPress post. It has lines with text (and one blank line)." in paragraphs
    assert "And more lines with text." in paragraphs


@needs_corpus
@pytest.mark.slow
def test_the_accessibility_test_site_builds_to_valid_html_without_shortcodes_or_block_comments(tmp_path):
    command = validator()
    site = tmp_path / "site"
    assert import_export(CORPUS / "a11y-unit-test-data.xml", site)[0] == 0
    output = build_site(searchless(site))[0]
    pages = [p for p in output.rglob("*.html") if "pagefind" not in p.parts]
    assert len(pages) > 40
    for page in pages:
        assert not LEFTOVERS.search(page.read_text(encoding="utf-8")), page
    gallery = read(output, "/2018/11/02/block-gallery/")  # an old address: a redirect page
    assert "/2018/11/03/block-gallery/" in gallery
    done = subprocess.run([*command, "--root", str(output), "--blacklist", "pagefind", "--format", "text"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


# --- behaviour on exports written here ----------------------------------------------------------------

def everything_in(site: Path) -> dict[str, tuple[bytes, int] | None]:
    """Every file and folder under ``site``: a file's bytes and modification time, None for a folder."""
    return {p.relative_to(site).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns) if p.is_file() else None
            for p in sorted(site.rglob("*"))}


def but_the_report(files: dict[str, tuple[bytes, int] | None]) -> dict[str, tuple[bytes, int] | None]:
    return {name: value for name, value in files.items() if name != "import-report.md"}


def test_importing_the_same_export_twice_changes_nothing(tmp_path):
    export = write_export(tmp_path, wxr(item(1), item(2, "Second", name="second"), authors=AUTHOR))
    site = tmp_path / "site"
    assert import_export(export, site)[0] == 0
    before = but_the_report(everything_in(site))
    assert {"newsgen.yaml", "data/authors.yaml", "wordpress-redirects.nginx.conf"} <= set(before)
    assert len([name for name in before if name.endswith(".md") and name.startswith("content/")]) == 2
    code, out = import_export(export, site)
    assert code == 0 and "wrote 0 new and 0 updated articles (2 unchanged, 0 conflicts)" in out
    assert but_the_report(everything_in(site)) == before
    report = site / "import-report.md"
    written = (report.read_bytes(), report.stat().st_mtime_ns)
    import_export(export, site)
    assert (report.read_bytes(), report.stat().st_mtime_ns) == written  # the same report is not written again


def test_a_newer_export_updates_changed_posts_adds_new_ones_and_leaves_edited_articles(tmp_path):
    site = tmp_path / "site"
    import_export(write_export(tmp_path, wxr(item(1, "One", name="one"), item(2, "Two", name="two"),
                                             item(3, "Three", name="three"))), site)
    [one, three, two] = sorted(articles(site), key=lambda p: p.name)
    edited = three.read_text(encoding="utf-8").replace("Text.", "Text, corrected in the newsroom.")
    three.write_text(edited, encoding="utf-8")
    one_before = (one.read_bytes(), one.stat().st_mtime_ns)
    newer = wxr(item(1, "One", name="one"), item(2, "Two, revised", "New text.", name="two"),
                item(3, "Three", "WordPress changed this too.", name="three"), item(4, "Four", name="four"))
    code, out = import_export(write_export(tmp_path, newer, "newer.xml"), site)
    assert code == 0, out
    assert "wrote 1 new and 1 updated articles (1 unchanged, 1 conflicts)" in out
    assert f"{three.relative_to(site).as_posix()}: conflict: edited since the last import of post 3" in out
    assert three.read_text(encoding="utf-8") == edited
    assert front(two)["title"] == "Two, revised" and "New text." in two.read_text(encoding="utf-8")
    assert (one.read_bytes(), one.stat().st_mtime_ns) == one_before
    [four] = [p for p in articles(site) if p not in (one, two, three)]
    assert front(four)["title"] == "Four"


def test_a_dry_run_writes_nothing_and_prints_the_report(tmp_path):
    export = write_export(tmp_path, wxr(item(1), item(2, status="trash", name="gone")))
    code, out = import_export(export, tmp_path / "site", "--dry-run")
    assert code == 0 and "would write 1 new" in out and "1 trashed or automatic drafts skipped" in out
    assert "dry run: nothing was written" in out and not (tmp_path / "site").exists()


def test_a_dry_run_on_an_existing_site_changes_no_file(tmp_path):
    site = tmp_path / "site"
    import_export(write_export(tmp_path, wxr(item(1), item(2, "Two", name="two"))), site)
    [two] = [p for p in articles(site) if front(p)["title"] == "Two"]
    two.write_text(two.read_text(encoding="utf-8").replace("Text.", "Edited."), encoding="utf-8")
    before = everything_in(site)
    newer = wxr(item(1, "One, revised"), item(2, "Two, revised", name="two"), item(3, "Three", name="three"),
                authors=AUTHOR)
    code, out = import_export(write_export(tmp_path, newer, "newer.xml"), site, "--dry-run")
    assert code == 0 and "would write 1 new and 1 updated articles (0 unchanged, 1 conflicts)" in out
    assert "dry run: nothing was written" in out
    assert everything_in(site) == before


def test_each_status_becomes_published_scheduled_or_draft_and_other_items_are_no_articles(tmp_path):
    statuses = ["publish", "future", "draft", "pending", "private", "trash", "auto-draft"]
    posts = [item(n, status.capitalize(), name=status, status=status,
                  date="2031-05-06 10:00:00" if status == "future" else "2024-03-05 14:30:00",
                  gmt="2031-05-06 05:00:00" if status == "future" else "2024-03-05 09:30:00")
             for n, status in enumerate(statuses, start=1)]
    others = [item(20, "About us", name="about", kind="page", link="https://old.example.org/about/"),
              item(21, "Menu", name="menu", kind="nav_menu_item"),
              item(22, "Publish", name="1-revision-v1", kind="revision", status="inherit", parent=1),
              item(23, "Photo", "", name="photo", kind="attachment", status="inherit", parent=1,
                   url="https://old.example.org/wp-content/uploads/2024/03/photo.jpg")]
    site = tmp_path / "site"
    code, out = import_export(write_export(tmp_path, wxr(*posts, *others)), site)
    assert code == 0, out
    found = {front(p)["title"]: front(p) for p in articles(site)}
    assert sorted(found) == ["Draft", "Future", "Pending", "Private", "Publish"]
    assert [t for t, f in found.items() if f.get("draft") is True] == ["Draft", "Pending", "Private"]
    assert "draft" not in found["Publish"] and "draft" not in found["Future"]
    assert found["Future"]["date"] == "2031-05-06T10:00:00+05:00"  # scheduled: newsgen shows it from its date
    assert "2 trashed or automatic drafts skipped" in out
    assert "1 pages not imported" in out
    report = (site / "import-report.md").read_text(encoding="utf-8")
    assert "- About us (id 20) https://old.example.org/about/" in report
    assert "| post | trash | 1 |" in report and "| nav_menu_item | publish | 1 |" in report
    output = build_site(searchless(site))[0]
    assert (output / "news/publish/index.html").is_file()
    assert not (output / "news/future").exists() and not (output / "news/draft").exists()


def test_dates_slugs_authors_and_summary_come_from_the_export(tmp_path):
    export = write_export(tmp_path, wxr(
        item(1, "Переговоры в Астане", name="%d0%bf%d0%b5%d1%80%d0%b5%d0%b3%d0%be%d0%b2%d0%be%d1%80%d1%8b",
             excerpt="<p>Two <em>sides</em> met.</p>",
             link="https://old.example.org/2024/03/05/%d0%bf%d0%b5%d1%80%d0%b5%d0%b3%d0%be%d0%b2%d0%be%d1%80%d1%8b/"),
        item(2, "Draft", name="", gmt="0000-00-00 00:00:00", status="draft",
             link="https://old.example.org/?p=2"), authors=AUTHOR))
    site = tmp_path / "site"
    import_export(export, site)
    [talks] = (site / "content/news").glob("*-переговоры.md")
    fields = front(talks)
    assert fields["slug"] == "переговоры" and fields["date"] == "2024-03-05T14:30:00+05:00"
    assert fields["authors"] == ["Aida Nurlanovna"] and fields["summary"] == "Two sides met."
    assert "aida-nurlanovna:\n  name: Aida Nurlanovna" in (site / "data/authors.yaml").read_text(encoding="utf-8")
    [draft] = (site / "content/news").glob("*-draft.md")
    assert front(draft)["date"] == "2024-03-05T14:30:00+00:00"  # no GMT date: the site's zone (UTC)
    output = build_site(searchless(site))[0]
    assert "Переговоры в Астане" in read(output, "/2024/03/05/переговоры/")


def test_an_item_without_a_title_or_date_gets_a_warning_and_made_up_ones(tmp_path):
    undated = item(7, None, "Kazakhstan and Uzbekistan sign a water deal today.", name="water-deal", date="", gmt="")
    in_feed = item(8, "In the feed", name="in-feed", date="", gmt="").replace(
        "<link>", "<pubDate>Tue, 18 Jan 2011 07:40:14 +0000</pubDate><link>")
    changed = item(9, "Changed", name="changed", date="", gmt="").replace(
        "<wp:post_modified><![CDATA[]]>", "<wp:post_modified><![CDATA[2020-01-02 10:00:00]]>")
    site = tmp_path / "site"
    code, out = import_export(write_export(tmp_path, wxr(undated, in_feed, changed)), site)
    assert code == 0, out
    assert re.search(r"export\.xml:\d+: warning: title: post 7 has no title; it is titled \"Water deal\"", out)
    assert "post 7 has no date; it is dated 1970-01-01, since nothing in it gives a date" in out
    assert "post 8 has no date; it is dated by its publication date in the feed" in out
    assert "post 9 has no date; it is dated by its last change" in out
    dates = {front(p)["title"]: front(p)["date"] for p in articles(site)}
    assert dates == {"Water deal": "1970-01-01T00:00:00+00:00", "In the feed": "2011-01-18T07:40:14+00:00",
                     "Changed": "2020-01-02T10:00:00+00:00"}


def test_shortcodes_and_media_urls_become_newsgen_embeds_and_unknown_ones_are_listed(tmp_path):
    content = ('Before.\n\n[caption id="attachment_9" width="300"]<img src="https://old.example.org/wp-content/'
               'uploads/2024/03/yurt.jpg" alt="A yurt" /> A yurt near Naryn[/caption]\n\n'
               "https://www.youtube.com/watch?v=dQw4w9WgXcQ\n\n[gallery ids=\"9\"]\n\n"
               '[contact-form-7 id="4" title="Contact"]\n\nAfter [sic].')
    attachment = item(9, "Yurt", "", name="yurt", kind="attachment", status="inherit", parent=1, categories="",
                      url="https://old.example.org/wp-content/uploads/2024/03/yurt.jpg")
    export = write_export(tmp_path, wxr(item(1, content=content), attachment))
    site = tmp_path / "site"
    code, out = import_export(export, site)
    assert "unknown shortcodes removed in 1 articles" in out
    assert "[contact-form-7] ×1" in (site / "import-report.md").read_text(encoding="utf-8")
    output = build_site(searchless(site))[0]
    page = read(output, "/news/a-story/") if (output / "news/a-story").exists() else read(output, "/?p=1")
    assert '<figcaption>A yurt near Naryn' in page
    assert "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ" in page
    assert 'class="gallery"' in page
    assert "contact-form-7" not in page and "After [sic]." in page_text(output, "/news/a-story/")
    kept = tmp_path / "kept"
    import_export(export, kept, "--keep-unknown-shortcodes")
    assert '[contact-form-7 id="4" title="Contact"]' in page_text(build_site(searchless(kept))[0], "/news/a-story/")


def test_media_are_copied_into_the_site_with_media_and_listed_without(tmp_path):
    content = ('<img src="https://old.example.org/wp-content/uploads/2024/03/map-300x200.png" alt="Map" />\n\n'
               '<img src="https://old.example.org/wp-content/uploads/../../../etc/passwd" alt="x" />')
    export = write_export(tmp_path, wxr(item(1, content=content, meta=(
        "<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>9</wp:meta_value></wp:postmeta>")),
        item(9, "Map", "", name="map", kind="attachment", status="inherit", parent=1, categories="",
             url="https://old.example.org/wp-content/uploads/2024/03/map.png")))
    uploads = tmp_path / "uploads"
    (uploads / "2024/03").mkdir(parents=True)
    from PIL import Image
    Image.new("RGB", (40, 20), "teal").save(uploads / "2024/03/map.png")  # the resized copy is not there
    without = tmp_path / "without"
    code, out = import_export(export, without)
    assert "media files kept at their old addresses (no --media)" in out
    assert "https://old.example.org/wp-content/uploads/2024/03/map.png (posts 1)" in (
        without / "import-report.md").read_text(encoding="utf-8")
    site = tmp_path / "site"
    code, out = import_export(export, site, "--media", str(uploads))
    assert code == 0, out
    assert (site / "static/wp-content/uploads/2024/03/map.png").read_bytes() == (uploads / "2024/03/map.png").read_bytes()
    [path] = articles(site)
    assert front(path)["image"] == "/wp-content/uploads/2024/03/map.png"
    assert "](/wp-content/uploads/2024/03/map.png)" in path.read_text(encoding="utf-8")
    assert not any("passwd" in p.name for p in site.rglob("*"))
    output = build_site(searchless(site))[0]
    assert (output / "wp-content/uploads/2024/03/map.png").is_file()


def test_links_between_posts_lead_to_their_new_addresses_and_old_ones_redirect(tmp_path):
    export = write_export(tmp_path, wxr(
        item(1, "First", 'See <a href="https://old.example.org/?p=2">the second</a> and '
             '<a href="https://old.example.org/2024/03/second-story/#more">more</a>.', name="first",
             link="https://old.example.org/2024/03/first/"),
        item(2, "Second", "Text.", name="second-story", link="https://old.example.org/2024/03/second-story/")))
    site = tmp_path / "site"
    import_export(export, site, "--permalink", "/%category%/%postname%/")
    assert "permalink: /{section}/{slug}/" in (site / "newsgen.yaml").read_text(encoding="utf-8")
    output = build_site(searchless(site))[0]
    page = read(output, "/news/first/")
    assert 'href="/news/second-story/"' in page and 'href="/news/second-story/#more"' in page
    assert "/news/first/" in read(output, "/2024/03/first/")  # the old address is a redirect page
    rules = (site / "wordpress-redirects.nginx.conf").read_text(encoding="utf-8")
    assert '"/?p=2" "/news/second-story/";' in rules


def test_a_permalink_structure_newsgen_cannot_make_is_a_usage_error(tmp_path):
    code, out = import_export(write_export(tmp_path, wxr(item(1))), tmp_path / "site", "--permalink", "/%post_id%/")
    assert code == 2 and "newsgen cannot make addresses with %post_id%" in out


def test_nothing_the_export_says_leads_outside_the_site(tmp_path):
    up = '<category domain="category" nicename="..%2F..">Up</category>'
    absolute = '<category domain="category" nicename="/tmp/x">/tmp/x</category>'
    authors = ("<wp:author><wp:author_login><![CDATA[../../evil]]></wp:author_login><wp:author_display_name>"
               "<![CDATA[../../../etc/evil]]></wp:author_display_name></wp:author>")
    images = "".join(f'<img src="https://old.example.org/wp-content/uploads/{path}" />\n\n'
                     for path in ("..%2F..%2Fsecret.txt", "%2e%2e/%2e%2e/secret.txt", "2024/out.jpg",
                                  "2024/..\\..\\secret.txt"))
    export = write_export(tmp_path, wxr(
        item(1, "Escape", images, name="..%2F..%2Fescape", categories=up, creator="../../evil",
             link="https://old.example.org/..%2F..%2F..%2Fescape/"),
        item(2, "Absolute", name="/etc/passwd", categories=absolute, link="https://old.example.org/a/../../../b/"),
        item(3, "Dots", name="..", categories='<category domain="category" nicename="..">..</category>'),
        item(4, "Backslashes", name="..\\..\\x", link="//elsewhere.example/x/"),
        item(5, "Photo", "", name="photo", kind="attachment", status="inherit", parent=1, categories="",
             url="https://old.example.org/wp-content/uploads/../../secret.txt"),
        authors=authors))
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    uploads = tmp_path / "uploads"
    (uploads / "2024").mkdir(parents=True)
    (uploads / "2024/out.jpg").symlink_to(tmp_path / "secret.txt")  # a link in the copy that leads out of it
    outside = everything_in(tmp_path)
    site = tmp_path / "site"
    code, out = import_export(export, site, "--media", str(uploads))
    assert code == 0, out
    build_site(searchless(site))
    assert {k: v for k, v in everything_in(tmp_path).items() if not k.startswith("site")} == outside
    assert all(p.resolve().is_relative_to(site.resolve()) for p in site.rglob("*") if not p.is_symlink())
    assert not any(p.is_symlink() for p in site.rglob("*"))
    assert not any(p.read_bytes() == b"secret" for p in site.rglob("*") if p.is_file())  # not copied in
    assert sorted(p.relative_to(site / "content").parts[0] for p in articles(site)) == [
        "news", "tmp-x", "uncategorized", "uncategorized"]
    assert (site / "data/authors.yaml").read_text(encoding="utf-8") == "etc-evil:\n  name: ../../../etc/evil\n"
    code, out = run_cli("check", "-s", str(site), "-j", "1")
    assert code == 0, out


def test_addresses_from_the_export_cannot_add_directives_to_the_web_server_rules(tmp_path):
    hostile = item(5, "Quoted", name="q;x$y'z", link='https://old.example.org/?p=5" ; return 200 "owned')
    site = tmp_path / "site"
    assert import_export(write_export(tmp_path, wxr(hostile)), site)[0] == 0
    nginx = (site / "wordpress-redirects.nginx.conf").read_text(encoding="utf-8")
    entries = [line.strip() for line in nginx.splitlines() if line.startswith("    \"")]
    assert entries == ['"/?p=5" "/news/q%3Bx%24y%27z/";',
                       '"/?p=5%22%20%3B%20return%20200%20%22owned" "/news/q%3Bx%24y%27z/";']
    apache = (site / "wordpress-redirects.htaccess").read_text(encoding="utf-8")
    assert "return 200" not in apache and "$y" not in apache


def test_two_posts_whose_slugs_become_one_get_apart_and_the_site_passes_check(tmp_path):
    # WordPress had two slugs; as one path segment each, both are '..-..-x', on the same day
    export = write_export(tmp_path, wxr(item(3, "Encoded", name="%2e%2e%2f%2e%2e%2fx"),
                                        item(4, "Backslashes", name="..\\..\\x")))
    site = tmp_path / "site"
    assert import_export(export, site)[0] == 0
    assert sorted(front(p)["slug"] for p in articles(site)) == ["..-..-x", "..-..-x-4"]
    code, out = run_cli("check", "-s", str(searchless(site)), "-j", "1")
    assert code == 0, out


def test_a_post_without_an_id_of_its_own_is_skipped_with_a_warning_and_others_keep_their_text(tmp_path):
    export = write_export(tmp_path, wxr(
        item(1, "First", "First text.", name="first"),
        item(1, "Impostor", "Impostor text.", name="impostor"),
        item(2, "Nameless", name="nameless").replace("<wp:post_id>2</wp:post_id>", "")))
    site = tmp_path / "site"
    code, out = import_export(export, site)
    assert code == 0, out
    assert "warning: wp:post_id: post \"Impostor\" has another post's id (1); it was not imported" in out
    assert "warning: wp:post_id: post \"Nameless\" has no <wp:post_id>; it was not imported" in out
    [path] = articles(site)
    assert front(path)["title"] == "First" and path.read_text(encoding="utf-8").endswith("---\nFirst text.\n")


@pytest.mark.parametrize("link", ["static", "content/news"])
def test_a_folder_of_the_site_that_is_a_link_out_of_it_is_refused_before_anything_is_made_in_it(tmp_path, link):
    picture = '<img src="https://old.example.org/wp-content/uploads/2024/03/map.png" />'
    export = write_export(tmp_path, wxr(item(1, content=picture)))
    uploads = tmp_path / "uploads"
    (uploads / "2024/03").mkdir(parents=True)
    (uploads / "2024/03/map.png").write_bytes(b"png")
    site = tmp_path / "site"
    import_export(write_export(tmp_path, wxr(item(2, "Other", name="other")), "first.xml"), site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    if (site / link).exists():
        for path in (site / link).iterdir():
            path.unlink()
        (site / link).rmdir()
    (site / link).symlink_to(elsewhere, target_is_directory=True)
    code, out = import_export(export, site, "--media", str(uploads))
    assert code == 2 and f"{link} is a link to {elsewhere}, outside the site" in out
    assert list(elsewhere.iterdir()) == []
