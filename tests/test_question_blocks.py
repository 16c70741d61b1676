"""Each kind of question on its own: how it parses what is submitted, grades it, says it in words, shows itself on
the quiz form (never with its answers) and on paper. The flow of taking a quiz is in test_quizzes.py."""

import re

import pytest
from django.utils import translation
from wagtail.blocks.struct_block import StructBlockValidationError

from curriculum.printing import FACILITATOR, LEARNER, render_block_for_print
from curriculum.questions import (
    AnswerError,
    MultipleChoiceQuestionBlock,
    NumericQuestionBlock,
    OrderingQuestionBlock,
    QuestionBlock,
    QuestionStreamBlock,
    ShortTextQuestionBlock,
    SingleChoiceQuestionBlock,
    TrueFalseQuestionBlock,
)
from tests.quiz_builder import one_of_each_kind


def choices(*specs):
    return [
        {"type": "item", "id": f"c{index}", "value": {"text": text, "correct": correct, "feedback": f"fb {text}"}}
        for index, (text, correct) in enumerate(specs)
    ]


def value_of(block, raw):
    return block.to_python({"prompt": "Q?", "image": None, "explanation": "", **raw})


# --- grading lives with the question -----------------------------------------------------------------------------


def test_single_choice_grades_the_chosen_choice():
    block = SingleChoiceQuestionBlock()
    value = value_of(block, {"choices": choices(("A", False), ("B", True))})
    assert block.grade(value, "c1").score == 1
    grade = block.grade(value, "c0")
    assert grade.score == 0 and grade.feedback == ["fb A"]
    with pytest.raises(AnswerError):
        block.parse_answer(value, ["c9"])


@pytest.mark.parametrize(
    ("scoring", "selected", "score"),
    [
        ("all_or_nothing", ["c0", "c1"], 1),
        ("all_or_nothing", ["c0"], 0),
        ("partial", ["c0"], 0.5),
        ("partial", ["c0", "c2"], 0),
        ("partial", ["c0", "c1", "c2"], 0.5),
    ],
)
def test_multiple_choice_scoring(scoring, selected, score):
    block = MultipleChoiceQuestionBlock()
    value = value_of(block, {"scoring": scoring, "choices": choices(("A", True), ("B", True), ("C", False))})
    assert block.grade(value, selected).score == score


def test_true_false_and_its_feedback():
    block = TrueFalseQuestionBlock()
    value = value_of(block, {"correct": False, "feedback_true": "No.", "feedback_false": "Yes."})
    assert block.grade(value, False).score == 1
    assert block.grade(value, True).feedback == ["No."]
    assert block.parse_answer(value, ["false"]) is False
    with pytest.raises(AnswerError):
        block.parse_answer(value, ["maybe"])


@pytest.mark.parametrize(
    ("options", "answer", "right"),
    [
        ({}, "  Arbre à  Problèmes ", True),
        ({}, "arbre a problemes", True),
        ({"ignore_accents": False}, "arbre a problemes", False),
        ({"case_sensitive": True}, "ARBRE à problèmes", False),
        ({"ignore_spacing": False}, "arbre  à problèmes", False),
        ({}, "problem", False),
    ],
)
def test_short_text_compares_as_the_editor_chose(options, answer, right):
    block = ShortTextQuestionBlock()
    raw = {
        "accepted_answers": ["arbre à problèmes"],
        "case_sensitive": False,
        "ignore_accents": True,
        "ignore_spacing": True,
    }
    value = value_of(block, {**raw, **options})
    assert block.grade(value, answer).is_correct is right


def test_short_text_refuses_an_overlong_answer():
    block = ShortTextQuestionBlock()
    value = value_of(block, {"accepted_answers": ["x"]})
    with pytest.raises(AnswerError, match="too long"):
        block.parse_answer(value, ["x" * 301])


@pytest.mark.parametrize(("typed", "right"), [("20", True), ("19,5", True), ("21", False), (" 1 9.5 ", True)])
def test_numeric_accepts_a_tolerance_and_the_way_people_write_numbers(typed, right):
    block = NumericQuestionBlock()
    value = value_of(block, {"answer": "20", "tolerance": "0.5", "unit": "years"})
    assert block.grade(value, block.parse_answer(value, [typed])).is_correct is right
    with pytest.raises(AnswerError, match="Enter a number"):
        block.parse_answer(value, ["twenty"])
    assert block.correct_answer_text(value) == "20 ± 0.5 years"


