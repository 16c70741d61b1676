"""What a learner's browser reads off the demo course's pages: the course outline, the "Mark as complete" form, a
quiz's forms and answers to send. Shared by the load benchmarks (the soak, the locust capacity run), which play
learners over plain HTTP."""

import random
import re

COURSE = "/en/courses/landscape-learning-institute/ilm-five-elements/"
QUIZ_SLUG = "/check-your-understanding/"


def outline(course_page: str) -> tuple[list[str], list[str]]:
    """(lessons, quizzes): the addresses the course page links to, in order."""
    items = sorted(set(re.findall(rf'href="({re.escape(COURSE)}[\w-]+/[\w-]+/)"', course_page)))
    quizzes = [path for path in items if path.endswith(QUIZ_SLUG)]
    return [path for path in items if path not in quizzes], quizzes


def complete_action(lesson_page: str) -> str | None:
    found = re.search(r'action="(/en/learning/lessons/[0-9a-f-]+/complete/)"', lesson_page)
    return found and found.group(1)


def quiz_start_action(quiz_page: str) -> str | None:
    found = re.search(r'action="(/en/learning/quizzes/[0-9a-f-]+/start/)"', quiz_page)
    return found and found.group(1)


def attempt_actions(attempt_page: str) -> tuple[str, str] | None:
    """(save URL, submit URL) of the open attempt on the page, or None."""
    submit = re.search(r'action="(/en/learning/quizzes/attempts/\d+/submit/)"', attempt_page)
    save = re.search(r'data-save-url="([^"]+)"', attempt_page)
    return (save.group(1), submit.group(1)) if submit and save else None


def answers(attempt_page: str) -> dict[str, list[str]]:
    """A choice for each choice question and a guess for each written one, as a hurried learner gives them."""
    choices: dict[str, list[str]] = {}
    for name, value in re.findall(r'name="(q-[0-9a-f-]+)" value="([^"]*)"', attempt_page):
        choices.setdefault(name, []).append(value)
    given = {name: [random.choice(values)] for name, values in choices.items()}
    for name in re.findall(r'type="text"[^>]*name="(q-[0-9a-f-]+)"', attempt_page):
        given[name] = [random.choice(["6", "20", "elite capture", "problem tree"])]
    return given
