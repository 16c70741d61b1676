"""Extension points of curriculum pages. Apps that build on the curriculum (lms/) register functions for them with
Wagtail's hooks, so the curriculum never imports them.

CURRICULUM_PAGE_CONTEXT: fn(*, page, request, context) adds to the template context of any curriculum page.
"""

CURRICULUM_PAGE_CONTEXT = "curriculum_page_context"
