"""Lesson blocks: what institutes write a lesson with. Each block renders itself for the web from its own template
(Meta.template) and for print from another (Meta.print_template, see PrintsItself); Meta.description and
Meta.preview_value describe it to editors in the block chooser."""

import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

from curriculum.media import media_refusal

PARAGRAPH_FEATURES = ["bold", "italic", "ol", "ul", "link"]


class PrintsItself:
    """A block that knows how it prints: its Meta.print_template, given the block's value and print_context.
    Meta.facilitator_only marks a block that only the facilitator edition prints (curriculum.printing applies it)."""

    def print_context(self, value, *, block_id) -> dict:
        return {}

    def render_print(self, value, context: dict) -> str:
        return render_to_string(
            self.meta.print_template,
            {**context, "value": value, **self.print_context(value, block_id=context.get("block_id"))},
        )


class HeadingBlock(PrintsItself, blocks.CharBlock):
    class Meta:
        icon = "title"
        label = _("Heading")
        template = "blocks/heading.html"
        print_template = "blocks/print/heading.html"
        description = _("A heading that divides the lesson into parts.")
        preview_value = _("Who is in the landscape partnership?")


class ParagraphBlock(PrintsItself, blocks.RichTextBlock):
    def __init__(self, **kwargs):
        super().__init__(features=PARAGRAPH_FEATURES, **kwargs)

    class Meta:
        icon = "pilcrow"
        label = _("Paragraph")
        template = "blocks/paragraph.html"
        print_template = "blocks/print/paragraph.html"
        description = _("Text, with bold, italics, lists and links.")
        preview_value = _("A landscape partnership brings together the people who use and manage a landscape.")


class OwnMediaMixin:
    """A block holding an image or document (in `media_field`) that the page's institute may use: never another
    institute's (curriculum.media decides, while an admin form validates)."""

    media_field = ""
    # No preview in the block chooser: a placeholder image or document would have to belong to every institute.
    is_previewable = False

    def clean(self, value):
        value = super().clean(value)
        refusal = media_refusal(value.get(self.media_field))
        if refusal:
            raise StructBlockValidationError(block_errors={self.media_field: ValidationError(refusal)})
        return value


class ImageBlock(OwnMediaMixin, PrintsItself, blocks.StructBlock):
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
        print_template = "blocks/print/image.html"
        description = _("A picture from your institute's images, with alternative text and a caption.")


class VideoBlock(PrintsItself, blocks.StructBlock):
    """A link to a video with its transcript: never embedded, so no data is spent until the learner chooses to."""

    title = blocks.CharBlock(label=_("Title"))
    url = blocks.URLBlock(label=_("Video address"))
    duration = blocks.CharBlock(label=_("Duration"), required=False, help_text=_("For example: 6 min"))
    transcript = blocks.RichTextBlock(label=_("Transcript"), features=PARAGRAPH_FEATURES, required=False)

    class Meta:
        icon = "media"
        label = _("Video")
        template = "blocks/video.html"
        print_template = "blocks/print/video.html"
        description = _("A link to a video, with its transcript; it prints as a QR code.")
        preview_value = {
            "title": _("Walking the watershed"),
            "url": "https://video.example.org/watershed",
            "duration": _("6 min"),
            "transcript": _("We start at the spring above the village."),
        }

    def print_context(self, value, *, block_id):
        # On paper, the link is a code to scan.
        return {"qr_svg": segno.make(value["url"], error="m").svg_data_uri(scale=3, border=0)}


class CalloutBlock(PrintsItself, blocks.StructBlock):
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
        print_template = "blocks/print/callout.html"
        description = _("A key idea, a tip or a warning that stands out from the text.")
        preview_value = {
            "kind": "key_idea",
            "title": _("Key idea"),
            "text": _("Everyone who depends on the landscape has a voice."),
        }


