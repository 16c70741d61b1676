"""Reads of the curriculum, one module per concern. Page contexts (curriculum.page_context) and lms/ call these;
nothing here writes. Import the module you need (`from curriculum.selectors import outline`): this package re-exports
nothing.

- tree: paths in the page tree, and which course a page is in
- languages: the language a page's text is in, its versions in other languages, the language switcher
- elements: the five ILM elements in a locale
- catalogue: the catalogue, institute sections and their course cards
- outline: a course's outline and a lesson's place in it (from the course's cached sequence)
- structure: which lessons and quizzes count in a course, keyed by translation_key, for lms/ (cached)
- institutes: an institute found by its slug or its translation_key (credentials name their issuer by these)
- landscapes: the landscapes, named in a language
- generation: when those cached reads (structures, course sequences, language links) go stale

Every function returns what a page needs in a fixed number of queries, whatever the size of the course.
"""
