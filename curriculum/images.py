"""The admin's image form: an upload is refused with a message unless every frame of it decodes."""

import threading
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image as PILImage
from PIL import ImageFile, ImageSequence
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

_STRICT = threading.Lock()


@contextmanager
def _truncated_data_refused():
    """WeasyPrint turns Pillow's global LOAD_TRUNCATED_IMAGES on when imported (it prints what it can of an image),
    and then Pillow decodes a cut-off file without a word: checking an upload needs it off. The lock keeps two checks
    from undoing each other; production workers (gunicorn, sync) serve one request at a time."""
    with _STRICT:
        previous, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


class DecodedImageField(WagtailImageField):
    """Wagtail reads an upload's header only, and a header Pillow cannot read raises instead of being refused (a
    server error): the file is decoded here, frame by frame, so a damaged or truncated image is refused at upload
    instead of failing later in a thumbnail, a lesson page or a certificate."""

    default_error_messages = {
        "damaged_image": _(
            "This file is not a readable image: it may be damaged or only partly saved. Open it in an image editor, "
            "save it again and upload the new file."
        ),
    }

    def to_python(self, data):
        try:
            upload = super().to_python(data)
        except ValidationError:
            raise
        except Exception as error:  # Pillow fails in many ways on a broken header (OSError, SyntaxError, ...)
            raise ValidationError(self.error_messages["damaged_image"], code="damaged_image") from error
        if upload is None:
            return None
        try:
            with _truncated_data_refused(), PILImage.open(upload) as picture:
                for frame in ImageSequence.Iterator(picture):
                    frame.load()
        except Exception as error:  # and in as many on broken pixel data
            raise ValidationError(self.error_messages["damaged_image"], code="damaged_image") from error
        finally:
            upload.seek(0)
        return upload


class ImageForm(BaseImageForm):
    """WAGTAILIMAGES_IMAGE_FORM_BASE: used by the image upload, edit, multiple upload and chooser upload views."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "file" in self.fields:
            uploaded = self.fields["file"]
            self.fields["file"] = DecodedImageField(
                label=uploaded.label, required=uploaded.required, widget=uploaded.widget
            )
