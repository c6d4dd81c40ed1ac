"""Two outlets' texts read as storylens reads articles, and the figure conflicts between them."""

from __future__ import annotations

from storylens.figures import collect_figures, find_figure_conflicts, load_figure_rules
from storylens.read import load_lexicon, read_doc
from storylens.records import Article
from storylens.settings import Settings

RULES = load_figure_rules()


def compare_both(nlp, first, second):
    """(conflicts, histories) between a text of one outlet and a text of another."""
    lexicon = load_lexicon()
    readings = []
    for n, (outlet, text) in enumerate((("Harbour Gazette", first), ("Valley Post", second))):
        article = Article(id=f"a{n}", input=f"a{n}.jsonl#1", source=outlet, title=None, published=None,
                          language="en", status="ok", reason=None, text=text, url=f"https://example.org/{n}")
        readings.append(read_doc(article, nlp(text), lexicon, RULES))
    articles = {r.article.id: r.article for r in readings}
    mentions = [m for r in readings for m in r.mentions]
    found = collect_figures(mentions, articles, lambda m: m.speaker, RULES, Settings())
    return find_figure_conflicts(found, Settings(), RULES)


def compare_texts(nlp, first, second):
    """The figure conflicts between a text of one outlet and a text of another."""
    return compare_both(nlp, first, second)[0]
