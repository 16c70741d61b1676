"""A PDF/A check written against the rules of ISO 19005-3 (PDF/A-3, whose clauses are those of PDF/A-2) that our
PDFs can break, since no validator is installed: pdfa_problems(pdf) lists what breaks a rule, empty when none does.

The rules checked, by clause:
- 6.1.3: the trailer has a file identifier (/ID); the file is not encrypted.
- 6.2.3: an output intent /GTS_PDFA1 whose destination profile is an ICC stream, RGB with /N 3 (WeasyPrint paints in
  sRGB, so an RGB profile is what makes its device colours device-independent).
- 6.2.11.4.1: every font used on a page is embedded (a font program in its descriptor; Type 3 fonts are their own),
  and the embedded program defines every glyph the text refers to.
- 6.2.11.8: no text refers to the .notdef glyph (what prints as an empty box: a character the font lacks).
- 6.2.11.7.2 (conformance level U): every character code the text uses maps to Unicode in the font's /ToUnicode.
- 6.6.2.1 and 6.6.2.3.1: an XMP packet in the catalogue names the part and conformance claimed.
- 6.6.3: every document information entry that has an XMP equivalent (Title, Author, Subject, Keywords, Creator,
  Producer, CreationDate, ModDate) has it, with an equivalent value.

It reads the PDF with pypdf and the embedded fonts with fontTools; text is found in page content streams, the form
XObjects they draw, tiling patterns and annotation appearances, each with its own resources.
"""

import datetime
import io
import re
from dataclasses import dataclass, field
from xml.etree import ElementTree

from fontTools.ttLib import TTFont
from pypdf import PdfReader
from pypdf.generic import ContentStream, IndirectObject

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
}
TEXT_SHOWING = {b"Tj", b"TJ", b"'", b'"'}


@dataclass
class FontUse:
    """One font object of the file and the character codes the text shows with it."""

    font: object
    codes: set[bytes] = field(default_factory=set)


def _key(obj) -> object:
    return (obj.idnum, obj.generation) if isinstance(obj, IndirectObject) else id(obj)


def _strings(operands) -> list[bytes]:
    found = []
    for operand in operands:
        if isinstance(operand, list):
            found.extend(_strings(operand))
        elif isinstance(operand, (str, bytes)):
            found.append(bytes(operand.original_bytes) if hasattr(operand, "original_bytes") else bytes(operand))
    return found


def _split_codes(font, text: bytes) -> list[bytes]:
    """Character codes: two bytes for Type 0 fonts with Identity-H/V (all WeasyPrint writes), one byte otherwise."""
    if font.get("/Subtype") == "/Type0":
        return [text[i : i + 2] for i in range(0, len(text), 2)]
    return [text[i : i + 1] for i in range(len(text))]


def _collect(reader, stream, resources, uses: dict, seen: set) -> None:
    """Record the codes shown in `stream` per font, descending into what it draws."""
    resources = resources.get_object() if resources is not None else {}
    fonts = resources.get("/Font", {})
    fonts = fonts.get_object() if fonts else {}
    font = None
    for operands, operator in ContentStream(stream, reader).operations:
        if operator == b"Tf":
            reference = fonts.get(operands[0])
            font = reference
        elif operator in TEXT_SHOWING:
            if font is None:
                uses.setdefault("no font", FontUse(None)).codes.add(b"")
                continue
            use = uses.setdefault(_key(font), FontUse(font.get_object()))
            for text in _strings(operands):
                use.codes.update(_split_codes(use.font, text))
        elif operator == b"Do":
            xobjects = resources.get("/XObject", {})
            reference = xobjects.get_object().get(operands[0]) if xobjects else None
            if reference is not None and reference.get_object().get("/Subtype") == "/Form":
                _visit(reader, reference, resources, uses, seen)
    patterns = resources.get("/Pattern", {})
    for reference in (patterns.get_object() if patterns else {}).values():
        if reference.get_object().get("/PatternType") == 1:
            _visit(reader, reference, resources, uses, seen)


