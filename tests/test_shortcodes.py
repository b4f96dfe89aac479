"""Shortcodes in article bodies: the theme's, a site's own, and the Liquid and Hugo tags of archives."""
from __future__ import annotations

import re

import pytest

from conftest import article, build_site, clean_build_of, files_of, read, tick

from newsgen.check import check_site
from newsgen.errors import ContentError
from newsgen.options import BuildOptions

SETTINGS = "search: false\nmissing_images: warning\n"
TEMPLATE_SYNTAX = re.compile(r"\{%|\{\{[<%]|\{\{.*?\}\}", re.S)


def reader_text(html: str) -> str:
    """What a reader sees of a page as markup: everything but code and scripts."""
    return re.sub(r"<(pre|code|script)\b.*?</\1>", "", html, flags=re.S)


def test_the_themes_shortcodes_render_embeds_in_hugos_spellings(site_tree):
    body = ("{{<youtube dQw4w9WgXcQ>}}\n\n{{< vimeo id=\"146022717\" title=\"A talk\" >}}\n\n"
            "{{% figure src=\"/images/grid.svg\"\n   alt=\"The new grid\"\n   caption=\"Lines across the steppe\" %}}\n\n"
            "{{< pullquote cite=\"Aida Abenova\" >}}The grid is the story.{{< /pullquote >}}\n\n"
            "{{< map lat=\"43.2389\" lon=\"76.8897\" zoom=\"12\" title=\"Almaty\" >}}\n\n"
            "{{< x user=\"TimesCA\" id=\"145\" >}}\n\n{{< gallery >}}\n/images/grid.svg | One\n/images/grid.svg | Two\n"
            "{{< /gallery >}}\n\nText after.")
    site = site_tree({"newsgen.yaml": SETTINGS, "content/energy/grid.md": article("Grid", body=body),
                      "static/images/grid.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>"})
    out, _, reporter = build_site(site)
    page = read(out, "/energy/grid/")
    assert 'src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in page
    assert 'src="https://player.vimeo.com/video/146022717?dnt=1" title="A talk"' in page
    assert re.search(r'<figure class="shortcode-figure">\s*<img src="/images/grid.svg" alt="The new grid"', page)
    assert "<figcaption>Lines across the steppe</figcaption>" in page
    assert '<blockquote class="pullquote"><p>The grid is the story.</p><footer>Aida Abenova</footer></blockquote>' in page
    assert "openstreetmap.org/export/embed.html?bbox=" in page and "marker=43.23890%2C76.88970" in page
    assert 'href="https://x.com/TimesCA/status/145">@TimesCA on X</a>' in page
    assert page.count('<img src="/images/grid.svg" alt="One"') == 1 and 'alt="Two"' in page
    assert "<p>Text after.</p>" in page and not TEMPLATE_SYNTAX.search(reader_text(page))
    assert not [p for p in reporter.problems if p.field == "shortcode"]
    assert "The grid is the story" not in read(out, "/energy/").split("Grid")[0]  # no token leaks into a summary


def test_liquid_links_and_blocks_keep_their_meaning(site_tree):
    body = ("See [the grid]({{ site.baseurl }}/energy/grid/), [again]({{ \"/energy/grid/\" | url }}) and "
            "<a href=\"{{ '/energy/grid/' | relative_url }}\">a third</a>.\n\n"
            "<img src=\"{{ \"/images/grid.svg\" | url }}\" alt=\"The grid\">\n\n"
            "{% comment %}An editor's note{% endcomment %}\n\n"
            "{% highlight python %}\nprint('{{ kept }}')\n{% endhighlight %}\n\n"
            "Write `{% raw %}{{{% endraw %} name }}` in the form.\n\n{% raw %}\n<div class=\"raw\">as written</div>\n{% endraw %}\n")
    site = site_tree({"newsgen.yaml": SETTINGS + "base_url: https://example.org/news/\n",
                      "content/energy/grid.md": article("Grid"),
                      "content/energy/links.md": article("Links", body=body),
                      "static/images/grid.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>"})
    out, _, reporter = build_site(site)
    page = read(out, "/energy/links/").split('class="story-body"')[1].split("</article>")[0]
    assert page.count('href="/news/energy/grid/"') == 3  # the base path, as for any link in a body
    assert '<img src="/news/images/grid.svg" alt="The grid"' in page
    assert "editor's note" not in page
    assert "<code class=\"language-python\">print('{{ kept }}')" in page
    assert "<code>{{ name }}</code>" in page and '<div class="raw">as written</div>' in page
    assert not TEMPLATE_SYNTAX.search(reader_text(page))
    assert not [p for p in reporter.problems if p.field == "shortcode"]
    assert not [p for p in check_site(BuildOptions(site=site)) if p.is_error]  # every link resolves


