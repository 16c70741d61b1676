"""The curriculum tree: Home > Course catalogue > Institute section > Course > Module > Lesson or quiz (a quiz on
the whole course sits right under the course).

What each page reads for its template is in curriculum.page_context; the keys of every page's context, and who adds
them, are listed in curriculum.pages_hooks.
"""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Locale, Orderable, Page, TranslatableMixin
from wagtail.search import index
from wagtail.url_routing import RouteResult
from wagtail_localize.fields import SynchronizedField, TranslatableField

from curriculum.blocks import PARAGRAPH_FEATURES, LessonBodyBlock
from curriculum.media import InstitutePageForm
from curriculum.pages_hooks import CURRICULUM_PAGE_CONTEXT, add_page_reads
from curriculum.questions import QuestionStreamBlock


def _default_locale_only():
    """Choosers offer the canonical (default-language) elements; pages display them in the visitor's language."""
    return {"locale_id": Locale.get_default().pk}


class CurriculumPage(Page):
    """A page below a home page: it shows the way back up (home, catalogue, course, module)."""

    # Its images and documents come from its institute's collection, never another's.
    base_form_class = InstitutePageForm

    class Meta:
        abstract = True

    @cached_property
    def breadcrumbs(self) -> list[Page]:
        """Its ancestors below the root, top first: read once per request, by the page and by the apps adding to it
        (lms's on_serve_page hook reads them before the page's context does)."""
        return list(self.get_ancestors().filter(depth__gt=1))

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["breadcrumbs"] = self.breadcrumbs
        add_page_reads(page=self, request=request, context=context)
        return context

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        # Apps built on the curriculum add their part of the page (a learner's progress, ...) through this hook.
        for add_context in hooks.get_hooks(CURRICULUM_PAGE_CONTEXT):
            add_context(page=self, request=request, context=response.context_data)
        return response


