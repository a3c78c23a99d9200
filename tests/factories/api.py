from api.services import create_api_token
from tests.factories.accounts import ManagerFactory, ProviderAdminFactory

__all__ = ["api_token_for"]


def api_token_for(*, provider=None, commissioner=None, role="commissioner_manager",
                  name="test"):
    """(token, secret) for an organisation, created by a new admin of it."""
    if provider is not None:
        admin = ProviderAdminFactory(provider=provider)
    else:
        admin = ManagerFactory(commissioner=commissioner)
    return create_api_token(actor=admin, name=name, role=role)