@pytest.mark.parametrize(("language", "written"), [("en", "1,234.5 ha"), ("id", "1.234,5 ha"), ("sw", "1,234.5 ha")])
def test_a_numeric_answer_is_written_the_way_the_language_writes_numbers(language, written):
    block = NumericQuestionBlock()
    value = value_of(block, {"answer": "1234.5", "tolerance": "0", "unit": "ha"})
    with translation.override(language):
        assert block.answer_in_words(value, "1234.5") == written


# --- editors get clear messages ----------------------------------------------------------------------------------


def test_editor_is_told_when_a_single_choice_has_two_right_answers():
    block = SingleChoiceQuestionBlock()
    with pytest.raises(StructBlockValidationError) as error:
        block.clean(value_of(block, {"choices": choices(("A", True), ("B", True))}))
    assert "exactly one choice as correct" in str(error.value.non_block_errors)


def test_editor_is_told_when_a_multiple_choice_has_no_right_answer():
    block = MultipleChoiceQuestionBlock()
    with pytest.raises(StructBlockValidationError) as error:
        block.clean(value_of(block, {"scoring": "partial", "choices": choices(("A", False), ("B", False))}))
    assert "at least one choice as correct" in str(error.value.non_block_errors)


# --- ordering ------------------------------------------------------------------------------------------------------

STEPS = ["Agree a vision", "Choose actions", "Fund them", "Track results"]


def ordering(scoring="all_or_nothing", texts=STEPS):
    block = OrderingQuestionBlock()
    raw = [{"type": "item", "id": f"i{index}", "value": text} for index, text in enumerate(texts)]
    return block, value_of(block, {"scoring": scoring, "items": raw})


def placed(*order):
    """Form values putting items i<n> at the positions given: placed(2, 0, 1) puts i2 first."""
    return [f"i{item}:{position}" for position, item in enumerate(order, 1)]


@pytest.mark.parametrize(
    ("scoring", "order", "score"),
    [
        ("all_or_nothing", (0, 1, 2, 3), 1),
        ("all_or_nothing", (0, 1, 3, 2), 0),
        ("partial", (0, 1, 3, 2), 0.5),
        ("partial", (1, 0, 3, 2), 0),
        ("partial", (0, 2, 1, 3), 0.5),
        ("partial", (3, 2, 1, 0), 0),
    ],
)
def test_ordering_scores_each_item_in_its_place_or_all_of_them(scoring, order, score):
    block, value = ordering(scoring)
    answer = block.parse_answer(value, placed(*order))
    assert answer == [f"i{item}" for item in order]
    assert block.grade(value, answer).score == score


@pytest.mark.parametrize(
    ("submitted", "message"),
    [
        (["i0:1", "i1:2", "i2:3"], "Give every item a position"),  # one item left without a place
        (["i0:1", "i1:1", "i2:3", "i3:4"], "Give every item a position"),  # two items in one place
        (["i0:1", "i1:2", "i2:3", "i3:9"], "Give every item a position"),
        (["i0:1", "i1:2", "i2:3", "i9:4"], "Choose a position for each item"),  # not an item of this question
        (["i0:1", "i0:2", "i2:3", "i3:4"], "Choose a position for each item"),
        (["i0:first", "i1:2", "i2:3", "i3:4"], "Choose a position for each item"),
    ],
)
def test_ordering_refuses_what_is_not_an_order_of_its_items(submitted, message):
    block, value = ordering()
    with pytest.raises(AnswerError, match=message):
        block.parse_answer(value, submitted)


def test_ordering_with_nothing_placed_is_unanswered_and_reads_in_words():
    block, value = ordering()
    assert block.parse_answer(value, ["", "", "", ""]) is None
    assert block.answer_in_words(value, ["i3", "i2", "i1", "i0"]).startswith("1. Track results · 2. Fund them")
    assert block.correct_answer_text(value) == "1. Agree a vision · 2. Choose actions · 3. Fund them · 4. Track results"


def test_editor_is_told_an_ordering_needs_two_items_each_different():
    block, value = ordering(texts=["Only one"])
    with pytest.raises(StructBlockValidationError) as error:
        block.clean(value)
    assert "items" in error.value.block_errors
    block, value = ordering(texts=["Plant trees", "plant trees "])
    with pytest.raises(StructBlockValidationError) as error:
        block.clean(value)
    assert "Give each item a different text" in str(error.value.non_block_errors)


