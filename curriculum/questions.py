"""Quiz questions. Each question block checks what an editor wrote (clean) and grades a learner's answer (grade):
the rules of a question live with it, in one place, and run only on the server.

Answers are kept as JSON-friendly values keyed by block id and choice id (both kept by Wagtail across translations):
single choice: a choice id; multiple choice: a list of choice ids; true/false: a boolean; short text: a string;
numeric: a decimal written as a string.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.images.blocks import ImageChooserBlock

from curriculum.blocks import PARAGRAPH_FEATURES

MAX_TEXT_ANSWER = 300


class AnswerError(ValueError):
    """A submitted answer that cannot be an answer to this question (tampered, malformed, too long)."""


@dataclass(frozen=True)
class Grade:
    score: float  # 0 to 1
    feedback: list[str] = field(default_factory=list)

    @property
    def is_correct(self) -> bool:
        return self.score >= 1


class QuestionBlock(blocks.StructBlock):
    """What every question has. Each kind of question adds its own:

    parse_answer(value, submitted) -> answer or None: reads the form's values for the question, raises AnswerError;
    grade(value, answer) -> Grade: scores an answer against the question as written;
    correct_answer_text(value) -> str: the right answer in words, for reviews and answer keys.
    """

    prompt = blocks.TextBlock(label=_("Question"))
    image = ImageChooserBlock(label=_("Image"), required=False)
    explanation = blocks.RichTextBlock(
        label=_("Explanation"),
        features=PARAGRAPH_FEATURES,
        required=False,
        help_text=_("Shown after the learner answers: why the right answer is right."),
    )

    def _refuse(self, message):
        raise StructBlockValidationError(non_block_errors=ErrorList([ValidationError(message)]))


class ChoiceOptionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Answer"))
    correct = blocks.BooleanBlock(label=_("Correct"), required=False)
    feedback = blocks.TextBlock(label=_("Feedback"), required=False, help_text=_("Shown to learners who chose it."))


def _choices(value):
    return [(child.id, child.value) for child in value["choices"].bound_blocks]


class SingleChoiceQuestionBlock(QuestionBlock):
    choices = blocks.ListBlock(ChoiceOptionBlock(), label=_("Choices"), min_num=2)

    class Meta:
        icon = "radio-full"
        label = _("Single choice")

    def clean(self, value):
        value = super().clean(value)
        if sum(1 for _id, choice in _choices(value) if choice["correct"]) != 1:
            self._refuse(_("Mark exactly one choice as correct."))
        return value

    def parse_answer(self, value, submitted):
        if not submitted or not submitted[0]:
            return None
        if len(submitted) > 1 or submitted[0] not in dict(_choices(value)):
            raise AnswerError(_("Choose one of the answers offered."))
        return submitted[0]

    def grade(self, value, answer):
        choice = dict(_choices(value)).get(answer)
        if choice is None:
            return Grade(0)
        return Grade(1 if choice["correct"] else 0, [choice["feedback"]] if choice["feedback"] else [])

    def correct_answer_text(self, value):
        return next(choice["text"] for _id, choice in _choices(value) if choice["correct"])


class MultipleChoiceQuestionBlock(QuestionBlock):
    scoring = blocks.ChoiceBlock(
        label=_("Scoring"),
        choices=[
            ("all_or_nothing", _("All or nothing: every correct choice and no other")),
            ("partial", _("Partial credit: correct choices count, wrong ones take away")),
        ],
        default="all_or_nothing",
    )
    choices = blocks.ListBlock(ChoiceOptionBlock(), label=_("Choices"), min_num=2)

    class Meta:
        icon = "tasks"
        label = _("Multiple choice")

    def clean(self, value):
        value = super().clean(value)
        if not any(choice["correct"] for _id, choice in _choices(value)):
            self._refuse(_("Mark at least one choice as correct."))
        return value

    def parse_answer(self, value, submitted):
        selected = [choice_id for choice_id in submitted if choice_id]
        if not selected:
            return None
        known = dict(_choices(value))
        if any(choice_id not in known for choice_id in selected):
            raise AnswerError(_("Choose among the answers offered."))
        return sorted(set(selected))

    def grade(self, value, answer):
        choices = dict(_choices(value))
        selected = set(answer or [])
        correct = {choice_id for choice_id, choice in choices.items() if choice["correct"]}
        feedback = [choices[choice_id]["feedback"] for choice_id in choices if choice_id in selected]
        if value["scoring"] == "partial":
            earned = len(selected & correct) - len(selected - correct)
            score = max(0, earned) / len(correct)
        else:
            score = 1 if selected == correct else 0
        return Grade(score, [text for text in feedback if text])

    def correct_answer_text(self, value):
        return " · ".join(choice["text"] for _id, choice in _choices(value) if choice["correct"])


class TrueFalseQuestionBlock(QuestionBlock):
    correct = blocks.BooleanBlock(label=_("The statement is true"), required=False)
    feedback_true = blocks.TextBlock(label=_("Feedback for “true”"), required=False)
    feedback_false = blocks.TextBlock(label=_("Feedback for “false”"), required=False)

    class Meta:
        icon = "tick"
        label = _("True or false")

    def parse_answer(self, value, submitted):
        if not submitted or not submitted[0]:
            return None
        if submitted != ["true"] and submitted != ["false"]:
            raise AnswerError(_("Choose true or false."))
        return submitted[0] == "true"

    def grade(self, value, answer):
        feedback = value["feedback_true"] if answer else value["feedback_false"]
        return Grade(1 if answer == bool(value["correct"]) else 0, [feedback] if feedback else [])

    def correct_answer_text(self, value):
        return str(_("True") if value["correct"] else _("False"))


def _normalise_text(text: str, *, case_sensitive: bool, ignore_accents: bool, ignore_spacing: bool) -> str:
    if ignore_accents:
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    if not case_sensitive:
        text = text.casefold()
    if ignore_spacing:
        text = "".join(text.split())
    return text.strip()


class ShortTextQuestionBlock(QuestionBlock):
    accepted_answers = blocks.ListBlock(
        blocks.CharBlock(label=_("Accepted answer")),
        label=_("Accepted answers"),
        min_num=1,
        help_text=_("Every answer that counts as right, in this language."),
    )
    case_sensitive = blocks.BooleanBlock(label=_("Capital letters matter"), required=False)
    ignore_accents = blocks.BooleanBlock(label=_("Ignore accents"), required=False, default=True)
    ignore_spacing = blocks.BooleanBlock(label=_("Ignore spaces"), required=False, default=True)

    class Meta:
        icon = "edit"
        label = _("Short text")

    def parse_answer(self, value, submitted):
        text = (submitted[0] if submitted else "").strip()
        if not text:
            return None
        if len(text) > MAX_TEXT_ANSWER:
            raise AnswerError(_("Your answer is too long: at most %(count)d characters.") % {"count": MAX_TEXT_ANSWER})
        return text

    def grade(self, value, answer):
        options = {
            "case_sensitive": value["case_sensitive"],
            "ignore_accents": value["ignore_accents"],
            "ignore_spacing": value["ignore_spacing"],
        }
        given = _normalise_text(answer or "", **options)
        accepted = {_normalise_text(text, **options) for text in value["accepted_answers"]}
        return Grade(1 if given and given in accepted else 0)

    def correct_answer_text(self, value):
        return " / ".join(value["accepted_answers"])


def parse_number(text: str) -> Decimal:
    """Numbers as people type them: "3.5", "3,5", "1 200", "1 200,5" (spaces and non-breaking spaces group digits)."""
    cleaned = "".join(text.split()).replace("\u202f", "")
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    if not re.fullmatch(r"[-+]?\d+(\.\d+)?", cleaned):  # no "1e3", "NaN" or "Infinity"
        raise AnswerError(_("Enter a number, such as 12 or 3.5."))
    return Decimal(cleaned)


class NumericQuestionBlock(QuestionBlock):
    answer = blocks.DecimalBlock(label=_("Right answer"))
    tolerance = blocks.DecimalBlock(
        label=_("Tolerance"), min_value=0, default=0, help_text=_("Answers this far from the right one also count.")
    )
    unit = blocks.CharBlock(label=_("Unit"), required=False, help_text=_("For example: years, hectares"))

    class Meta:
        icon = "order"
        label = _("Number")

    def parse_answer(self, value, submitted):
        text = (submitted[0] if submitted else "").strip()
        if not text:
            return None
        if len(text) > 40:
            raise AnswerError(_("Enter a number, such as 12 or 3.5."))
        return str(parse_number(text))

    def grade(self, value, answer):
        if answer is None:
            return Grade(0)
        difference = abs(Decimal(answer) - Decimal(value["answer"]))
        return Grade(1 if difference <= Decimal(value["tolerance"] or 0) else 0)

    def correct_answer_text(self, value):
        text = f"{value['answer'].normalize():f}"
        if value["tolerance"]:
            text += f" ± {value['tolerance'].normalize():f}"
        return f"{text} {value['unit']}".strip()


class QuestionStreamBlock(blocks.StreamBlock):
    single_choice = SingleChoiceQuestionBlock()
    multiple_choice = MultipleChoiceQuestionBlock()
    true_false = TrueFalseQuestionBlock()
    short_text = ShortTextQuestionBlock()
    numeric = NumericQuestionBlock()

    class Meta:
        min_num = 1
