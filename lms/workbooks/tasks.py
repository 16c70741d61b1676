from django_tasks import task

from lms.workbooks.services import WorkbookOrder, workbook_build


@task(backend="workbooks")
def build_workbook(page_key: str, language: str, edition: str, paper: str) -> str:
    """A workbook rendered off the request: the download page offers the file once this has stored it."""
    return workbook_build(WorkbookOrder(page_key=page_key, language=language, edition=edition, paper=paper))