def _visit(reader, reference, parent_resources, uses, seen) -> None:
    if _key(reference) in seen:
        return
    seen.add(_key(reference))
    form = reference.get_object()
    _collect(reader, form, form.get("/Resources", parent_resources), uses, seen)


def font_uses(reader: PdfReader) -> dict:
    uses: dict = {}
    seen: set = set()
    for page in reader.pages:
        contents = page.get_contents()
        if contents is not None:
            _collect(reader, contents, page.get("/Resources"), uses, seen)
        for annotation in page.get("/Annots", []) or []:
            appearance = annotation.get_object().get("/AP", {})
            normal = appearance.get("/N") if appearance else None
            if normal is not None and "/Subtype" in normal.get_object():
                _visit(reader, normal, page.get("/Resources"), uses, seen)
    return uses


def _to_unicode(font) -> dict[bytes, str]:
    """The /ToUnicode CMap's bfchar and bfrange entries, code -> text."""
    cmap = font.get("/ToUnicode")
    if cmap is None:
        return {}
    data = cmap.get_object().get_data().decode("latin-1")
    mapping: dict[bytes, str] = {}

    def text(hexes: str) -> str:
        return bytes.fromhex(hexes).decode("utf-16-be", errors="replace")

    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for code, target in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            mapping[bytes.fromhex(code)] = text(target)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for low, high, target in re.findall(
            r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]*>|\[[^\]]*\])", block
        ):
            width = len(low) // 2
            first, last = int(low, 16), int(high, 16)
            targets = re.findall(r"<([0-9A-Fa-f]*)>", target)
            for offset, code in enumerate(range(first, last + 1)):
                if target.startswith("["):
                    value = text(targets[offset]) if offset < len(targets) else ""
                else:
                    start = bytes.fromhex(targets[0])
                    value = (
                        (int.from_bytes(start, "big") + offset)
                        .to_bytes(len(start), "big")
                        .decode("utf-16-be", errors="replace")
                    )
                mapping[code.to_bytes(width, "big")] = value
    return mapping


