"""One tagged PDF written from documents laid out one after another, each released once its pages are drawn: a
long workbook's memory is its longest part's, not its whole length's.

WeasyPrint lays out every page of a document before it draws the first one (a "Page 3 of 963" footer needs the
total), and keeps every page's boxes until the file is written: a 1,000-page workbook held about a gigabyte. Here
each part (a workbook's cover, each module, its back matter) is a document of its own, drawn into one PDF as soon as
it is laid out: its pages get their structure tags, links and named destinations there and then, and its boxes go.
What needs the whole (the contents' page numbers, "of 963") is drawn last: pages set aside for the contents, and a
second content stream on every page for what `overlay` draws.

This follows weasyprint.pdf.generate_pdf (WeasyPrint 70) step by step, with its page loop taken apart; it uses
WeasyPrint's own pieces for each step, some of them private, which is why pyproject.toml pins WeasyPrint's minor
version. What our workbooks do not use (forms, attachments, bleed) is left out.
"""

import io
from importlib.resources import files

import pydyf
from tinycss2.color5 import D50, D65
from weasyprint import DEFAULT_OPTIONS, VERSION
from weasyprint.css import ColorProfile
from weasyprint.document import Document, Page
from weasyprint.images import SVGImage
from weasyprint.logger import LOGGER
from weasyprint.matrix import Matrix
from weasyprint.pdf import VARIANTS, _use_references
from weasyprint.pdf.anchors import add_links, add_outlines
from weasyprint.pdf.fonts import build_fonts_dictionary
from weasyprint.pdf.stream import Stream
from weasyprint.pdf.tags import _build_box_tree

SCALE = 0.75  # 72 PDF points per inch / 96 CSS pixels per inch


class _PDF(pydyf.PDF):
    """pydyf's PDF, its page references kept as pages are added: pydyf builds the tuple of every page's reference
    on each read, and tagging reads it once per structure element, which made tagging quadratic in pages."""

    def __init__(self):
        super().__init__()
        self._page_references = []

    def add_page(self, page):
        super().add_page(page)
        self._page_references.append(f"{page.number} 0 R".encode("ascii"))

    @property
    def page_references(self):
        return self._page_references


class _Written(pydyf.Object):
    """A PDF object already turned into its bytes: a drawn page's content stream and structure elements are final,
    and as bytes they take a fraction of the memory of pydyf's objects (a dictionary each, tens of thousands of
    them in a long workbook)."""

    def __init__(self, pdf_object: pydyf.Object):
        super().__init__()
        self.number, self._data, self._compressible = pdf_object.number, pdf_object.data, pdf_object.compressible

    @property
    def data(self):
        return self._data

    @property
    def compressible(self):
        return self._compressible


class ImagesOfParts(dict):
    """The image cache the parts' layouts share (WeasyPrint's `cache` option): a picture on many pages (a logo) is
    read and decoded once. It keeps no SVG picture (a QR code): WeasyPrint's SVG image holds the layout that made
    it, which would keep every part it appears in alive to the end."""

    def __setitem__(self, url, image):
        if not isinstance(image, SVGImage):
            super().__setitem__(url, image)


