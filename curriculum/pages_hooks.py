"""Extension points of curriculum pages. Apps that build on the curriculum (lms/) register functions for them with
Wagtail's hooks, so the curriculum never imports them, and nothing in curriculum/ or templates/curriculum/ names them.

CURRICULUM_PAGE_CONTEXT: fn(*, page, request, context) adds to the template context of any curriculum page (not the
    home page), after the page's own reads, while `serve` builds the response. It only reads: a write a visit causes
    belongs before the page is served, in Wagtail's serving hooks (lms.progress starts a lesson and issues an overdue
    certificate in an `on_serve_page` hook, after Wagtail's view-restriction check, through
    lms.progress.services.page_visit).

CURRICULUM_PAGE_PARTS: fn() returns {part name: template name}. A curriculum template leaves a place for another
    app's part of the page with `{% page_part "name" key=value %}` (curriculum_tags); the templates every app
    registered for that name are rendered there, in hook order, with the page's context and the values given.
    Nothing registered, nothing shown. The parts and what they are given:

    lesson_header, lesson_footer   lesson page, in its header and after its body
    course_panel (first_lesson)    course page, under its facts; first_lesson is the outline's first lesson or quiz
    module_progress (module)       course page, each module of the outline; module page, the module itself
    downloads                      course and module pages
    outline_item (item)            each lesson or quiz of an outline (course and module pages)
    pager_item (item)              the previous and next lesson or quiz (lesson page, a module's quiz), inline
    quiz_panel                     quiz page, after its facts

The keys of each page's template context, and who adds them (besides Wagtail's `page`, `self` and `request`):

    every page below the home page      breadcrumbs: its ancestors below the root        (curriculum)
    home page                           elements, catalogue                             (curriculum)
    course catalogue                    course_cards (a page of them), course_count, catalogue_pages,
                                        lesson_results, query, selected_element, selected_language,
                                        element_options, language_options, is_filtered  (curriculum)
    institute section                   institute, course_cards, catalogue_pages        (curriculum)
    course page                         outline, outline_collapsed, elements, institute,  (curriculum)
                                        learning_outcomes
                                        progress, certificate_pending, certificate,      (lms.progress, learners)
                                        resume_lesson, resume_lesson_language
                                        quiz_scores                                     (lms.quizzes, learners)
                                        workbook_languages, can_print_facilitator_edition (lms.workbooks)
    module page                         lessons, elements                               (curriculum)
                                        progress                                        (lms.progress, learners)
                                        quiz_scores                                     (lms.quizzes, learners)
                                        workbook_languages, can_print_facilitator_edition (lms.workbooks)
    lesson page                         previous_lesson, next_lesson (and _language: the one their text is in),
                                        lesson_number, lesson_count (curriculum)
                                        progress, lesson_state                          (lms.progress, learners)
    quiz page                           previous_lesson, next_lesson, lesson_number, lesson_count (curriculum, a
                                        module's quiz only)
                                        progress                                        (lms.progress, learners)
                                        attempts; questions (a visitor, or a learner with an open attempt);
                                        counted_attempt, open_attempt, attempts_left, and with an open attempt
                                        form_error, error_numbers (learners)            (lms.quizzes)

"curriculum" is curriculum.page_context (registered with `reads_for`, run by the page's get_context); the lms keys
come from each app's wagtail_hooks.py. "learners": only for a visitor who is logged in; certificate_pending only
when the records show the course complete.
"""

from collections.abc import Callable

from wagtail import hooks

CURRICULUM_PAGE_CONTEXT = "curriculum_page_context"
CURRICULUM_PAGE_PARTS = "curriculum_page_parts"

_page_reads: dict[type, Callable] = {}


def reads_for(page_type: type):
    """Register fn(*, page, request, context) as what pages of `page_type` read of the curriculum."""

    def register(fn):
        _page_reads[page_type] = fn
        return fn

    return register


def add_page_reads(*, page, request, context) -> None:
    """Add what the page's type reads (curriculum.page_context) to its context."""
    read = _page_reads.get(type(page))
    if read is not None:
        read(page=page, request=request, context=context)


def page_part_templates(name: str) -> list[str]:
    """The templates the apps registered for the part `name` of a curriculum page, in hook order."""
    return [template for parts in hooks.get_hooks(CURRICULUM_PAGE_PARTS) if (template := parts().get(name))]
