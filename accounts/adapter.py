from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class InviteOnlyAccountAdapter(DefaultAccountAdapter):
    """Nobody signs themselves up: administrators create or import people,
    who then set their own password through the reset link."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False
