"""Lesson blocks: what institutes write a lesson with. Each block renders itself for the web from its own template."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

from curriculum.media import media_refusal

PARAGRAPH_FEATURES = ["bold", "italic", "ol", "ul", "link"]


class HeadingBlock(blocks.CharBlock):
    class Meta:
        icon = "title"
        label = _("Heading")
        template = "blocks/heading.html"


class ParagraphBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        super().__init__(features=PARAGRAPH_FEATURES, **kwargs)

    class Meta:
        icon = "pilcrow"
        label = _("Paragraph")
        template = "blocks/paragraph.html"


class OwnMediaMixin:
    """A block holding an image or document (in `media_field`) that the page's institute may use: never another
    institute's (curriculum.media decides, while an admin form validates)."""

    media_field = ""

    def clean(self, value):
        value = super().clean(value)
        refusal = media_refusal(value.get(self.media_field))
        if refusal:
            raise StructBlockValidationError(block_errors={self.media_field: ValidationError(refusal)})
        return value


class ImageBlock(OwnMediaMixin, blocks.StructBlock):
    media_field = "image"

    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        required=False,
        help_text=_("What the image shows, for people who cannot see it. Leave empty if it is only decoration."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False)
    credit = blocks.CharBlock(label=_("Credit"), required=False)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "blocks/image.html"


class VideoBlock(blocks.StructBlock):
    """A link to a video with its transcript: never embedded, so no data is spent until the learner chooses to."""

    title = blocks.CharBlock(label=_("Title"))
    url = blocks.URLBlock(label=_("Video address"))
    duration = blocks.CharBlock(label=_("Duration"), required=False, help_text=_("For example: 6 min"))
    transcript = blocks.RichTextBlock(label=_("Transcript"), features=PARAGRAPH_FEATURES, required=False)

    class Meta:
        icon = "media"
        label = _("Video")
        template = "blocks/video.html"


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("Kind"),
        choices=[("key_idea", _("Key idea")), ("tip", _("Tip")), ("warning", _("Warning"))],
        default="key_idea",
    )
    title = blocks.CharBlock(label=_("Title"), required=False)
    text = blocks.RichTextBlock(label=_("Text"), features=PARAGRAPH_FEATURES)

    class Meta:
        icon = "pick"
        label = _("Callout")
        template = "blocks/callout.html"


class CaseStudyBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"))
    place = blocks.CharBlock(label=_("Place"), help_text=_("The landscape and country, e.g. Laikipia, Kenya"))
    story = blocks.RichTextBlock(label=_("Story"), features=PARAGRAPH_FEATURES)

    class Meta:
        icon = "site"
        label = _("Case study")
        template = "blocks/case_study.html"


class ActivityBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"))
    instructions = blocks.RichTextBlock(label=_("Instructions"), features=PARAGRAPH_FEATURES)
    duration_minutes = blocks.IntegerBlock(label=_("Duration (minutes)"), min_value=1, max_value=600)
    group_size = blocks.CharBlock(label=_("Group size"), required=False)
    materials = blocks.ListBlock(blocks.CharBlock(label=_("Material")), label=_("Materials"), default=[])
    writing_lines = blocks.IntegerBlock(
        label=_("Lines of writing space"),
        min_value=0,
        max_value=40,
        default=6,
        help_text=_("Ruled lines printed in the workbook for the learner's answer."),
    )

    class Meta:
        icon = "group"
        label = _("Activity")
        template = "blocks/activity.html"


class DiscussionQuestionBlock(blocks.StructBlock):
    question = blocks.TextBlock(label=_("Question"))
    writing_lines = blocks.IntegerBlock(label=_("Lines of writing space"), min_value=0, max_value=40, default=4)

    class Meta:
        icon = "help"
        label = _("Discussion question")
        template = "blocks/discussion_question.html"


class GlossaryTermBlock(blocks.StructBlock):
    term = blocks.CharBlock(label=_("Term"))
    definition = blocks.TextBlock(label=_("Definition"))

    class Meta:
        icon = "list-ul"
        label = _("Glossary term")
        template = "blocks/glossary_term.html"


class DocumentBlock(OwnMediaMixin, blocks.StructBlock):
    media_field = "document"

    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(label=_("Title"), required=False, help_text=_("Leave empty to use the document's title."))
    description = blocks.TextBlock(label=_("Description"), required=False)

    class Meta:
        icon = "doc-full"
        label = _("Downloadable document")
        template = "blocks/document.html"


class FacilitatorNoteBlock(blocks.StructBlock):
    """Guidance for the person running a session. Learners never see it: not on the page, not in search."""

    text = blocks.RichTextBlock(label=_("Note"), features=PARAGRAPH_FEATURES)

    class Meta:
        icon = "user"
        label = _("Facilitator note")

    def render(self, value, context=None):
        return ""

    def get_searchable_content(self, value):
        return []


class LessonBodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    image = ImageBlock()
    video = VideoBlock()
    callout = CalloutBlock()
    case_study = CaseStudyBlock()
    activity = ActivityBlock()
    discussion_question = DiscussionQuestionBlock()
    glossary_term = GlossaryTermBlock()
    document = DocumentBlock()
    facilitator_note = FacilitatorNoteBlock()
