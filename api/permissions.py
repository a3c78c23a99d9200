"""Who may call each endpoint: the same roles as the matching pages.

Which records a person sees is decided by the selectors each view calls (a jobseeker
their own, a provider the bookings made with it, commissioner staff their own
commissioner's programmes); anything else is a 404, exactly as on the pages.
"""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.models import Role
from accounts.permissions import describe_roles


class RolePermission(BasePermission):
    """Signed in, with one of ``roles``; ``write_roles`` (if set) limits unsafe methods."""

    roles: tuple = ()
    write_roles: tuple | None = None

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if user.role not in self.roles:
            self.message = f"This is only for {describe_roles(self.roles)}."
            return False
        if request.method not in SAFE_METHODS and self.write_roles is not None \
                and user.role not in self.write_roles:
            self.message = (f"Only {describe_roles(self.write_roles)} can change this. "
                            f"Your access is read-only.")
            return False
        return True


class IsJobseeker(RolePermission):
    roles = (Role.JOBSEEKER,)


class MayClaimBudget(BasePermission):
    """A jobseeker, or a new account with no role yet (claiming makes it a jobseeker)."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if user.role in ("", Role.JOBSEEKER):
            return True
        self.message = "Staff accounts cannot claim budgets. Sign in with your own account."
        return False


class IsProviderMember(RolePermission):
    roles = (Role.PROVIDER_ADMIN, Role.PROVIDER_STAFF)

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if getattr(request.user, "provider_membership", None) is None:
            self.message = "Your account is not linked to a provider yet."
            return False
        return True


class IsCommissionerStaff(RolePermission):
    """Managers do everything in their commissioner; auditors only read."""

    roles = (Role.COMMISSIONER_MANAGER, Role.COMMISSIONER_AUDITOR)
    write_roles = (Role.COMMISSIONER_MANAGER,)