def test_ordering_shows_its_items_shuffled_by_the_attempts_seed_with_a_place_to_choose_for_each():
    block, value = ordering()
    authored = [f"i{index}" for index in range(4)]

    def shown(seed, values=()):
        form = block.question_form(value, block_id="q", name="q-q", order_seed=seed, values=values)
        return [item_id for item_id, _text, _chosen in form.shown["items"]], form

    assert shown("7-q")[0] == shown("7-q")[0], "the same attempt sees the same order on every visit"
    orders = {tuple(shown(f"{seed}-q")[0]) for seed in range(10)}
    assert len(orders) > 1 and orders != {tuple(authored)}
    seed = next(f"{n}-q" for n in range(10) if shown(f"{n}-q")[0] != authored)
    order, form = shown(seed)
    html = render_form(block, form)
    assert [html.index(STEPS[int(item_id[1:])]) for item_id in order] == sorted(
        html.index(STEPS[int(item_id[1:])]) for item_id in order
    ), "the page lists the items in the shuffled order, not the right one"
    assert html.count("<select") == 4 and "selected" not in html
    assert len(re.findall(r'<option value="i0:\d"', html)) == 4, "every place offered for every item"
    assert html.count('<label for="answer-q-') == 4, "each select is labelled by its item: no dragging needed"
    _order, again = shown(seed, values=["i2:1"])
    assert '<option value="i2:1" selected>' in render_form(block, again), "what the learner chose stays chosen"


def test_ordering_prints_a_box_per_item_to_write_its_place_in():
    questions = stream(one_of_each_kind())
    block = next(block for block in questions if block.block_type == "ordering")
    with translation.override("en"):
        html = render_block_for_print(block, edition=LEARNER, language="en", number=6)
    assert html.count("box--number") == 4
    assert "6." in html and "Write in each box the item's place" in html.replace("&#x27;", "'")
    printed = [html.index(text) for text in ("Agree a vision", "Choose actions", "Fund them", "Track results")]
    assert printed != sorted(printed), "on paper too, the order shown is not the answer"


# --- every kind: on the quiz form and on paper, never its answers ---------------------------------------------------


def stream(questions):
    return list(QuestionStreamBlock().to_python([question.raw() for question in questions]))


def render_form(block, form):
    from django.template.loader import render_to_string

    return render_to_string(form.template, {"question": form})


def test_every_kind_is_one_class_with_its_own_templates_and_words_for_editors():
    kinds = QuestionStreamBlock().child_blocks
    assert set(kinds) == {question.kind for question in one_of_each_kind()}
    for name, block in kinds.items():
        assert isinstance(block, QuestionBlock)
        assert block.meta.template == f"blocks/questions/{name}.html"
        assert block.meta.print_template == f"blocks/print/{name}.html"
        assert block.get_description() and block.is_previewable, name


@pytest.mark.parametrize("question", one_of_each_kind(), ids=lambda question: question.kind)
def test_the_form_and_the_learner_edition_show_no_answer(question):
    (block,) = stream([question])
    form = block.block.question_form(
        block.value, block_id=block.id, name=f"q-{block.id}", number=3, order_seed="1-x", shuffle=True
    )
    pages = {
        "form": render_form(block.block, form),
        "preview": str(block.render()),  # as the block chooser's preview or an include_block would show it
        "print": render_block_for_print(block, edition=LEARNER, language="en", number=3),
    }
    for where, html in pages.items():
        assert question.value["prompt"] in html, where
        for secret in question.secrets:
            assert secret not in html, (where, secret)
        assert not re.search(r"""correct["'=:]|is_correct|data-answer""", html), where
    assert f'name="q-{block.id}"' in pages["form"]
    assert block.block.grade(block.value, block.block.parse_answer(block.value, question.right)).score == 1
    assert block.block.grade(block.value, block.block.parse_answer(block.value, question.wrong)).score == 0


def test_only_the_facilitator_edition_prints_a_facilitator_note():
    from curriculum.blocks import LessonBodyBlock

    (note,) = LessonBodyBlock().to_python([{"type": "facilitator_note", "id": "n", "value": {"text": "<p>Psst</p>"}}])
    assert render_block_for_print(note, edition=LEARNER, language="en") == ""
    assert "Psst" in render_block_for_print(note, edition=FACILITATOR, language="en")