class PdfInParts:
    """Add laid-out documents in page order (`add`), or pages to draw later (`set_aside`, `draw_set_aside`);
    then `overlay`, if anything is drawn over the pages, and `pdf_bytes()` once."""

    def __init__(self, *, variant: str | None = None):
        self.options = {**DEFAULT_OPTIONS, "pdf_tags": True, "pdf_variant": variant}
        if variant:
            variant_function, properties = VARIANTS[variant]
            self.variant_function = variant_function
            for key, value in properties.items():
                if self.options.get(key) is None:
                    self.options[key] = value
        else:
            self.variant_function = None
        self.compress = not self.options["uncompressed_pdf"]
        self.pdf = _PDF()
        self.images = {}
        self.image_cache = ImagesOfParts()  # for the layout of each part (lms.pdf.render.layout_pdf)
        self.fonts = {}  # every page's stream draws with these: each font is embedded once, subset to what all print
        self.first: Document | None = None  # its metadata (title, language) and colour profiles are the file's
        self.pages: list[Page] = []  # each page's anchors and bookmarks, its boxes released once drawn
        self.streams: list[Stream] = []
        self.anchors: set[str] = set()
        self._set_aside: list[int] = []  # page numbers (from 0) of pages reserved, not yet drawn
        self._page_elements: dict[int, list] = {}  # each page's structure elements, for the tree in page order
        self._page_nums: dict[int, list] = {}  # each page's marked contents, for the parent tree in page order
        self._page_annotations: dict[int, list] = {}
        self._dests = []
        self._dest_names: set[str] = set()
        self._pdf_pages: list[pydyf.Dictionary] = []
        self._start()

    def _start(self):
        def lab(white_point):
            range_ = pydyf.Array((-125, 125, -125, 125))
            return pydyf.Array(("/Lab", pydyf.Dictionary({"WhitePoint": pydyf.Array(white_point), "Range": range_})))

        self.color_space = pydyf.Dictionary({"lab-d50": lab(D50), "lab-d65": lab(D65)})
        self.resources = pydyf.Dictionary(
            {
                "ExtGState": pydyf.Dictionary(),
                "XObject": pydyf.Dictionary(),
                "Pattern": pydyf.Dictionary(),
                "Shading": pydyf.Dictionary(),
            }
        )
        content_mapping = pydyf.Dictionary({})
        self.pdf.add_object(content_mapping)
        self.structure_root = pydyf.Dictionary({"Type": "/StructTreeRoot", "ParentTree": content_mapping.reference})
        self.pdf.add_object(self.structure_root)
        self.content_mapping = content_mapping
        self.structure_document = pydyf.Dictionary(
            {"Type": "/StructElem", "S": "/Document", "K": pydyf.Array(), "P": self.structure_root.reference}
        )
        self.pdf.add_object(self.structure_document)
        self.structure_root["K"] = pydyf.Array([self.structure_document.reference])
        self.pdf.catalog["StructTreeRoot"] = self.structure_root.reference

    def _first_document(self, document: Document):
        """The colour profiles and metadata come with the first document (as WeasyPrint's own writer takes them)."""
        self.first = document
        self.color_profiles = document.color_profiles
        if self.options["output_intent"] == "srgb":
            self.color_profiles["srgb"] = ColorProfile(
                (files("weasyprint.pdf") / "sRGB2014.icc").open("rb"),
                "sRGB2014.icc",
                "relative-colorimetric",
                (["r"], ["g"], ["b"]),
            )
        for key, color_profile in self.color_profiles.items():
            profile = pydyf.Stream(
                [color_profile.content],
                pydyf.Dictionary({"N": len(color_profile.components)}),
                compress=self.compress,
            )
            self.pdf.add_object(profile)
            color_profile.pdf_reference = profile.reference
            self.color_space[key] = pydyf.Array(("/ICCBased", profile.reference))
        self.pdf.add_object(self.color_space)
        self.resources["ColorSpace"] = self.color_space.reference
        self.pdf.add_object(self.resources)

    def _new_page(self, page: Page) -> int:
        """A page of the PDF, its content stream empty for now; returns its number (from 0)."""
        number = len(self.pages)
        left, top = 0, 0
        right, bottom = SCALE * page.width, SCALE * page.height
        stream = self._stream((0, 0, page.width, page.height), tags={})
        stream.transform(d=-1, f=page.height * SCALE)
        self.pdf.add_object(stream)
        pdf_page = pydyf.Dictionary(
            {
                "Type": "/Page",
                "Parent": self.pdf.pages.reference,
                "MediaBox": pydyf.Array([left, top, right, bottom]),
                "TrimBox": pydyf.Array([left, top, right, bottom]),
                "BleedBox": pydyf.Array([left, top, right, bottom]),
                "Contents": stream.reference,
                "Resources": self.resources.reference,
                "Tabs": "/S",
                "StructParents": number,
            }
        )
        self.pdf.add_page(pdf_page)
        self._pdf_pages.append(pdf_page)
        self.pages.append(page)
        self.streams.append(stream)
        return number

    def _stream(self, rectangle, *, tags):
        return Stream(
            self.fonts,
            rectangle,
            self.resources,
            self.images,
            tags,
            self.color_profiles,
            self.first.output_intent,
            compress=self.compress,
        )

    def _draw(self, number: int, page: Page, inspect=None):
        """Draw a laid-out page into PDF page `number`, tag it, then let its boxes go."""
        self.pages[number] = page
        pdf_page, stream = self._pdf_pages[number], self.streams[number]
        first_new_object = len(self.pdf.objects)
        matrix = Matrix(SCALE, 0, 0, -SCALE, 0, page.height * SCALE)
        links = [link for link in page.links if link[0] != "internal" or link[1] in self.anchors]
        for link in page.links:
            if link not in links:
                LOGGER.error("No anchor #%s for internal URI reference", link[1])
        anchors = [(name, x, y) for name, (x, y, _, _) in page.anchors.items() if name not in self._dest_names]
        self._dest_names.update(name for name, _x, _y in anchors)
        add_links((links, anchors), matrix, self.pdf, pdf_page, self._dests, stream._tags)
        page.paint(stream, SCALE)
        nums, annotations = {}, []
        elements = list(
            _build_box_tree(page._page_box, self.structure_document, self.pdf, number, nums, annotations, stream._tags)
        )
        assert not stream._tags, "every marked content of the page belongs to its structure tree"
        self._page_elements[number] = [element.reference for element in elements]
        self._page_nums[number] = [reference for _mcid, reference in sorted(nums.items())]
        self._page_annotations[number] = annotations
        if inspect:
            inspect(number + 1, page)
        page._page_box = None
        page.links = []  # each link holds its box, and its box the part's whole tree
        self._write(stream)
        self.streams[number] = None
        for pdf_object in self.pdf.objects[first_new_object:]:
            if not (isinstance(pdf_object, dict) and pdf_object.get("Type") == "/Annot"):  # changed at the end
                self._write(pdf_object)

    def _write(self, pdf_object: pydyf.Object):
        self.pdf.objects[pdf_object.number] = _Written(pdf_object)

    def add(self, document: Document, inspect=None) -> range:
        """Draw every page of a laid-out document after the pages so far; returns their numbers (from 1).
        `inspect(number, page)` sees each page's layout before it is released."""
        if self.first is None:
            self._first_document(document)
        for page in document.pages:
            self.anchors.update(page.anchors)
        start = len(self.pages)
        numbers = [self._new_page(page) for page in document.pages]
        for number in numbers:
            self._draw(number, document.pages[number - start], inspect)
        document.pages.clear()
        return range(start + 1, start + len(numbers) + 1)

    def anchor_pages(self) -> dict[str, int]:
        """Each anchor's page number (from 1) in the pages so far: where a name first appears."""
        found = {}
        for number, page in enumerate(self.pages, 1):
            for name in page.anchors:
                found.setdefault(name, number)
        return found

    def set_aside(self, document: Document) -> range:
        """Pages the size of this document's, drawn later by `draw_set_aside` (the contents, whose page numbers
        are known only when everything after them is laid out)."""
        if self.first is None:
            self._first_document(document)
        start = len(self.pages)
        self._set_aside = [self._new_page(page) for page in document.pages]  # its size, until drawn
        for page in document.pages:
            page._page_box = None
        document.pages.clear()
        return range(start + 1, start + len(self._set_aside) + 1)

    def draw_set_aside(self, document: Document, inspect=None):
        """Draw the pages set aside; the document must have exactly as many pages."""
        if len(document.pages) != len(self._set_aside):
            raise ValueError(f"{len(document.pages)} pages for the {len(self._set_aside)} set aside")
        for page in document.pages:
            self.anchors.update(page.anchors)
        for number, page in zip(self._set_aside, document.pages, strict=True):
            self._draw(number, page, inspect)
        document.pages.clear()
        self._set_aside = []

    def overlay(self, document: Document, first: int = 1):
        """Draw the pages of `document` over pages `first` (from 1) onwards, one on one (page numbers, once their
        total is known), as artifacts: a second content stream on each page, the first one already final."""
        if first - 1 + len(document.pages) > len(self.pages):
            raise ValueError(f"{len(document.pages)} pages to draw over page {first} of {len(self.pages)}")
        for number, page in enumerate(document.pages, start=first - 1):
            stream = self._stream((0, 0, page.width, page.height), tags=None)
            stream.begin_marked_content("Artifact")
            page.paint(stream, SCALE)
            stream.end_marked_content()
            self.pdf.add_object(stream)
            self._write(stream)
            pdf_page = self._pdf_pages[number]
            pdf_page["Contents"] = pydyf.Array([pdf_page["Contents"], stream.reference])
            page._page_box = None
        document.pages.clear()

    def pdf_bytes(self) -> bytes:
        if self._set_aside:
            raise ValueError("Pages set aside were never drawn")
        pdf, first = self.pdf, self.first
        add_outlines(pdf, first.copy(self.pages).make_bookmark_tree(SCALE, transform_pages=True))

        pdf.info["Producer"] = pydyf.String(f"WeasyPrint {VERSION}")
        metadata = first.metadata
        if metadata.title:
            pdf.info["Title"] = pydyf.String(metadata.title)
        if metadata.authors:
            pdf.info["Author"] = pydyf.String(", ".join(metadata.authors))
        if metadata.description:
            pdf.info["Subject"] = pydyf.String(metadata.description)
        if metadata.lang:
            pdf.catalog["Lang"] = pydyf.String(metadata.lang)

        pdf_fonts = build_fonts_dictionary(pdf, self.fonts, self.compress, not self.options["full_fonts"], self.options)
        pdf.add_object(pdf_fonts)
        self.resources["Font"] = pdf_fonts.reference
        _use_references(pdf, self.resources, self.images, self.color_profiles)

        if self._dests:
            names = pydyf.Array()
            for name, destination in sorted(self._dests):
                names.append(pydyf.String(name))
                names.append(destination)
            pdf.catalog.setdefault("Names", pydyf.Dictionary())["Dests"] = pydyf.Dictionary({"Names": names})

        self._finish_tags()

        profile = self.color_profiles.get(first.output_intent) or next(iter(self.color_profiles.values()), None)
        if profile:
            variant = self.options["pdf_variant"]
            subtype = "/GTS_PDFA1" if variant and "pdf/a" in variant else "/GTS_PDFX"
            intent = pydyf.Dictionary({"Type": "/OutputIntent", "S": subtype})
            intent["OutputConditionIdentifier"] = pydyf.String(profile.name)
            intent["Info"] = pydyf.String(profile.name)
            intent["DestOutputProfile"] = profile.pdf_reference
            pdf.catalog["OutputIntents"] = pydyf.Array([intent])
        if self.variant_function:
            self.variant_function(pdf, first, [], [], self.compress)  # it reads no content stream

        output = io.BytesIO()
        pdf.write(output, self.options["pdf_version"], self.options["pdf_identifier"], self.compress)
        return output.getvalue()

    def _finish_tags(self):
        """The structure tree and its parent tree in page order (the contents are drawn last, read second)."""
        numbers = sorted(self._page_elements)
        mapping = pydyf.Array()
        for number in numbers:
            self.structure_document["K"].extend(self._page_elements[number])
            mapping.append(number)
            mapping.append(pydyf.Array(self._page_nums[number]))
        annotations = [annotation for number in numbers for annotation in self._page_annotations[number]]
        for key, (reference, annotation) in enumerate(annotations, start=len(self.pages)):
            mapping.append(key)
            mapping.append(reference)
            annotation["StructParent"] = key
        self.content_mapping["Nums"] = mapping
        self.pdf.catalog["ViewerPreferences"] = pydyf.Dictionary({"DisplayDocTitle": "true"})
        self.pdf.catalog["MarkInfo"] = pydyf.Dictionary({"Marked": "true"})
        if "Lang" not in self.pdf.catalog:
            LOGGER.error('Missing required "lang" attribute at the root of the document')
            self.pdf.catalog["Lang"] = pydyf.String()
