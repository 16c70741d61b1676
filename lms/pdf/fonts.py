"""Which characters this machine's fonts can print: a name on a certificate must not print as empty boxes.

WeasyPrint (through Pango and fontconfig) falls back from the stylesheet's fonts to any installed font that holds a
character, so what can print is what some installed font covers. fontconfig says so for every font at once, read
once per process.
"""

import subprocess
import unicodedata
from bisect import bisect_right
from functools import cache

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _


@cache
def _covered_ranges() -> tuple[list[int], list[int]]:
    """The code points some installed font holds, as sorted, merged ranges (starts, ends), from `fc-list`."""
    # fontconfig's own lister, found on PATH as WeasyPrint finds the library; no user input reaches it.
    listing = subprocess.run(  # noqa: S603
        ["fc-list", "--format", "%{charset}\\n"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    ranges = []
    for part in listing.split():
        first, _dash, last = part.partition("-")
        ranges.append((int(first, 16), int(last or first, 16)))
    merged: list[list[int]] = []
    for first, last in sorted(ranges):
        if merged and first <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], last)
        else:
            merged.append([first, last])
    return [first for first, _last in merged], [last for _first, last in merged]


def _printable(character: str) -> bool:
    if character.isspace() or unicodedata.category(character) in {"Mn", "Me", "Cf"}:
        return True  # spaces, combining marks and joiners print with the letter they go with, or not at all
    starts, ends = _covered_ranges()
    index = bisect_right(starts, ord(character)) - 1
    return index >= 0 and ord(character) <= ends[index]


def unprintable_characters(text: str) -> list[str]:
    """The characters of `text` (each once, in order) that no installed font holds."""
    return list(dict.fromkeys(character for character in text if not _printable(character)))


@deconstructible
class PrintableNameValidator:
    """Refuse a name that would print on its certificate with an empty box where a character should be. The message
    (with %(characters)s) says it to whoever typed the name: a learner their own, a facilitator a participant's."""

    code = "unprintable"

    def __init__(self, message):
        self.message = message

    def __call__(self, name: str) -> None:
        missing = unprintable_characters(name)
        if missing:
            raise ValidationError(self.message, code=self.code, params={"characters": " ".join(missing)})

    def __eq__(self, other):
        return isinstance(other, PrintableNameValidator) and self.message == other.message


validate_printable_name = PrintableNameValidator(
    _(
        "Your certificate could not print %(characters)s: please write your name without it, as you would like to "
        "see it printed."
    )
)