def _embedded_cmap(cmap) -> dict[bytes, int]:
    """An embedded CMap's cidchar and cidrange entries, code -> CID (WeasyPrint writes one when a font lacks a
    character, mapping it to CID 0)."""
    data = cmap.get_data().decode("latin-1")
    mapping: dict[bytes, int] = {}
    for block in re.findall(r"begincidchar(.*?)endcidchar", data, re.S):
        for code, cid in re.findall(r"<([0-9A-Fa-f]+)>\s*(\d+)", block):
            mapping[bytes.fromhex(code)] = int(cid)
    for block in re.findall(r"begincidrange(.*?)endcidrange", data, re.S):
        for low, high, cid in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(\d+)", block):
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                mapping[code.to_bytes(len(low) // 2, "big")] = int(cid) + offset
    return mapping


def _font_problems(use: FontUse, conformance: str) -> list[str]:
    font = use.font
    if font is None:
        return ["6.2.11.4.1: text is shown with no font selected"]
    name = str(font.get("/BaseFont", "(Type 3)"))
    subtype = font.get("/Subtype")
    problems = []
    codes = sorted(use.codes)
    if conformance == "U":
        unicode = _to_unicode(font)
        unmapped = [code.hex() for code in codes if not unicode.get(code) or unicode[code] in ("\ufffd", "\ufeff")]
        if unmapped:
            problems.append(f"6.2.11.7.2: {name} has codes with no Unicode mapping: {unmapped[:10]}")
    if subtype == "/Type3":
        procs = font.get("/CharProcs", {}).get_object()
        differences = font.get("/Encoding", {}).get_object().get("/Differences", [])
        names, code = {}, 0
        for item in differences:
            if isinstance(item, int):
                code = item
            else:
                names[code], code = str(item), code + 1
        missing = [code.hex() for code in codes if names.get(code[0]) not in procs]
        return problems + (
            [f"6.2.11.4.1: Type 3 font has no glyph procedure for codes {missing[:10]}"] if missing else []
        )
    descendant = font["/DescendantFonts"][0].get_object() if subtype == "/Type0" else font
    descriptor = descendant.get("/FontDescriptor")
    descriptor = descriptor.get_object() if descriptor is not None else {}
    program = next((descriptor[key] for key in ("/FontFile2", "/FontFile3", "/FontFile") if key in descriptor), None)
    if program is None:
        return [*problems, f"6.2.11.4.1: {name} is not embedded"]
    if "/FontFile2" not in descriptor and not (
        "/FontFile3" in descriptor and program.get_object().get("/Subtype") == "/OpenType"
    ):
        return [*problems, f"{name}: a font program this check cannot read (only TrueType and OpenType)"]
    ttfont = TTFont(io.BytesIO(program.get_object().get_data()), lazy=True)
    glyph_count = ttfont["maxp"].numGlyphs
    if subtype == "/Type0":
        encoding = font.get("/Encoding")
        if encoding in ("/Identity-H", "/Identity-V"):
            code_to_cid = None
        elif hasattr(encoding, "get_object") and "/CMapName" in encoding.get_object():
            code_to_cid = _embedded_cmap(encoding.get_object())
        else:
            return [*problems, f"{name}: encoding {encoding} is not one this check reads"]
        cid_to_gid = descendant.get("/CIDToGIDMap", "/Identity")
        table = None if cid_to_gid == "/Identity" else cid_to_gid.get_object().get_data()

        def glyph(code: bytes) -> int:
            # A code an embedded CMap does not map shows CID 0, the .notdef glyph (PDF 32000-1, 9.7.6.3).
            cid = int.from_bytes(code, "big") if code_to_cid is None else code_to_cid.get(code, 0)
            if table is None:
                return cid
            return int.from_bytes(table[2 * cid : 2 * cid + 2], "big") if 2 * cid + 2 <= len(table) else -1

    else:
        cmap = ttfont["cmap"].getcmap(3, 0) or ttfont["cmap"].getcmap(1, 0)
        order = ttfont.getGlyphOrder()

        def glyph(code: bytes) -> int:
            glyph_name = (cmap.cmap if cmap else {}).get(code[0] + (0xF000 if cmap and cmap.platformID == 3 else 0))
            return order.index(glyph_name) if glyph_name in order else -1

    notdef = [code.hex() for code in codes if glyph(code) == 0]
    absent = [code.hex() for code in codes if not 0 <= glyph(code) < glyph_count]
    if notdef:
        problems.append(f"6.2.11.8: {name} shows .notdef (a character the font lacks) for codes {notdef[:10]}")
    if absent:
        problems.append(f"6.2.11.4.1: {name}'s embedded program has no glyph for codes {absent[:10]}")
    return problems


def _pdf_date(value: str) -> datetime.datetime:
    """D:YYYYMMDDHHmmSSOHH'mm' as a datetime (fields after the year optional, as the PDF spec allows)."""
    match = re.match(r"D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(Z|[+-]\d{2}'?\d{2}'?)?", value)
    year, month, day, hour, minute, second, zone = match.groups()
    offset = datetime.UTC
    if zone and zone != "Z":
        sign = -1 if zone[0] == "-" else 1
        hours, minutes = int(zone[1:3]), int(zone.replace("'", "")[3:5] or 0)
        offset = datetime.timezone(sign * datetime.timedelta(hours=hours, minutes=minutes))
    return datetime.datetime(
        int(year), int(month or 1), int(day or 1), int(hour or 0), int(minute or 0), int(second or 0), tzinfo=offset
    )


def _xmp_date(value: str) -> datetime.datetime:
    parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)


def _xmp_values(root) -> dict[str, str]:
    """XMP properties as text, whether written as attributes or elements; Alt/Seq/Bag give their items joined."""
    values = {}
    for description in root.iter(f"{{{NS['rdf']}}}Description"):
        for attribute, value in description.attrib.items():
            values[attribute] = value
        for child in description:
            items = [item.text or "" for item in child.iter(f"{{{NS['rdf']}}}li")]
            if child.find(f"{{{NS['rdf']}}}Alt") is not None:
                alt = child.find(f"{{{NS['rdf']}}}Alt")
                default = [li for li in alt if li.get("{http://www.w3.org/XML/1998/namespace}lang") == "x-default"]
                items = [(default or list(alt))[0].text or ""] if len(alt) else []
            values[child.tag] = ", ".join(items) if items else (child.text or "")
    return values


# Document information entries and their XMP equivalents (ISO 19005-2, 6.6.3, table 3).
INFO_TO_XMP = {
    "/Title": f"{{{NS['dc']}}}title",
    "/Author": f"{{{NS['dc']}}}creator",
    "/Subject": f"{{{NS['dc']}}}description",
    "/Keywords": f"{{{NS['pdf']}}}Keywords",
    "/Creator": f"{{{NS['xmp']}}}CreatorTool",
    "/Producer": f"{{{NS['pdf']}}}Producer",
    "/CreationDate": f"{{{NS['xmp']}}}CreateDate",
    "/ModDate": f"{{{NS['xmp']}}}ModifyDate",
}


def pdfa_problems(pdf: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    problems = []
    if reader.is_encrypted:
        problems.append("6.1.3: the file is encrypted")
    if "/ID" not in reader.trailer:
        problems.append("6.1.3: the trailer has no file identifier (/ID)")
    catalog = reader.trailer["/Root"].get_object()
    metadata = catalog.get("/Metadata")
    xmp = {}
    if metadata is None:
        problems.append("6.6.2.1: the catalogue has no XMP metadata stream")
    else:
        xmp = _xmp_values(ElementTree.fromstring(metadata.get_object().get_data()))
    part, conformance = xmp.get(f"{{{NS['pdfaid']}}}part"), xmp.get(f"{{{NS['pdfaid']}}}conformance", "")
    if part != "3" or conformance not in ("A", "B", "U"):
        problems.append(f"6.6.2.3.1: the XMP claims part {part!r} conformance {conformance!r}, not PDF/A-3")
    intents = [intent.get_object() for intent in catalog.get("/OutputIntents", [])]
    pdfa_intents = [intent for intent in intents if intent.get("/S") == "/GTS_PDFA1"]
    if not pdfa_intents:
        problems.append("6.2.3: no /GTS_PDFA1 output intent")
    for intent in pdfa_intents:
        profile = intent.get("/DestOutputProfile")
        if profile is None:
            problems.append("6.2.3: the output intent has no destination profile")
            continue
        icc = profile.get_object().get_data()
        if icc[36:40] != b"acsp" or icc[16:20] != b"RGB " or profile.get_object().get("/N") != 3:
            problems.append("6.2.3: the output intent's profile is not an RGB ICC profile with /N 3")
    info = reader.trailer.get("/Info")
    info = info.get_object() if info is not None else {}
    for entry, prop in INFO_TO_XMP.items():
        if entry not in info:
            continue
        value, equivalent = str(info[entry]), xmp.get(prop)
        if equivalent is None:
            problems.append(f"6.6.3: {entry} {value!r} has no XMP equivalent ({prop.split('}')[1]})")
        elif entry.endswith("Date"):
            if _pdf_date(value) != _xmp_date(equivalent):
                problems.append(f"6.6.3: {entry} {value!r} differs from its XMP {equivalent!r}")
        elif value != equivalent:
            problems.append(f"6.6.3: {entry} {value!r} differs from its XMP {equivalent!r}")
    for use in font_uses(reader).values():
        problems.extend(_font_problems(use, conformance))
    return problems
