"""The course's ZIM file for its institute's staff, from the admin (the course page's header): to copy onto SD
cards for a workshop with no data at all. Built in the request: the demo course takes about a second."""

import tempfile
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import get_object_or_404

from curriculum.models import CoursePage
from curriculum.permissions import ADMIN_ROLES, is_staff_of
from lms.offline.zim import course_zim


def may_export_zim(user, course: CoursePage) -> bool:
    """The institute's editors and moderators (those who work in the admin), and site administrators."""
    return user.is_superuser or (course.institute is not None and is_staff_of(user, course.institute, ADMIN_ROLES))


def zim_download(request, course_id):
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    if not may_export_zim(request.user, course):
        raise PermissionDenied
    folder = Path(tempfile.mkdtemp(prefix="zim-"))
    path = folder / f"{course.slug}.{course.locale.language_code}.zim"
    course_zim(course, path)
    # The file is unlinked once open: the response reads it to the end, then the system frees it.
    response = FileResponse(path.open("rb"), as_attachment=True, filename=path.name, content_type="application/x-zim")
    path.unlink()
    folder.rmdir()
    return response