class HomePage(Page):
    """The front page of one language's site: a welcome, the five elements and the newest courses."""

    intro = RichTextField(_("introduction"), features=PARAGRAPH_FEATURES, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["curriculum.CourseIndexPage"]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        add_page_reads(page=self, request=request, context=context)
        return context

    @property
    def localized(self):
        """This home page in the active language, as Wagtail's `localized` (the live translation, else itself),
        without the two queries Wagtail makes for it on every page request (curriculum.routing)."""
        from curriculum.routing import localized_home_page

        return localized_home_page(self)

    # Deeper than any address of the tree (home, catalogue, section, course, module, lesson): walked Wagtail's way.
    LONGEST_ADDRESS = 12

    def route(self, request, path_components):
        """The page at an address below this home page and the pages above it, found by their url_paths in one
        query, then the page's specific row: Wagtail walks the tree two queries per level (ten for a lesson), and a
        page's breadcrumbs read its ancestors once more.

        It gives what Wagtail's walk gives (the page, if live; a page above it need not be) as long as no page type
        routes its own sub-addresses: an address no page has, or a page of such a type, goes the walk's way."""
        if not path_components or len(path_components) > self.LONGEST_ADDRESS:
            return super().route(request, path_components)
        url_paths = [
            self.url_path + "/".join(path_components[:level]) + "/" for level in range(1, len(path_components) + 1)
        ]
        trail = list(Page.objects.filter(url_path__in=url_paths, path__startswith=self.path).order_by("path"))
        complete = [page.url_path for page in trail] == url_paths and all(
            page.depth == self.depth + level for level, page in enumerate(trail, start=1)
        )
        found = trail[-1].specific if complete else None
        if found is None or type(found).route is not Page.route:
            return super().route(request, path_components)
        if not found.live:
            raise Http404
        if isinstance(found, CurriculumPage):
            found.__dict__["breadcrumbs"] = [page for page in [self, *trail[:-1]] if page.depth > 1]
        return RouteResult(found)


class CourseIndexPage(CurriculumPage):
    """The course catalogue: every course of this language's site, with search and filters."""

    intro = RichTextField(_("introduction"), features=PARAGRAPH_FEATURES, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["curriculum.HomePage"]
    subpage_types = ["curriculum.InstituteSectionPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("course catalogue")


class InstituteSectionPage(CurriculumPage):
    """An institute's part of the catalogue: its courses live below it, and so do its editors' permissions and its
    review workflow (granted on this page in every language's tree, see curriculum.institutes)."""

    institute = models.ForeignKey(
        "curriculum.Institute", verbose_name=_("institute"), on_delete=models.PROTECT, related_name="sections"
    )
    intro = RichTextField(_("introduction"), features=PARAGRAPH_FEATURES, blank=True)

    # Only site administrators choose the institute: an institute's editors may edit the introduction, never move
    # their section (and its permissions) to another institute.
    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("institute", permission="superuser")]
    translatable_fields = [
        TranslatableField("title"),
        TranslatableField("slug"),
        TranslatableField("seo_title"),
        TranslatableField("search_description"),
        TranslatableField("intro"),
        SynchronizedField("institute"),
    ]
    parent_page_types = ["curriculum.CourseIndexPage"]
    subpage_types = ["curriculum.CoursePage"]

    class Meta:
        verbose_name = _("institute section")


class CoursePage(CurriculumPage):
    """A course: an ordered set of modules, owned by a training institute."""

    class Level(models.TextChoices):
        INTRODUCTORY = "introductory", _("Introductory")
        INTERMEDIATE = "intermediate", _("Intermediate")
        ADVANCED = "advanced", _("Advanced")

    summary = models.TextField(_("summary"), max_length=600)
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, default=Level.INTRODUCTORY)
    estimated_hours = models.PositiveSmallIntegerField(_("estimated hours"), default=1)
    institute = models.ForeignKey(
        "curriculum.Institute",
        verbose_name=_("institute"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="courses",
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("cover_image"),
        FieldPanel("level"),
        FieldPanel("estimated_hours"),
        InlinePanel("learning_outcomes", label=_("Learning outcomes")),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary")]
    parent_page_types = ["curriculum.InstituteSectionPage"]
    subpage_types = ["curriculum.ModulePage", "curriculum.QuizPage"]

    class Meta:
        verbose_name = _("course")

    def save(self, *args, **kwargs):
        # A course belongs to the institute whose section holds it: nobody picks another institute in a form.
        section = self.get_parent().specific if self.path else None
        if isinstance(section, InstituteSectionPage):
            self.institute_id = section.institute_id
        return super().save(*args, **kwargs)


class LearningOutcome(TranslatableMixin, Orderable):
    """What a learner can do after the course; one sentence each, in the order the course builds them."""

    course = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="learning_outcomes")
    text = models.CharField(_("learning outcome"), max_length=300)

    panels = [FieldPanel("text")]

    class Meta(TranslatableMixin.Meta, Orderable.Meta):
        verbose_name = _("learning outcome")

    def __str__(self):
        return self.text


class ModulePage(CurriculumPage):
    """A module of a course, covering one or more ILM elements."""

    summary = models.TextField(_("summary"), max_length=600)
    estimated_minutes = models.PositiveSmallIntegerField(_("estimated minutes"), default=60)
    elements = ParentalManyToManyField(
        "curriculum.ILMElement",
        verbose_name=_("ILM elements"),
        related_name="modules",
        limit_choices_to=_default_locale_only,
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("estimated_minutes"),
        FieldPanel("elements", widget=forms.CheckboxSelectMultiple),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary")]
    # wagtail-localize leaves many-to-many fields out unless told: translations follow the source's elements.
    translatable_fields = [
        TranslatableField("title"),
        TranslatableField("slug"),
        SynchronizedField("show_in_menus"),
        TranslatableField("seo_title"),
        TranslatableField("search_description"),
        TranslatableField("summary"),
        SynchronizedField("estimated_minutes"),
        SynchronizedField("elements"),
    ]
    parent_page_types = ["curriculum.CoursePage"]
    subpage_types = ["curriculum.LessonPage", "curriculum.QuizPage"]

    class Meta:
        verbose_name = _("module")


class QuizPage(CurriculumPage):
    """A quiz closing a module (or a whole course). Answers are graded on the server only, by the question blocks."""

    class ScorePolicy(models.TextChoices):
        BEST = "best", _("The best attempt")
        LAST = "last", _("The last attempt")

    class FeedbackMode(models.TextChoices):
        SCORE = "score", _("The score only")
        ANSWERS = "answers", _("Each answer with its feedback and explanation")

    class RevealAnswers(models.TextChoices):
        """When a review of an attempt shows the right answers and the explanations (its feedback always shows)."""

        EACH_ATTEMPT = "each_attempt", _("After each attempt")
        PASSED_OR_LAST = "passed_or_last", _("After passing, or after the last attempt")
        NEVER = "never", _("Never")

    introduction = RichTextField(_("introduction"), features=PARAGRAPH_FEATURES, blank=True)
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=70, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    attempts_allowed = models.PositiveSmallIntegerField(
        _("attempts allowed"), null=True, blank=True, help_text=_("Leave empty for unlimited attempts.")
    )
    shuffle_questions = models.BooleanField(_("shuffle the questions"), default=False)
    shuffle_choices = models.BooleanField(_("shuffle the choices"), default=False)
    score_policy = models.CharField(
        _("score that counts"), max_length=10, choices=ScorePolicy.choices, default=ScorePolicy.BEST
    )
    feedback_mode = models.CharField(
        _("after submitting, show"), max_length=10, choices=FeedbackMode.choices, default=FeedbackMode.ANSWERS
    )
    reveal_answers = models.CharField(
        _("show the right answers and explanations"),
        max_length=20,
        choices=RevealAnswers.choices,
        default=RevealAnswers.PASSED_OR_LAST,
        help_text=_(
            "With answers shown after submitting. After passing or the last attempt: a quiz with unlimited attempts "
            "shows them only once it is passed."
        ),
    )
    questions = StreamField(QuestionStreamBlock(), verbose_name=_("questions"))

    content_panels = Page.content_panels + [
        FieldPanel("introduction"),
        FieldPanel("questions"),
    ]
    settings_panels = CurriculumPage.settings_panels + [
        FieldPanel("pass_mark"),
        FieldPanel("attempts_allowed"),
        FieldPanel("score_policy"),
        FieldPanel("feedback_mode"),
        FieldPanel("reveal_answers"),
        FieldPanel("shuffle_questions"),
        FieldPanel("shuffle_choices"),
    ]
    # The questions are not indexed: search must never find a quiz by its answers or feedback.
    search_fields = Page.search_fields + [index.SearchField("introduction")]
    parent_page_types = ["curriculum.ModulePage", "curriculum.CoursePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")

    def question_count(self) -> int:
        return len(self.questions)

    def reveals_answers(self, *, passed: bool, attempts_left: int | None) -> bool:
        """Whether the review of a submitted attempt shows the right answers and explanations."""
        if self.feedback_mode != self.FeedbackMode.ANSWERS or self.reveal_answers == self.RevealAnswers.NEVER:
            return False
        if self.reveal_answers == self.RevealAnswers.EACH_ATTEMPT:
            return True
        return passed or attempts_left == 0


class LessonPage(CurriculumPage):
    """A lesson: a body of blocks that renders to the web page and, with workbooks, to print."""

    summary = models.CharField(_("summary"), max_length=300, blank=True)
    estimated_minutes = models.PositiveSmallIntegerField(_("estimated minutes"), default=20)
    body = StreamField(LessonBodyBlock(), verbose_name=_("body"))

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("estimated_minutes"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["curriculum.ModulePage"]
    subpage_types = []

    @property
    def activity_minutes(self) -> int:
        """The minutes of the lesson's activities that always run (an optional one runs when time allows)."""
        return sum(
            block.value["duration_minutes"] or 0
            for block in self.body
            if block.block_type == "activity" and not block.value.get("optional")
        )

    class Meta:
        verbose_name = _("lesson")
