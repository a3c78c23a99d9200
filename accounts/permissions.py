"""Role checks for views: a wrong role gets a 403 page that says why."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .models import Role


def describe_roles(roles) -> str:
    labels = [Role(role).label.lower() + "s" for role in roles]
    if len(labels) == 1:
        return labels[0]
    return ", ".join(labels[:-1]) + " and " + labels[-1]


class WrongRole(PermissionDenied):
    """Raised when a signed-in person's role does not reach a page."""

    def __init__(self, user, roles):
        self.allowed = list(roles)
        role_label = Role(user.role).label.lower() if user.role else "a person without a role yet"
        you_are = f"You are signed in as {'a ' if user.role else ''}{role_label}"
        if user.role in (Role.ADVISER, Role.COMMISSIONER_AUDITOR):
            you_are = f"You are signed in as an {role_label}"
        super().__init__(f"This page is only for {describe_roles(self.allowed)}. {you_are}.")


def check_role(user, roles) -> None:
    if user.role not in roles:
        raise WrongRole(user, roles)


def role_required(*roles):
    """View decorator: anonymous people sign in first; other roles get a 403 that says why."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            check_role(request.user, roles)
            return view(request, *args, **kwargs)

        wrapped.allowed_roles = tuple(roles)
        return wrapped

    return decorator


class RoleRequiredMixin:
    """Class-based view version of role_required."""

    allowed_roles: tuple = ()

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        check_role(request.user, self.allowed_roles)
        return super().dispatch(request, *args, **kwargs)
