from django_tasks import task

from lms.workshops.certification import pack_build
from lms.workshops.documents import sheets_build


# On the workbooks backend: the one `db_worker --backend workbooks` process a deployment runs for PDF work.
@task(backend="workbooks")
def build_certificate_pack(workshop_pk: int) -> str:
    """A workshop's certificates, laid out one per page off the request; the progress page offers the file once
    this has stored it."""
    return pack_build(workshop_pk)


@task(backend="workbooks")
def build_sheets_pack(workshop_pk: int) -> str:
    """A workshop's sign-in and results sheets, laid out off the request; the progress page offers the file once
    this has stored it."""
    return sheets_build(workshop_pk)