def test_a_tag_that_maps_onto_nothing_is_a_warning_with_its_line_and_shows_nothing(site_tree):
    site = site_tree({"newsgen.yaml": SETTINGS, "content/blog/x.md": article("X", body=(
        "Meet the team.\n\n{{ \"shawn\" | team_photo }} {{ \"kate\" | team_photo }}\n\n"
        "{% image_with_class \"a.png\" \"wide\" \"Alt\" %}\n\n{{< blog/integration-badge >}}\n\n"
        "{% include \"linked-figure.html\", url: \"/x/\" %}\n\n{{ page.nothing }}\n\nThe end."))})
    out, _, reporter = build_site(site)
    shortcodes = sorted((p for p in reporter.problems if p.field == "shortcode"), key=lambda p: p.line)
    assert [(p.path, p.line) for p in shortcodes] == [("content/blog/x.md", n) for n in (7, 9, 11, 13, 15)]
    warned = [p.format() for p in shortcodes]  # the front matter takes lines 1-4 of the file
    first = next(w for w in warned if "team_photo" in w)
    assert "(1 more in this article)" in first and "templates/shortcodes/team_photo.html" in first
    assert any("'linked-figure.html'" in w and "templates/shortcodes/linked-figure.html" in w for w in warned)
    assert any("templates/shortcodes/blog/integration-badge.html" in w for w in warned)  # Hugo's nested shortcodes
    page = read(out, "/blog/x/")
    assert "<p>Meet the team.</p>" in page and "<p>The end.</p>" in page
    assert not TEMPLATE_SYNTAX.search(reader_text(page))
    assert "team_photo" not in page and "integration-badge" not in page


def test_a_site_defines_a_shortcode_for_its_own_liquid_filter_and_partial(site_tree):
    site = site_tree({
        "newsgen.yaml": SETTINGS,
        "templates/shortcodes/team_photo.html": '<img class="team" src="/team/{{ args[0] }}.svg" alt="{{ args[0] | title }}">',
        "static/team/shawn.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
        "templates/shortcodes/linked-figure.html": '<figure><a href="{{ get("url") }}">{{ get("alt") }}</a></figure>',
        "content/blog/x.md": article("X", body='{{ "shawn" | team_photo }}\n\n{% include "linked-figure.html", '
                                               'url: "/blog/x/", alt: "Itself" %}'),
    })
    out, _, reporter = build_site(site)
    page = read(out, "/blog/x/")
    assert '<img src="/team/shawn.svg" alt="Shawn"' in page  # the theme's image handling, as for any body image
    assert '<figure><a href="/blog/x/">Itself</a></figure>' in page
    assert not [p for p in reporter.problems if p.field == "shortcode"]


def test_arguments_are_data_never_templates_or_markup(site_tree):
    site = site_tree({"newsgen.yaml": SETTINGS, "static/a.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
                      "content/blog/x.md": article("X", body='{{< figure src="/a.svg" caption="{{ 7 * 7 }} <script>alert(1)</script>" >}}'
                                                           '\n\n{{< pullquote >}}{{ config }}{{< /pullquote >}}')})
    page = read(build_site(site)[0], "/blog/x/")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert "49" not in page.split('class="story-body"')[1]


def test_editing_a_shortcode_template_rebuilds_the_articles_using_it_as_a_clean_build_would(site_tree):
    site = site_tree({"newsgen.yaml": SETTINGS,
                      "templates/shortcodes/note.html": "<aside>{{ inner }}</aside>",
                      "content/blog/x.md": article("X", body="{{< note >}}Mind the gap{{< /note >}}"),
                      "content/blog/y.md": article("Y", "2025-12-18")})
    out = build_site(site)[0]
    assert "<aside>Mind the gap</aside>" in read(out, "/blog/x/")
    tick()
    (site / "templates/shortcodes/note.html").write_text('<aside class="note">{{ inner | upper }}</aside>')
    build_site(site)
    assert '<aside class="note">MIND THE GAP</aside>' in read(out, "/blog/x/")
    assert files_of(out) == files_of(clean_build_of(site))


