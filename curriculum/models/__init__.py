from .institutes import Institute
from .landscapes import Landscape
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
    "Landscape",
    "LearningOutcome",
    "LessonPage",
    "ModulePage",
    "QuizPage",
]
