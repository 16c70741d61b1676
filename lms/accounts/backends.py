from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class EmailOrUsernameBackend(ModelBackend):
    """Learners log in with their email address; staff accounts made in the admin may still use a username."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        User = get_user_model()
        user = (
            User.objects.filter(email__iexact=username.strip()).first()
            or User.objects.filter(username=username.strip()).first()
        )
        if user is None:
            User().set_password(password)  # same work as a real check, so timing does not reveal unknown emails
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