class CaseStudyBlock(PrintsItself, blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"))
    place = blocks.CharBlock(label=_("Place"), help_text=_("The landscape and country, e.g. Laikipia, Kenya"))
    story = blocks.RichTextBlock(label=_("Story"), features=PARAGRAPH_FEATURES)

    class Meta:
        icon = "site"
        label = _("Case study")
        template = "blocks/case_study.html"
        print_template = "blocks/print/case_study.html"
        description = _("A story from a real landscape: where it happened and what people did.")
        preview_value = {
            "title": _("Restoring the hillsides"),
            "place": _("Laikipia, Kenya"),
            "story": _("Farmers and herders agreed on grazing areas."),
        }


class ActivityBlock(PrintsItself, blocks.StructBlock):
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
    optional = blocks.BooleanBlock(
        label=_("Optional"),
        required=False,
        default=False,
        help_text=_("Run when time allows: session plans list it apart, and the lesson's time need not include it."),
    )

    class Meta:
        icon = "group"
        label = _("Activity")
        template = "blocks/activity.html"
        print_template = "blocks/print/activity.html"
        description = _("Something learners do, alone or in groups, with time, materials and writing space.")
        preview_value = {
            "title": _("Map the stakeholders"),
            "instructions": _("List who uses the landscape and how."),
            "duration_minutes": 30,
            "group_size": _("4 to 6"),
            "materials": [_("Flip chart"), _("Markers")],
            "writing_lines": 2,
        }


class DiscussionQuestionBlock(PrintsItself, blocks.StructBlock):
    question = blocks.TextBlock(label=_("Question"))
    writing_lines = blocks.IntegerBlock(label=_("Lines of writing space"), min_value=0, max_value=40, default=4)

    class Meta:
        icon = "help"
        label = _("Discussion question")
        template = "blocks/discussion_question.html"
        print_template = "blocks/print/discussion_question.html"
        description = _("A question to discuss, with lines to write on in the workbook.")
        preview_value = {"question": _("Who is missing from the partnership?"), "writing_lines": 2}


class GlossaryTermBlock(PrintsItself, blocks.StructBlock):
    term = blocks.CharBlock(label=_("Term"))
    definition = blocks.TextBlock(label=_("Definition"))

    class Meta:
        icon = "list-ul"
        label = _("Glossary term")
        template = "blocks/glossary_term.html"
        print_template = "blocks/print/glossary_term.html"
        description = _("A term and its definition; the workbook gathers them in a glossary.")
        preview_value = {"term": _("Landscape"), "definition": _("An area shaped by the people and nature in it.")}


class HandoutBlock(PrintsItself, blocks.StructBlock):
    """A sheet an activity hands out (a table to fill in, a template, scoring slips). The workbook prints it as a
    page of its own in the annex, ready to copy, and prints here where to find it (curriculum.printing)."""

    title = blocks.CharBlock(label=_("Title"))
    instructions = blocks.RichTextBlock(label=_("Instructions"), features=PARAGRAPH_FEATURES, required=False)
    columns = blocks.ListBlock(
        blocks.CharBlock(label=_("Column")),
        label=_("Table columns"),
        default=[],
        help_text=_("Printed as a ruled table with these headings, for participants to fill in."),
    )
    rows = blocks.IntegerBlock(label=_("Table rows"), min_value=1, max_value=30, default=10)
    prompts = blocks.ListBlock(
        blocks.CharBlock(label=_("Prompt")),
        label=_("Prompts"),
        default=[],
        help_text=_("Each printed with lines to write on below it."),
    )

    class Meta:
        icon = "clipboard-list"
        label = _("Handout")
        template = "blocks/handout.html"
        print_template = "blocks/print/handout.html"
        annex_template = "blocks/print/handout_page.html"
        description = _("A sheet to copy for participants; the workbook prints it as a page in its annex.")
        preview_value = {"title": _("Engagement plan"), "columns": [_("Stakeholder"), _("How to involve")], "rows": 3}

    def render_annex(self, value, context: dict) -> str:
        """The handout as its own page of the workbook's annex."""
        return render_to_string(self.meta.annex_template, {**context, "value": value})


class DocumentBlock(OwnMediaMixin, PrintsItself, blocks.StructBlock):
    media_field = "document"

    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(label=_("Title"), required=False, help_text=_("Leave empty to use the document's title."))
    description = blocks.TextBlock(label=_("Description"), required=False)

    class Meta:
        icon = "doc-full"
        label = _("Downloadable document")
        template = "blocks/document.html"
        print_template = "blocks/print/document.html"
        description = _("A file from your institute's documents for learners to download.")

    def print_context(self, value, *, block_id):
        # Paper cannot link: the reader types the address (or scans it) to download the file.
        address = settings.PUBLIC_BASE_URL + value["document"].url
        return {"address": address, "qr_svg": segno.make(address, error="m").svg_data_uri(scale=3, border=0)}


class FacilitatorNoteBlock(PrintsItself, blocks.StructBlock):
    """Guidance for the person running a session. Learners never see it: not on the page, not in search."""

    text = blocks.RichTextBlock(label=_("Note"), features=PARAGRAPH_FEATURES)

    class Meta:
        icon = "user"
        label = _("Facilitator note")
        print_template = "blocks/print/facilitator_note.html"
        description = _("Guidance for the person running a session; learners never see it.")
        facilitator_only = True

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
    handout = HandoutBlock()
    document = DocumentBlock()
    facilitator_note = FacilitatorNoteBlock()
