"""A crawler for the i18n crawl test: follows links within the product and reports what a person
reads that is not in the page's language."""

from __future__ import annotations

import gettext
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

from django.conf import settings

SNAKE = re.compile(r"(?<![\w@./-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w@/-])")
AM_PM = re.compile(r"\b(?:a\.m\.|p\.m\.|AM|PM)(?!\w)|Т\.Қ\.|Т\.Ж\.|(?<!\w)(?:ДП|ПП)(?!\w)")
EMAIL_OR_URL = re.compile(r"\S+@\S+|https?://\S+|/\S+/")
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{\{[^}]*\}\}|\$[a-z_]+|\{[a-z_]*\}")
HIDDEN_TAGS = {"script", "style", "template", "noscript", "textarea", "select"}
VISIBLE_ATTRS = ("title", "placeholder", "alt", "aria-label")


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.data: list[str] = []  # what staff or subjects typed, shown read-only (any language)
        self.links: list[str] = []
        self._hidden = 0
        self._data_depth = 0
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in HIDDEN_TAGS:
            self._hidden += 1
        if tag == "div":
            self._depth += 1
            if not self._data_depth and "readonly" in (attrs.get("class") or "").split():
                self._data_depth = self._depth
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        for name in VISIBLE_ATTRS:
            if attrs.get(name):
                self.parts.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in HIDDEN_TAGS and self._hidden:
            self._hidden -= 1
        if tag == "div":
            if self._data_depth == self._depth:
                self._data_depth = 0
            self._depth -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            (self.data if self._data_depth else self.parts).append(data.strip())


def visible(html: str) -> tuple[str, str, list[str]]:
    """(text of the page itself, read-only data shown in it, links)."""
    parser = _Text()
    parser.feed(html)
    return "\n".join(parser.parts), "\n".join(parser.data), parser.links


def english_sentences(language: str) -> list[str]:
    """Fixed English pieces (three words or more) of every msgid our catalogue translates."""
    mo = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.mo"
    with open(mo, "rb") as fh:
        catalogue = gettext.GNUTranslations(fh)._catalog
    pieces = set()
    for key, value in catalogue.items():
        msgid = key[0] if isinstance(key, tuple) else key
        if not msgid or "\x04" in msgid or value == msgid:
            continue
        for chunk in PLACEHOLDER.split(msgid):
            chunk = chunk.strip(' .,:;()«»"“”—-')
            if len(chunk.split()) >= 3 and re.search(r"[a-z]{3}", chunk):
                pieces.add(chunk)
    return sorted(pieces, key=len, reverse=True)


def problems(text: str, data: str, sentences: list[str]) -> list[str]:
    """Codes and AM/PM anywhere; English sentences only in the page's own words, not in data."""
    found = []
    cleaned = EMAIL_OR_URL.sub(" ", text + "\n" + data)
    found += [f"code {m!r}" for m in sorted(set(SNAKE.findall(cleaned)))]
    found += [f"AM/PM {m!r}" for m in sorted(set(AM_PM.findall(text + "\n" + data)))]
    flat = " ".join(text.split())
    found += [f"English {s!r}" for s in sentences if s in flat]
    return found


def crawl(
    client, starts: list[str], *, allowed_prefixes: tuple[str, ...], skip: re.Pattern, limit: int, per_path: int = 3
) -> dict[str, tuple[str, str]]:
    """GET pages breadth-first from `starts`; returns {url: (text, data)} of every HTML page reached."""
    seen, queue, pages, by_path = set(), list(starts), {}, {}
    while queue and len(pages) < limit:
        url = urldefrag(queue.pop(0))[0]
        parts = urlsplit(url)
        if parts.netloc and parts.netloc not in ("testserver",):
            continue
        url = parts.path + (f"?{parts.query}" if parts.query else "")
        if url in seen or not url.startswith(allowed_prefixes) or skip.search(url):
            continue
        seen.add(url)
        # Many filter combinations of one list say the same words: a few of each are enough.
        shape = re.sub(r"/\d+/", "/N/", parts.path)
        by_path[shape] = by_path.get(shape, 0) + 1
        if by_path[shape] > per_path:
            continue
        response = client.get(url)
        assert response.status_code < 500, f"{url} answered {response.status_code}"
        if response.status_code in (301, 302):
            queue.append(urljoin(url, response["Location"]))
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        text, data, links = visible(response.content.decode())
        pages[url] = (text, data)
        queue.extend(urljoin(url, link) for link in links if not link.startswith(("mailto:", "tel:", "javascript:")))
    return pages
