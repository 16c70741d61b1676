from .institutes import Institute
from .pages import (
    CourseIndexPage,
    CoursePage,
    HomePage,
    InstituteSectionPage,
    LearningOutcome,
    LessonPage,
    ModulePage,
    QuizPage,
)
from .snippets import ILMElement

__all__ = [
    "CourseIndexPage",
    "CoursePage",
    "HomePage",
    "ILMElement",
    "Institute",
    "InstituteSectionPage",
    "LearningOutcome",
    "LessonPage",
    "ModulePage",
    "QuizPage",
]
