"""What each curriculum page reads of the curriculum for its template (see curriculum.pages_hooks for every key).

The page classes do not call the selectors themselves: the selectors read those classes, and a page module that
imported them back would make an import cycle. Each function here is registered for its page type and run by the
page's get_context; the app imports this module when it is ready.
"""

from curriculum.models import (
    CourseIndexPage,
    CoursePage,
    HomePage,
    InstituteSectionPage,
    LessonPage,
    ModulePage,
    QuizPage,
)
from curriculum.pages_hooks import reads_for
from curriculum.selectors import catalogue, elements, outline

OUTLINE_OPEN_LIMIT = 40  # lessons and quizzes a course outline shows unfolded


@reads_for(HomePage)
def home_page(*, page, request, context):
    context["elements"] = elements.elements_in_locale(page.locale)
    context["catalogue"] = CourseIndexPage.objects.child_of(page).live().first()


@reads_for(CourseIndexPage)
def course_index_page(*, page, request, context):
    context.update(catalogue.catalogue(page, params=request.GET, request=request))


@reads_for(InstituteSectionPage)
def institute_section_page(*, page, request, context):
    context.update(catalogue.institute_section(page, request, request.GET))


@reads_for(CoursePage)
def course_page(*, page, request, context):
    context["outline"] = outline.course_outline(page)
    # A long course shows its modules with their lessons folded away (the first one open): a phone scrolls through
    # module headings, not a few hundred lesson titles.
    context["outline_collapsed"] = sum(len(part.lessons) for part in context["outline"]) > OUTLINE_OPEN_LIMIT
    facts = outline.course_facts(page)
    context["elements"] = facts.elements
    context["institute"] = facts.institute
    context["learning_outcomes"] = facts.learning_outcomes


@reads_for(ModulePage)
def module_page(*, page, request, context):
    context["lessons"] = outline.module_lessons(page)
    context["elements"] = elements.localize_elements(page.elements.all(), page.locale)


@reads_for(QuizPage)
def quiz_page(*, page, request, context):
    if context["breadcrumbs"][-1].specific_class is ModulePage:  # a module's quiz sits in the lesson sequence
        context.update(outline.lesson_position(page, context["breadcrumbs"], request))


@reads_for(LessonPage)
def lesson_page(*, page, request, context):
    context.update(outline.lesson_position(page, context["breadcrumbs"], request))
