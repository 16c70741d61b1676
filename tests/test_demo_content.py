"""The demo content holds together: quizzes whose right answers cannot be guessed by picking the longest option, lesson
and module times that hold their activities."""

from pathlib import Path

import pytest
import yaml

DEMO = Path(__file__).resolve().parent.parent / "curriculum" / "demo"


def single_choice_questions(language: str) -> list[tuple[str, list[str], int]]:
    """(where, its options' texts, the index of the right one) of every single-choice question of the demo in one
    language; a translation file holds no `correct` flags, so its right option is the English file's, by position."""
    questions = []
    for english_file in sorted(DEMO.glob("*/quiz-*.en.yaml")):
        english = yaml.safe_load(english_file.read_text())["questions"]
        path = english_file.with_name(english_file.name.replace(".en.", f".{language}."))
        if not path.exists():
            continue
        translated = yaml.safe_load(path.read_text())["questions"]
        for number, (source, question) in enumerate(zip(english, translated, strict=True), start=1):
            if "single_choice" in source:
                right = next(i for i, choice in enumerate(source["single_choice"]["choices"]) if choice["correct"])
                texts = [choice["text"] for choice in question["single_choice"]["choices"]]
                questions.append((f"{path.parent.name}/{path.name} question {number}", texts, right))
    return questions


@pytest.mark.parametrize("language", ["en", "fr", "es", "sw"])
def test_the_right_answer_is_the_longest_option_no_more_often_than_chance(language):
    questions = single_choice_questions(language)
    longest = [where for where, texts, right in questions if len(texts[right]) == max(map(len, texts))]
    chance = sum(1 / len(texts) for _where, texts, _right in questions)
    assert len(longest) <= chance, longest


def demo_modules():
    for path in sorted(DEMO.glob("*/module-*.en.yaml")):
        yield path, yaml.safe_load(path.read_text())


def test_each_demo_lesson_takes_at_least_the_time_of_its_activities():
    """A facilitator plans a session on the lesson's time: it holds its activities (but an optional one), and a
    module's time holds its lessons."""
    for path, module in demo_modules():
        for lesson in module["lessons"]:
            activities = [block["activity"] for block in lesson["body"] if "activity" in block]
            required = sum(activity["duration_minutes"] for activity in activities if not activity.get("optional"))
            assert lesson["estimated_minutes"] >= required, (path.name, lesson["title"])
        assert module["estimated_minutes"] >= sum(lesson["estimated_minutes"] for lesson in module["lessons"]), path