def test_template_tags_in_code_are_shown_as_written(site_tree):
    body = "Use `{{ title }}` or:\n\n```jinja\n{% for a in articles %}{{< youtube x >}}\n```\n"
    site = site_tree({"newsgen.yaml": SETTINGS, "content/blog/x.md": article("X", body=body)})
    out, _, reporter = build_site(site)
    page = read(out, "/blog/x/")
    assert "<code>{{ title }}</code>" in page and "{% for a in articles %}{{&lt; youtube x &gt;}}" in page
    assert not [p for p in reporter.problems if p.field == "shortcode"]


def test_check_and_build_report_the_same_shortcode_warnings(site_tree):
    site = site_tree({"newsgen.yaml": SETTINGS, "content/blog/x.md": article("X", body="{% unknown_tag %}")})
    built = {p.format() for p in build_site(site)[2].problems if p.field == "shortcode"}
    checked = {p.format() for p in check_site(BuildOptions(site=site)) if p.field == "shortcode"}
    assert built == checked and len(built) == 1


def test_links_to_another_article_by_its_file_become_its_address_whatever_the_permalink(site_tree):
    body = ("Jekyll: [hiring]({% post_url 2015-02-25-We-Are-Hiring %}), [by path]({% link _posts/2015-02-25-We-Are-Hiring.md %}).\n\n"
            "Hugo: [bundle]({{< ref \"blog/2023/otel/index.md\" >}}), [relative]({{< relref \"otel#usage\" >}}), [ref][r].\n\n"
            "[r]: {{< relref path=\"2015-02-25-We-Are-Hiring.md\" >}}\n")
    site = site_tree({"newsgen.yaml": SETTINGS + "slugs: keep\npermalink: /{year}/{slug}/\n",
                      "content/blog/2015-02-25-We-Are-Hiring.md": article("Hiring", "2015-02-25"),
                      "content/blog/2023/otel/index.md": article("OTel", "2023-05-01"),
                      "content/blog/links.md": article("Links", body=body)})
    out, _, reporter = build_site(site)
    page = read(out, "/2025/links/")
    assert page.count('href="/2015/We-Are-Hiring/"') == 3
    assert 'href="/2023/otel/">bundle</a>' in page and 'href="/2023/otel/#usage">relative</a>' in page
    assert "newsgen-ref" not in page and not [p for p in reporter.problems if p.path.endswith("links.md")]
    # the address follows the article: another permalink pattern, the same links
    (site / "newsgen.yaml").write_text(SETTINGS + "slugs: keep\npermalink: /{section}/{slug}/\n")
    tick()
    build_site(site)
    assert read(out, "/blog/links/").count('href="/blog/We-Are-Hiring/"') == 3
    assert files_of(out) == files_of(clean_build_of(site))


def test_a_link_by_file_to_no_article_is_a_problem_with_its_line_and_leads_nowhere(site_tree):
    site = site_tree({"newsgen.yaml": SETTINGS + "broken_links: warning\n",
                      "content/blog/x.md": article("X", body="Fine.\n\nSee [gone]({% post_url 2014-01-01-gone %}).")})
    out, _, reporter = build_site(site)
    assert [p.format() for p in reporter.problems if "names no article" in p.message] == [
        "content/blog/x.md:7: warning: the link to '2014-01-01-gone' names no article of the site (write the other "
        "article's file as it is under content/ (2015-02-25-hiring, blog/2023/otel/index.md) or its address)"]
    assert '<a href="#">gone</a>' in read(out, "/blog/x/")


def test_renaming_the_linked_article_rewrites_the_linking_page_as_a_clean_build_would(site_tree):
    site = site_tree({"newsgen.yaml": SETTINGS,
                      "content/blog/target.md": article("Target", "2025-12-18"),
                      "content/blog/x.md": article("X", body='[t]({{< ref "target.md" >}})')})
    out = build_site(site)[0]
    assert 'href="/blog/target/"' in read(out, "/blog/x/")
    tick()
    target = site / "content/blog/target.md"
    target.write_text(target.read_text().replace("title: Target", "title: Target\nslug: moved"))
    build_site(site)
    assert 'href="/blog/moved/"' in read(out, "/blog/x/")
    assert files_of(out) == files_of(clean_build_of(site))


