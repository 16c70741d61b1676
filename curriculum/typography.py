"""French typography at render time, so authors never have to type no-break spaces.

In French a (no-break) space goes before ; : ! ? and inside « »: typeset() puts U+00A0 there in the text of an
HTML fragment, and only in its text: tags and their attributes, entities (&amp;), addresses (https://...), times
and ratios (10:30, 4,5:1), and the text of <code>, <pre>, <script>, <style> and <textarea> are left as they are.

Only the text the HTML says is French is typeset: base.html sends the whole page through typeset() with the
visitor's language, and an element marked lang="en" inside it (an English lesson shown on a French page) is left
alone, while one marked lang="fr" on a Spanish page is typeset. A single no-break space already in place (the
catalogue's narrow one before ; ! ?) is kept, so typesetting twice changes nothing.
"""

import re

from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

NBSP = "\u00a0"
# Tags, comments and entities are passed through; the text between them is typeset.
TOKENS = re.compile(r"(<!--.*?-->|<[^>]*>|&#?\w+;)", re.S)
VERBATIM = re.compile(r"<(/?)(code|pre|script|style|textarea)\b", re.I)
TAG = re.compile(r"<(/?)([a-zA-Z][\w:-]*)")
LANG = re.compile(r"""\slang\s*=\s*["']?([a-zA-Z-]*)""", re.I)
# Never closed, so never a lang scope.
VOID_ELEMENTS = frozenset(
    ("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr")
)
MARKS = re.compile("[;:!?«»]")  # text without any needs nothing (most of a page: quick to skip)
SPACES = "[ \t\n\r\u00a0\u202f]"
# A space typed before the mark becomes a no-break one.
SPACE_BEFORE = re.compile(rf"{SPACES}+(?=[;:!?])")
# No space at all: one is put in when the mark ends a word (followed by a space, the end or a closing sign) and
# follows a letter, a closing quote or bracket, never a digit (10:30), a slash (https://) or another mark (?!).
GLUED = re.compile(r"(?<=[^\s\d/;:!?\u00a0\u202f«(\[])([;:!?])(?=$|[\s»)\].,;:!?…\"”’])")
AFTER_OPENING = re.compile(rf"(?<=«){SPACES}*")
BEFORE_CLOSING = re.compile(rf"(?<!{SPACES}){SPACES}*(?=»)")  # the whole run, never again after it


def _no_break(spaces: re.Match) -> str:
    """The spaces before a mark or inside « » as one no-break space: one already there stays (narrow or not)."""
    text = spaces.group()
    return text if text in ("\u00a0", "\u202f") else NBSP


def typeset_text(text: str) -> str:
    """French spacing in plain text (no markup)."""
    text = SPACE_BEFORE.sub(_no_break, text)
    text = GLUED.sub(NBSP + r"\1", text)
    text = AFTER_OPENING.sub(_no_break, text)
    return BEFORE_CLOSING.sub(_no_break, text)


def typeset_plain_text(text: str, language: str | None) -> str:
    """Plain text (a spreadsheet cell, not HTML) typeset if its language is French, so that a file exported from a
    page holds what the page shows."""
    return typeset_text(text) if is_french(language) else text


def is_french(language: str | None) -> bool:
    return bool(language) and language.split("-")[0].lower() == "fr"


class _Languages:
    """The language of the text at each point of an HTML fragment: the nearest element's lang attribute, else the
    fragment's own. It follows the elements that carry a lang (counting same-named elements inside them, to know
    which closing tag ends them) and no other, so unclosed <p> or <li> elsewhere do not confuse it."""

    def __init__(self, language: str | None):
        self.base = language
        self.scopes = []  # [tag name, language, same-named elements open inside]

    @property
    def current(self) -> str | None:
        return self.scopes[-1][1] if self.scopes else self.base

    def see(self, tag: str) -> None:
        name_match = TAG.match(tag)
        if not name_match:
            return  # a comment, a doctype or an entity
        closing, name = name_match.group(1), name_match.group(2).lower()
        top = self.scopes[-1] if self.scopes else None
        if closing:
            if top and top[0] == name:
                if top[2]:
                    top[2] -= 1
                else:
                    self.scopes.pop()
            return
        if name in VOID_ELEMENTS or tag.endswith("/>"):
            return
        lang = LANG.search(tag)
        if lang:
            self.scopes.append([name, lang.group(1), 0])
        elif top and top[0] == name:
            top[2] += 1


def typeset_html(html: str, language: str | None = "fr") -> str:
    """French spacing in the French text of an HTML fragment written in `language` (lang attributes inside it
    say otherwise where they are). The marks are looked at across tags ("<b>mot</b> :"), since a space before a
    tag still sits before the mark."""
    if not is_french(language) and not re.search(r"""lang\s*=\s*["']?fr""", html, re.I):
        return html  # nothing French in it: the common case of a page in another language costs one search
    parts = TOKENS.split(html)
    languages = _Languages(language)
    verbatim = 0
    previous = ""
    for index in range(0, len(parts), 2):  # even parts are text, odd ones tags and entities
        if index:
            tag = parts[index - 1]
            if tag[:1] == "<":
                languages.see(tag)
                opened = VERBATIM.match(tag)
                if opened:
                    verbatim = max(verbatim + (-1 if opened.group(1) else 1), 0)
        text = parts[index]
        if not text:
            continue
        if not verbatim and MARKS.search(text) and is_french(languages.current):
            # The last letter before the tags: "<b>mot</b>: suite" gets its space as "mot: suite" would.
            before = previous[-1:] if previous and not previous[-1:].isspace() else ""
            # Cut off what that letter became: a closing » becomes "\u00a0»", and cutting one character would
            # leave a second » behind ("» </li>»").
            parts[index] = typeset_text(before + text)[len(typeset_text(before)) :]
        previous = text
    return "".join(parts)


def typeset(value, language: str):
    """An HTML-safe value typeset where its text is French (in `language`, unless its lang attributes say
    otherwise); plain text is escaped first."""
    html = str(value) if isinstance(value, SafeData) else str(conditional_escape(value))
    spaced = typeset_html(html, language)
    if spaced is html and not isinstance(value, SafeData):
        return value  # plain text with nothing French in it: left for the template to escape as usual
    return mark_safe(spaced)  # noqa: S308 (escaped above, or safe already; only spaces are added)
