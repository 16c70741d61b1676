"""What a certificate records of its course, read from the curriculum once, when it is issued: the certificate
keeps it even if the course, its institute or its elements change later."""

from curriculum.models import CoursePage, ILMElement, Institute
from curriculum.selectors.languages import written_versions
from curriculum.selectors.structure import course_structures


def course_snapshot(course: CoursePage) -> dict:
    """What a certificate records of a course, in every language it really exists in: titles, institute names and
    signatory, the ILM elements its modules cover, and its hours. Makes the logo's and signature's renditions."""
    versions = written_versions(CoursePage, [course.translation_key]).order_by("pk")
    # Oldest first: the course as written first, in its source language, is the title shown where none other is.
    titles = {version.locale.language_code: version.title for version in versions.select_related("locale")}
    institute = {}
    if course.institute_id:
        # Oldest first: the institute as it was created, in its own language; its translations are copies of it.
        translations = list(
            Institute.objects.filter(translation_key=course.institute.translation_key)
            .select_related("locale")
            .order_by("pk")
        )
        source = course.institute
        institute = {
            "names": {item.locale.language_code: item.name for item in translations},
            "source_language": translations[0].locale.language_code,
            "signatory_name": source.signatory_name,
            "signatory_title": source.signatory_title,
            "signatory_titles": {item.locale.language_code: item.signatory_title for item in translations},
            "brand_colour": source.brand_colour,
            "logo": source.logo.get_rendition("max-400x200").url if source.logo_id else "",
            "signature": source.signature.get_rendition("max-400x160").url if source.signature_id else "",
        }
    structure = course_structures([course.translation_key]).get(course.translation_key)
    numbers = sorted({number for module in structure.modules for number in module.element_numbers}) if structure else []
    elements = []
    for number in numbers:
        versions_of_element = ILMElement.objects.filter(number=number).select_related("locale")
        elements.append({"number": number, "titles": {e.locale.language_code: e.title for e in versions_of_element}})
    return {"titles": titles, "institute": institute, "elements": elements, "hours": course.estimated_hours}
