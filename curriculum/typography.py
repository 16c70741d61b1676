"""French typography at render time, so authors never have to type no-break spaces.

In French a (no-break) space goes before ; : ! ? and inside « »: typeset() puts U+00A0 there in the text of an
HTML fragment, and only in its text: tags and their attributes, entities (&amp;), addresses (https://...), times
and ratios (10:30, 4,5:1), and the text of <code>, <pre>, <script>, <style> and <textarea> are left as they are.
"""

import re

from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

NBSP = "\u00a0"
# Tags, comments and entities are passed through; the text between them is typeset.
TOKENS = re.compile(r"(<!--.*?-->|<[^>]*>|&#?\w+;)", re.S)
VERBATIM = re.compile(r"<(/?)(code|pre|script|style|textarea)\b", re.I)
SPACES = "[ \t\n\r\u00a0\u202f]"
# A space typed before the mark becomes a no-break one.
SPACE_BEFORE = re.compile(rf"{SPACES}+([;:!?])")
# No space at all: one is put in when the mark ends a word (followed by a space, the end or a closing sign) and
# follows a letter, a closing quote or bracket, never a digit (10:30), a slash (https://) or another mark (?!).
GLUED = re.compile(r"(?<=[^\s\d/;:!?\u00a0\u202f«(\[])([;:!?])(?=$|[\s»)\].,;:!?…\"”’])")
AFTER_OPENING = re.compile(rf"«{SPACES}*")
BEFORE_CLOSING = re.compile(rf"{SPACES}*»")


def typeset_text(text: str) -> str:
    """French spacing in plain text (no markup)."""
    text = SPACE_BEFORE.sub(NBSP + r"\1", text)
    text = GLUED.sub(NBSP + r"\1", text)
    text = AFTER_OPENING.sub("«" + NBSP, text)
    return BEFORE_CLOSING.sub(NBSP + "»", text)


def typeset_html(html: str) -> str:
    """French spacing in the text of an HTML fragment. The marks are looked at across tags ("<b>mot</b> :"), since
    a space before a tag still sits before the mark."""
    parts = TOKENS.split(html)
    verbatim = 0
    previous = ""
    for index in range(0, len(parts), 2):  # even parts are text, odd ones tags and entities
        if index:
            opened = VERBATIM.match(parts[index - 1])
            if opened:
                verbatim += -1 if opened.group(1) else 1
                verbatim = max(verbatim, 0)
        text = parts[index]
        if not verbatim and text:
            # The last letter before the tags: "<b>mot</b>: suite" gets its space as "mot: suite" would.
            before = previous[-1:] if previous and not previous[-1:].isspace() else ""
            # Cut off what that letter became: a closing » becomes "\u00a0»", and cutting one character would
            # leave a second » behind ("» </li>»").
            parts[index] = typeset_text(before + text)[len(typeset_text(before)) :]
        if text:
            previous = text
    return "".join(parts)


def typeset(value, language: str):
    """An HTML-safe value typeset for its language (only French needs it); plain text is escaped first."""
    if not language or language.split("-")[0].lower() != "fr":
        return value
    html = str(value) if isinstance(value, SafeData) else str(conditional_escape(value))
    return mark_safe(typeset_html(html))  # noqa: S308 (escaped above, or safe already; only spaces are added)