def test_an_edit_beside_an_article_linking_by_file_keeps_the_links_address(site_tree):
    site = site_tree({"newsgen.yaml": SETTINGS,
                      "content/politics/2024-01-02-target.md": article("Target", "2024-01-02"),
                      "content/politics/2024-01-03-referrer.md": article(
                          "Referrer", "2024-01-03", body="[the target]({% post_url 2024-01-02-target %})")})
    out = build_site(site)[0]
    tick()
    target = site / "content/politics/2024-01-02-target.md"
    target.write_text(target.read_text() + "\nMore text.\n")
    build_site(site)
    for page in ("/politics/referrer/", "/politics/", "/feed.xml"):
        assert "newsgen-ref" not in read(out, page), page
    assert 'href="/politics/target/"' in read(out, "/politics/referrer/")
    assert files_of(out) == files_of(clean_build_of(site))


def test_pairs_code_and_lists_keep_what_the_editor_wrote_around_shortcodes(site_tree):
    body = ("{{< figure src=\"/a.svg\" >}}\n\nA paragraph between.\n\n{{< figure src=\"/a.svg\" >}}Caption two{{< /figure >}}\n\n"
            "<pre>{{ user.name }}</pre>\n\n- item\n\n    {{< youtube abc >}}\n\n- next\n\n"
            "{{< highlight go >}}\nfmt.Println(\"{{ x }}\")\n{{< /highlight >}}\n\n"
            "{{< note >}}Kept text with [a ref]({{< ref \"target.md\" >}}).{{< /note >}}\n\n"
            "{{< pullquote >}}See {{< ref \"target.md\" >}}{{< /pullquote >}}\n\n"
            "Escaped: {{</* youtube abc */>}}\n\nTitle: {{ page.title | escape }}")
    site = site_tree({"newsgen.yaml": SETTINGS, "static/a.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
                      "content/blog/target.md": article("Target", "2025-12-18"),
                      "content/blog/x.md": article("A & B", body=body)})
    out, _, reporter = build_site(site)
    page = read(out, "/blog/x/").split('class="story-body"')[1].split("</article>")[0]
    assert "<p>A paragraph between.</p>" in page and page.count('class="shortcode-figure"') == 2  # no pair across it
    assert "<pre>{{ user.name }}</pre>" in page
    assert re.search(r"<li>\s*<p>item</p>\s*<div class=\"embed embed-video\">", page) and "<li>\n<p>next</p>" in page
    assert '<code class="language-go">fmt.Println("{{ x }}")' in page.replace("&quot;", '"')
    assert '<p>Kept text with <a href="/blog/target/">a ref</a>.</p>' in page  # an unknown pair keeps its text
    assert '<blockquote class="pullquote"><p>See /blog/target/</p></blockquote>' in page  # tags inside a pair are read
    assert "Escaped: {{&lt; youtube abc &gt;}}" in page  # Hugo's way of showing a tag as written
    assert "<p>Title: A &amp; B</p>" in page  # Liquid's escape filter, and a value is text, never markup
    assert "note" in " ".join(p.message for p in reporter.problems if p.field == "shortcode")


@pytest.mark.parametrize("template, call, line, reason", [
    ("{{ args[0] | no_such_filter }}", '{{< quote "a" >}}', 7, ""),  # Jinja's own error
    ("{{ 100 // (get('cols') | int) }}", '{{< quote cols="0" >}}', 5, "ZeroDivisionError"),  # any other
])
def test_a_shortcode_template_that_fails_in_any_way_stops_the_build_naming_the_article_line_and_template(
        site_tree, template, call, line, reason):
    site = site_tree({"newsgen.yaml": SETTINGS, "templates/shortcodes/quote.html": template,
                      "content/blog/x.md": article("X", body=("Fine.\n\n" if line == 7 else "") + call + "\n")})
    with pytest.raises(ContentError) as caught:
        build_site(site)
    [error] = [p for p in caught.value.problems if p.is_error]
    assert error.format().startswith(f"content/blog/x.md:{line}: shortcode: {call}: "
                                     f"templates/shortcodes/quote.html failed: {reason}")
    assert not (site / "build").exists()
