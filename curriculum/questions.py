"""Quiz questions. A question kind is one block class here and its templates: everything about the kind lives with
it (as capa response types in edx-platform carry their scoring and rendering), and grading runs only on the server.

The public API of a question block, for the web quiz (lms.quizzes) and for paper answers typed in by a facilitator.
`block` is a bound block's `.block` and `value` its `.value` (a quiz page's `questions` yields bound blocks):

    block.parse_answer(value, submitted: list[str]) -> answer | None
        Reads what was submitted for the question: the values of its form fields, or the same strings typed from
        paper. None when nothing was answered; AnswerError (with a message for the learner) when it cannot be an
        answer to this question (tampered, malformed, too long).
    block.grade(value, answer) -> Grade
        Scores a parsed answer (as parse_answer returns it, or as stored): Grade.score in [0, 1], Grade.feedback the
        editor's feedback texts that the answer earns.
    block.answer_in_words(value, answer) -> str
        A learner's answer as a reader sees it on a review page ("" for no answer).
    block.correct_answer_text(value) -> str
        The right answer in words, for reviews after the quiz and for answer keys.
    block.question_form(value, *, block_id, name, number, order_seed, shuffle, values, error) -> QuestionForm
        The question as the quiz form shows it before submission, rendered by the block's Meta.template. It holds
        prompts and choice texts only, never a right answer or a feedback (DESIGN.md: answers stay on the server).
    block.render_print(value, context) -> str
        The question on paper (Meta.print_template; see curriculum.blocks.PrintsItself).
    block.paper_question(value, *, block_id, number) -> PaperQuestion
        How a facilitator copies a paper answer to a results sheet and then to the results form (lms.workshops):
        `entry` says how ("circle" the letters of the options ticked, give each lettered item its "place", or
        "write" the answer), `options` the lettered options in the order the paper shows them, each with the value
        the form submits for it. Like question_form, it holds no right answer (a results sheet is handed round).
    block.right_submission(value) -> list[str]
        What the form submits for the right answer (a demo's perfect participant, tests).

What each kind submits and keeps (JSON-friendly values keyed by block id and choice or item id, both kept by Wagtail
across translations): single choice: a choice id; multiple choice: a list of choice ids; true/false: "true" or
"false", kept as a boolean; short text: a string; numeric: a decimal written as a string, kept as a string; ordering:
"<item id>:<position>" per item (positions from 1), kept as the list of item ids in the learner's order.

Grading one answer from paper, e.g. a results sheet (`question` is one of `quiz.questions`):

    answer = question.block.parse_answer(question.value, ["<choice id>"])  # may raise AnswerError
    score = question.block.grade(question.value, answer).score

An ordering answer from paper is one "<item id>:<place>" per item, the item ids those of paper_question's options.

Adding a kind: a QuestionBlock subclass here (its fields; Meta.template, print_template, description and
preview_value; the methods above that differ from QuestionBlock's), its two templates (templates/blocks/questions/
and templates/blocks/print/, each extending question.html there), a line in QuestionStreamBlock, and
`manage.py makemigrations curriculum`.
"""

import random
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from babel.numbers import format_decimal
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.utils.translation import get_language, gettext, pgettext
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.images.blocks import ImageChooserBlock

from curriculum.blocks import PARAGRAPH_FEATURES, PrintsItself

MAX_TEXT_ANSWER = 300
MAX_ORDERING_ITEMS = 20  # what a saved draft keeps of one question's values


class AnswerError(ValueError):
    """A submitted answer that cannot be an answer to this question (tampered, malformed, too long)."""


@dataclass(frozen=True)
class Grade:
    score: float  # 0 to 1
    feedback: list[str] = field(default_factory=list)

    @property
    def is_correct(self) -> bool:
        return self.score >= 1


@dataclass
class QuestionForm:
    """A question as the quiz form shows it, before submission. Built from prompts and choice texts only, so a right
    answer, a feedback or an explanation cannot leak into the page."""

    id: str
    number: int
    name: str  # the form field's name
    prompt: str
    image: object | None
    template: str
    shown: dict = field(default_factory=dict)  # what the kind adds: choice texts in display order, a unit, ...
    values: list[str] = field(default_factory=list)  # what the learner has entered so far
    error: str = ""


