from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect


@login_required
def start(request):
    """Send a person who has just signed in to their own starting point."""
    user = request.user
    if user.role:
        return redirect("my_learning")
    if user.works_in_admin:
        return redirect("wagtailadmin_home")
    return redirect("account_email")