class PaperEntry:
    """How an answer goes on paper, for anything with an `entry`: "circle" letters, write a "place" beside each
    letter, or "write" the answer (or its points)."""

    entry: str

    @property
    def circled(self) -> bool:
        return self.entry == "circle"

    @property
    def placed(self) -> bool:
        return self.entry == "place"


@dataclass
class PaperQuestion(PaperEntry):
    """A question as a results sheet prints it and the paper-results form asks for it (see the module's docstring).
    Never shuffled per learner: the letters are those of the paper everyone answered on."""

    id: str
    number: int
    prompt: str
    entry: str  # "circle", "place" or "write"
    options: list[tuple[str, str, str]] = field(default_factory=list)  # (letter, value submitted, text)
    multiple: bool = False  # "circle": several letters may be circled
    input_mode: str = "text"  # "write": the keyboard a phone offers


LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def lettered(options: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(value, text) pairs lettered A, B, C... in their order."""
    return [(LETTERS[index], option, text) for index, (option, text) in enumerate(options)]


def shuffled(items: list, seed: str) -> list:
    """The same order for the same seed: an attempt shows its choices the same way on every visit."""
    items = list(items)
    random.Random(seed).shuffle(items)  # noqa: S311 (an order to show, not a secret)
    return items


class QuestionBlock(PrintsItself, blocks.StructBlock):
    """What every question has; each kind adds its fields and the methods of the API above."""

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

    def answer_in_words(self, value, answer) -> str:
        return "" if answer is None else str(answer)

    def shown(self, value, *, order_seed: str, shuffle: bool, values: list[str]) -> dict:
        """What this kind shows on the form besides the prompt and image. `shuffle` is the quiz's choice for choices;
        `order_seed` the attempt's seed for this question."""
        return {}

    def question_form(
        self, value, *, block_id, name, number=1, order_seed="", shuffle=False, values=(), error=""
    ) -> QuestionForm:
        """`name` is the form field's name (the caller's form protocol); the rest as in the module's docstring."""
        values = list(values)
        return QuestionForm(
            id=block_id,
            number=number,
            name=name,
            prompt=value["prompt"],
            image=value["image"],
            template=self.meta.template,
            shown=self.shown(value, order_seed=order_seed or str(block_id), shuffle=shuffle, values=values),
            values=values,
            error=error,
        )

    def get_context(self, value, parent_context=None):
        """Rendered on its own (a block preview, an include_block), a question is its unanswered form: the template
        gets the QuestionForm, not the value with its answers."""
        context = {key: item for key, item in (parent_context or {}).items() if key not in ("value", "self")}
        context["question"] = self.question_form(value, block_id="preview", name="preview")
        return context

    paper_entry = "write"
    paper_input_mode = "text"
    paper_multiple = False

    def paper_options(self, value, *, block_id) -> list[tuple[str, str, str]]:
        """(letter, value submitted, text) of what is circled or placed on paper; none for a written answer."""
        return []

    def paper_question(self, value, *, block_id, number) -> PaperQuestion:
        return PaperQuestion(
            id=block_id,
            number=number,
            prompt=value["prompt"],
            entry=self.paper_entry,
            options=self.paper_options(value, block_id=block_id),
            multiple=self.paper_multiple,
            input_mode=self.paper_input_mode,
        )

    def right_submission(self, value) -> list[str]:
        raise NotImplementedError


class ChoiceOptionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Answer"))
    correct = blocks.BooleanBlock(label=_("Correct"), required=False)
    feedback = blocks.TextBlock(label=_("Feedback"), required=False, help_text=_("Shown to learners who chose it."))


def _choices(value):
    return [(child.id, child.value) for child in value["choices"].bound_blocks]


def _preview(prompt, **fields):
    return {"prompt": prompt, "image": None, "explanation": "", **fields}


def _preview_choices(*texts):
    return [{"text": text, "correct": index == 0, "feedback": ""} for index, text in enumerate(texts)]


class ChoiceQuestionMixin:
    """Choices shown by their texts alone (in the attempt's order when the quiz shuffles them), answered by id."""

    paper_entry = "circle"

    def paper_options(self, value, *, block_id):
        # Lettered in the order the author wrote them: a quiz on paper is not shuffled.
        return lettered([(choice_id, choice["text"]) for choice_id, choice in _choices(value)])

    def right_submission(self, value):
        return [choice_id for choice_id, choice in _choices(value) if choice["correct"]]

    def shown(self, value, *, order_seed, shuffle, values):
        choices = [(choice_id, choice["text"]) for choice_id, choice in _choices(value)]
        return {"choices": shuffled(choices, order_seed) if shuffle else choices}

    def answer_in_words(self, value, answer):
        if answer is None:
            return ""
        texts = {choice_id: choice["text"] for choice_id, choice in _choices(value)}
        chosen = answer if isinstance(answer, list) else [answer]
        return " · ".join(texts.get(choice_id, "?") for choice_id in chosen)


class SingleChoiceQuestionBlock(ChoiceQuestionMixin, QuestionBlock):
    choices = blocks.ListBlock(ChoiceOptionBlock(), label=_("Choices"), min_num=2)

    class Meta:
        icon = "radio-full"
        label = _("Single choice")
        template = "blocks/questions/single_choice.html"
        print_template = "blocks/print/single_choice.html"
        description = _("One right answer among several choices, with feedback per choice.")
        preview_value = _preview(
            _("Who takes part in a landscape partnership?"),
            choices=_preview_choices(_("Everyone who uses or manages the landscape"), _("The government alone")),
        )

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


class MultipleChoiceQuestionBlock(ChoiceQuestionMixin, QuestionBlock):
    paper_multiple = True
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
        template = "blocks/questions/multiple_choice.html"
        print_template = "blocks/print/multiple_choice.html"
        description = _("Several right answers: every one to tick, or partial credit.")
        preview_value = _preview(
            _("Which are sources of finance for a landscape plan?"),
            scoring="partial",
            choices=_preview_choices(_("Public budgets"), _("Private investment"), _("None")),
        )

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
        template = "blocks/questions/true_false.html"
        print_template = "blocks/print/true_false.html"
        description = _("A statement the learner marks true or false.")
        preview_value = _preview(_("A landscape vision looks twenty years ahead."), correct=True)

    paper_entry = "circle"

    def paper_options(self, value, *, block_id):
        return [
            (pgettext("initial of True on a results sheet", "T"), "true", gettext("True")),
            (pgettext("initial of False on a results sheet", "F"), "false", gettext("False")),
        ]

    def right_submission(self, value):
        return ["true" if value["correct"] else "false"]

    def parse_answer(self, value, submitted):
        if not submitted or not submitted[0]:
            return None
        if submitted != ["true"] and submitted != ["false"]:
            raise AnswerError(_("Choose true or false."))
        return submitted[0] == "true"

    def grade(self, value, answer):
        feedback = value["feedback_true"] if answer else value["feedback_false"]
        return Grade(1 if answer == bool(value["correct"]) else 0, [feedback] if feedback else [])

    def answer_in_words(self, value, answer):
        return "" if answer is None else gettext("True") if answer else gettext("False")

    def correct_answer_text(self, value):
        return self.answer_in_words(value, bool(value["correct"]))


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
        template = "blocks/questions/short_text.html"
        print_template = "blocks/print/short_text.html"
        description = _("A word or a few, compared with the answers you accept.")
        preview_value = _preview(_("What do we call the tool that maps causes and effects?"))

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

    def right_submission(self, value):
        return [value["accepted_answers"][0]]


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
        template = "blocks/questions/numeric.html"
        print_template = "blocks/print/numeric.html"
        description = _("A number, with a tolerance and a unit.")
        preview_value = _preview(_("How many years does a landscape vision cover?"), answer="20", unit=_("years"))

    paper_input_mode = "decimal"

    def shown(self, value, *, order_seed, shuffle, values):
        return {"unit": value["unit"]}

    def right_submission(self, value):
        return [f"{Decimal(value['answer']).normalize():f}"]

    def answer_in_words(self, value, answer):
        if answer is None:
            return ""
        number = format_decimal(Decimal(answer), locale=get_language().replace("-", "_"))
        return f"{number} {value['unit']}".strip()

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


class OrderingQuestionBlock(QuestionBlock):
    """Items to put in order, written by the editor in the right order and shown shuffled. Each item gets a list of
    positions to choose from: no dragging, so it works without JavaScript, with a keyboard and with a screen reader."""

    scoring = blocks.ChoiceBlock(
        label=_("Scoring"),
        choices=[
            ("all_or_nothing", _("All or nothing: every item in its place")),
            ("partial", _("Partial credit: each item in its place counts")),
        ],
        default="all_or_nothing",
    )
    items = blocks.ListBlock(
        blocks.CharBlock(label=_("Item")),
        label=_("Items, in the right order"),
        min_num=2,
        max_num=MAX_ORDERING_ITEMS,
        help_text=_("Write them in the right order: learners see them shuffled."),
    )

    class Meta:
        icon = "list-ol"
        label = _("Ordering")
        template = "blocks/questions/ordering.html"
        print_template = "blocks/print/ordering.html"
        description = _("Items the learner puts in the right order, such as the steps of a process.")
        preview_value = _preview(
            _("Put the steps of a landscape plan in order."),
            items=[_("Agree on a shared vision"), _("Choose the actions"), _("Monitor the results")],
        )

    @staticmethod
    def _items(value):
        return [(child.id, child.value) for child in value["items"].bound_blocks]

    def clean(self, value):
        value = super().clean(value)  # the items' min_num refuses fewer than two
        texts = [text.strip().casefold() for _id, text in self._items(value)]
        if len(set(texts)) != len(texts):
            self._refuse(_("Give each item a different text: learners could not tell two of them apart."))
        return value

    def shown(self, value, *, order_seed, shuffle, values):
        # Always shuffled, whatever the quiz says about choices: the order written is the answer.
        chosen = dict(entry.split(":", 1) for entry in values if entry.count(":") == 1)
        items = shuffled(self._items(value), order_seed)
        return {
            "items": [(item_id, text, chosen.get(item_id, "")) for item_id, text in items],
            "positions": [str(position) for position in range(1, len(items) + 1)],
        }

    paper_entry = "place"

    def _printed(self, value, block_id):
        """The items in the order paper shows them: shuffled, the same way on every printing of the question."""
        return shuffled(self._items(value), f"print-{block_id}")

    def print_context(self, value, *, block_id):
        return {"items": [text for _id, text in self._printed(value, block_id)]}

    def paper_options(self, value, *, block_id):
        # Lettered as printed (never in the order written: that is the answer).
        return lettered(self._printed(value, block_id))

    def right_submission(self, value):
        return [f"{item_id}:{place}" for place, (item_id, _text) in enumerate(self._items(value), 1)]

    def parse_answer(self, value, submitted):
        entries = [entry for entry in submitted if entry]
        if not entries:
            return None
        items = dict(self._items(value))
        positions = {}
        for entry in entries:
            item_id, _sep, position = entry.partition(":")
            if item_id not in items or item_id in positions or not position.isdigit():
                raise AnswerError(_("Choose a position for each item among those offered."))
            positions[item_id] = int(position)
        if sorted(positions.values()) != list(range(1, len(items) + 1)):
            raise AnswerError(_("Give every item a position, each position once."))
        return sorted(positions, key=positions.get)

    def grade(self, value, answer):
        right = [item_id for item_id, _text in self._items(value)]
        in_place = sum(1 for given, expected in zip(answer or [], right, strict=False) if given == expected)
        if value["scoring"] == "partial":
            return Grade(in_place / len(right))
        return Grade(1 if in_place == len(right) else 0)

    def answer_in_words(self, value, answer):
        if answer is None:
            return ""
        texts = dict(self._items(value))
        return " · ".join(f"{number}. {texts.get(item_id, '?')}" for number, item_id in enumerate(answer, 1))

    def correct_answer_text(self, value):
        return self.answer_in_words(value, [item_id for item_id, _text in self._items(value)])


class QuestionStreamBlock(blocks.StreamBlock):
    single_choice = SingleChoiceQuestionBlock()
    multiple_choice = MultipleChoiceQuestionBlock()
    true_false = TrueFalseQuestionBlock()
    short_text = ShortTextQuestionBlock()
    numeric = NumericQuestionBlock()
    ordering = OrderingQuestionBlock()

    class Meta:
        min_num = 1
